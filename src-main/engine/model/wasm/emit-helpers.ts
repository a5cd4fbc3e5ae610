// Small emitters the generated attention kernels share (kernels.ts): the loops over batch rows and heads, and
// loading, addressing and storing one head's vectors in a row.
import { Fn, I32 } from './asm';

/** Shared prologue: locals b, h, i and the loops over batch rows and heads. */
export function rowLoops(f: Fn, B: number, heads: number, body: (b: number, h: number) => void): void {
  const b = f.local(I32);
  const h = f.local(I32);
  f.forLoop(
    b,
    () => f.i32(0),
    () => f.get(B),
    () => {
      f.forLoop(
        h,
        () => f.i32(0),
        () => f.i32(heads),
        () => body(b, h),
      );
    },
  );
}

/** Loads the vectors at `ptr` (16 bytes apart) into the registers `regs`, in order. */
export function loadVec(f: Fn, ptr: number, regs: number[]): void {
  regs.forEach((reg, k) =>
    f
      .get(ptr)
      .vload(16 * k)
      .set(reg),
  );
}

/** Pushes base + (b·T + row)·stride + h·n·16: the address of head h's n vectors in row (b, row) of a [B·T, ·]
 * matrix whose rows are `stride` bytes apart (locals b, T, row, h; base a local too). */
export function pushHeadRow(
  f: Fn,
  base: number,
  b: number,
  T: number,
  row: number,
  stride: number,
  h: number,
  n: number,
): Fn {
  return f
    .get(base)
    .get(b)
    .get(T)
    .mul()
    .get(row)
    .add()
    .i32(stride)
    .mul()
    .add()
    .get(h)
    .i32(n * 16)
    .mul()
    .add();
}

/** Adds head h's offset (n vectors of 16 bytes each) to the row address on the stack, keeps it in `dst`, and
 * stores the registers `vecs` there one after another. */
export function storeHeadVectors(f: Fn, h: number, n: number, dst: number, vecs: readonly number[]): void {
  f.get(h)
    .i32(n * 16)
    .mul()
    .add()
    .set(dst);
  vecs.forEach((a, k) =>
    f
      .get(dst)
      .get(a)
      .vstore(16 * k),
  );
}
