// WebAssembly SIMD kernels for the optimizer step: AdamW updating a parameter and its moments in place,
// and the sum of squares of a gradient (for the global norm). One call per parameter replaces ~14 tfjs ops.
import { assemble, F32, Fn, I32, V128 } from './asm';

export interface OptimExports {
  /**
   * m, v in place: m ← b1·m + (1−b1)·g·gs; v ← b2·v + (1−b2)·(g·gs)². The parameter goes to a fresh
   * buffer: out ← p·decay − step·m / (√v / bc2 + eps). (Never update a weight in place: XNNPACK caches
   * packed copies of matMul operands by tensor id, and would keep multiplying by the stale values.)
   */
  adamw(
    p: number,
    out: number,
    m: number,
    v: number,
    g: number,
    n: number,
    b1: number,
    b2: number,
    step: number,
    bc2: number,
    eps: number,
    decay: number,
    gs: number,
  ): void;
  /** Σ g² over n floats. */
  sumsq(g: number, n: number): number;
}

function adamw(): Fn {
  const f = new Fn('adamw', [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32]);
  const [P, OUT, M, V, G, N, B1, B2, STEP, BC2, EPS, DECAY, GS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [i, end, off] = [f.local(I32), f.local(I32), f.local(I32)];
  const [b1, c1, b2, c2, step, bc2, eps, decay, gs, g, m, v] = Array.from({ length: 12 }, () => f.local(V128));
  // Broadcast the scalars once; c1 = 1 − b1, c2 = 1 − b2.
  const splat = (src: () => void, dst: number) => {
    src();
    f.vsplat().set(dst);
  };
  splat(() => f.get(B1), b1);
  splat(() => f.f32(1).get(B1).fsub(), c1);
  splat(() => f.get(B2), b2);
  splat(() => f.f32(1).get(B2).fsub(), c2);
  splat(() => f.get(STEP), step);
  splat(() => f.get(BC2), bc2);
  splat(() => f.get(EPS), eps);
  splat(() => f.get(DECAY), decay);
  splat(() => f.get(GS), gs);
  f.get(N).i32(-4).and().set(end);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(end),
    () => {
      f.get(i).i32(2).shl().set(off);
      f.get(G).get(off).add().vload().get(gs).vmul().set(g);
      f.get(M).get(off).add().vload().get(b1).vmul().get(g).get(c1).vmul().vadd().set(m);
      f.get(V).get(off).add().vload().get(b2).vmul().get(g).get(g).vmul().get(c2).vmul().vadd().set(v);
      f.get(M).get(off).add().get(m).vstore();
      f.get(V).get(off).add().get(v).vstore();
      f.get(OUT).get(off).add();
      f.get(P).get(off).add().vload().get(decay).vmul();
      f.get(step).get(m).vmul().get(v).vsqrt().get(bc2).vdiv().get(eps).vadd().vdiv();
      f.vsub().vstore();
    },
    4,
  );
  // Scalar tail (sizes that are not a multiple of 4).
  const [gf, mf, vf] = [f.local(F32), f.local(F32), f.local(F32)];
  f.forLoop(
    i,
    () => f.get(end),
    () => f.get(N),
    () => {
      f.get(i).i32(2).shl().set(off);
      f.get(G).get(off).add().fload().get(GS).fmul().set(gf);
      f.get(M).get(off).add().fload().get(B1).fmul().get(gf).f32(1).get(B1).fsub().fmul().fadd().set(mf);
      f.get(V).get(off).add().fload().get(B2).fmul().get(gf).get(gf).fmul().f32(1).get(B2).fsub().fmul().fadd().set(vf);
      f.get(M).get(off).add().get(mf).fstore();
      f.get(V).get(off).add().get(vf).fstore();
      f.get(OUT).get(off).add();
      f.get(P).get(off).add().fload().get(DECAY).fmul();
      f.get(STEP).get(mf).fmul().get(vf).fsqrt().get(BC2).fdiv().get(EPS).fadd().fdiv();
      f.fsub().fstore();
    },
  );
  return f;
}

function sumsq(): Fn {
  const f = new Fn('sumsq', [I32, I32], [F32]);
  const [G, N] = [0, 1];
  const [i, end, ptr] = [f.local(I32), f.local(I32), f.local(I32)];
  const [acc, x, tmp] = [f.local(V128), f.local(V128), f.local(V128)];
  const total = f.local(F32);
  f.vzero().set(acc);
  f.get(N).i32(-4).and().set(end);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(end),
    () => {
      f.get(G).get(i).i32(2).shl().add().vload().set(x);
      f.get(acc).get(x).get(x).vmul().vadd().set(acc);
    },
    4,
  );
  f.get(acc).hsum(tmp).set(total);
  f.forLoop(
    i,
    () => f.get(end),
    () => f.get(N),
    () => {
      f.get(G).get(i).i32(2).shl().add().tee(ptr).fload().get(ptr).fload().fmul().get(total).fadd().set(total);
    },
  );
  f.get(total);
  return f;
}

export function buildOptimKernels(sharedMemory: boolean): Uint8Array {
  return assemble([adamw(), sumsq()], sharedMemory);
}
