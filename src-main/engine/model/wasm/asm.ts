// A tiny WebAssembly assembler: just enough of the binary format (imported memory, one function type per
// kernel, i32/f32/v128 locals, structured control flow, SIMD f32x4) to emit Espalier's kernels at run time.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Emits one function body. Locals are numbered after the parameters, in the order they are declared. */
export class Fn {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: ValType[],
    readonly results: ValType[] = [],
  ) {}

  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }

  get(i: number) {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number) {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number) {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number) {
    return this.op(0x41, ...sleb(n | 0));
  }
  f32(x: number) {
    const b = new Uint8Array(new Float32Array([x]).buffer);
    return this.op(0x43, ...b);
  }
  // i32 arithmetic and comparisons
  add() {
    return this.op(0x6a);
  }
  sub() {
    return this.op(0x6b);
  }
  mul() {
    return this.op(0x6c);
  }
  shl() {
    return this.op(0x74);
  }
  and() {
    return this.op(0x71);
  }
  /** Pops c, b, a; pushes c ? a : b. */
  select() {
    return this.op(0x1b);
  }
  ltS() {
    return this.op(0x48);
  }
  geS() {
    return this.op(0x4e);
  }
  gtS() {
    return this.op(0x4a);
  }
  // f32 scalar
  fadd() {
    return this.op(0x92);
  }
  fsub() {
    return this.op(0x93);
  }
  fmul() {
    return this.op(0x94);
  }
  fdiv() {
    return this.op(0x95);
  }
  fsqrt() {
    return this.op(0x91);
  }
  f32FromI32() {
    return this.op(0xb2);
  }
  i32Load(offset = 0) {
    return this.op(0x28, 2, ...uleb(offset));
  }
  fload(offset = 0) {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  fstore(offset = 0) {
    return this.op(0x38, 2, ...uleb(offset));
  }
  // v128 / f32x4
  vload(offset = 0) {
    return this.simd(0x00, 4, ...uleb(offset));
  }
  vstore(offset = 0) {
    return this.simd(0x0b, 4, ...uleb(offset));
  }
  vsplat() {
    return this.simd(0x13);
  }
  vlane(lane: number) {
    return this.simd(0x1f, lane);
  }
  vadd() {
    return this.simd(0xe4);
  }
  vsub() {
    return this.simd(0xe5);
  }
  vmul() {
    return this.simd(0xe6);
  }
  vdiv() {
    return this.simd(0xe7);
  }
  vsqrt() {
    return this.simd(0xe3);
  }
  vzero() {
    return this.simd(0x0c, ...new Array(16).fill(0));
  }
  // control flow
  block() {
    return this.op(0x02, 0x40);
  }
  loop() {
    return this.op(0x03, 0x40);
  }
  end() {
    return this.op(0x0b);
  }
  br(depth: number) {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number) {
    return this.op(0x0d, ...uleb(depth));
  }

  /**
   * `for (i = from; i < limit; i += step) body()`, where from/limit push one i32 each. The body runs
   * inside block+loop, so a `br` inside it must account for two extra levels.
   */
  forLoop(i: number, from: () => void, limit: () => void, body: () => void, step = 1): this {
    from();
    this.set(i);
    this.block().loop();
    this.get(i);
    limit();
    this.geS().brIf(1);
    body();
    this.get(i).i32(step).add().set(i);
    this.br(0).end().end();
    return this;
  }

  /** Horizontal sum of the v128 on the stack into an f32 (uses scratch local `tmp`). */
  hsum(tmp: number): this {
    this.set(tmp);
    this.get(tmp).vlane(0).get(tmp).vlane(1).fadd().get(tmp).vlane(2).get(tmp).vlane(3).fadd().fadd();
    return this;
  }

  encodeBody(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) groups.push([1, t]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module importing `env.memory` (shared when the tfjs heap is shared) and exporting each function. */
export function assemble(fns: Fn[], sharedMemory: boolean): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  // Limits: flag 0 = min only; flag 3 = shared with max (a shared import must declare one: 4 GiB).
  const limits = sharedMemory ? [3, 0, ...uleb(65536)] : [0, 0];
  const imports = vec([[...str('env'), ...str('memory'), 0x02, ...limits]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const code = vec(fns.map((f) => f.encodeBody()));
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ];
  return Uint8Array.from(bytes);
}
