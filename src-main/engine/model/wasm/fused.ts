// Fused SIMD kernels for RMSNorm (forward, backward with the gain's gradient) and the GELU around tfjs's
// vectorised sigmoid: one pass each where the tfjs-op versions take 6–8 elementwise passes and reductions.
import * as tf from '@tensorflow/tfjs-core';
import { assemble, F32, Fn, I32, V128 } from './asm';
import { wasmModule } from './runtime';

interface FusedExports {
  rmsFwd(x: number, g: number, y: number, r: number, N: number, D: number, eps: number): void;
  rmsBwd(dy: number, x: number, r: number, g: number, dx: number, dg: number, N: number, D: number): void;
  geluPre(x: number, u: number, n: number, c1: number, c3: number): void;
  mulInto(a: number, b: number, out: number, n: number): void;
  geluBwd(dy: number, x: number, s: number, dx: number, n: number, c1: number, c3: number): void;
}

// Rows are D floats, D a multiple of 4 (callers check); element loops cover n floats, n a multiple of 4.
const byteOf = (f: Fn, base: number, idx: number) => f.get(base).get(idx).i32(2).shl().add();

function rmsFwd(): Fn {
  const f = new Fn('rmsFwd', [I32, I32, I32, I32, I32, I32, F32]);
  const [X, G, Y, R, N, D, EPS] = [0, 1, 2, 3, 4, 5, 6];
  const [row, k, xr, yr] = Array.from({ length: 4 }, () => f.local(I32));
  const [acc, v, tmp, rv] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const rs = f.local(F32);
  f.forLoop(
    row,
    () => f.i32(0),
    () => f.get(N),
    () => {
      f.get(row).get(D).mul().set(xr);
      f.vzero().set(acc);
      f.forLoop(
        k,
        () => f.i32(0),
        () => f.get(D),
        () => {
          f.get(X).get(xr).get(k).add().i32(2).shl().add().vload().tee(v).get(v).vmul().get(acc).vadd().set(acc);
        },
        4,
      );
      // r = 1 / sqrt(Σx²/D + eps)
      f.f32(1).get(acc).hsum(tmp).get(D).f32FromI32().fdiv().get(EPS).fadd().fsqrt().fdiv().set(rs);
      byteOf(f, R, row).get(rs).fstore();
      f.get(rs).vsplat().set(rv);
      f.get(Y).get(xr).i32(2).shl().add().set(yr);
      f.forLoop(
        k,
        () => f.i32(0),
        () => f.get(D),
        () => {
          byteOf(f, yr, k);
          f.get(X).get(xr).get(k).add().i32(2).shl().add().vload().get(rv).vmul();
          byteOf(f, G, k).vload().vmul().vstore();
        },
        4,
      );
    },
  );
  return f;
}

function rmsBwd(): Fn {
  const f = new Fn('rmsBwd', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [DY, X, R, G, DX, DG, N, D] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [row, k, base] = Array.from({ length: 3 }, () => f.local(I32));
  const [acc, dyv, xv, tmp, rv, cv] = Array.from({ length: 6 }, () => f.local(V128));
  const [rs, m] = [f.local(F32), f.local(F32)];
  const at = (p: number) => f.get(p).get(base).get(k).add().i32(2).shl().add();
  f.forLoop(
    row,
    () => f.i32(0),
    () => f.get(N),
    () => {
      f.get(row).get(D).mul().set(base);
      byteOf(f, R, row).fload().set(rs);
      f.get(rs).vsplat().set(rv);
      // m = Σ (dy·g·x) · r / D ;  dg += dy·x·r
      f.vzero().set(acc);
      f.forLoop(
        k,
        () => f.i32(0),
        () => f.get(D),
        () => {
          at(DY).vload().set(dyv);
          at(X).vload().set(xv);
          f.get(acc).get(dyv);
          byteOf(f, G, k).vload().vmul().get(xv).vmul().vadd().set(acc);
          byteOf(f, DG, k).get(dyv).get(xv).vmul().get(rv).vmul();
          byteOf(f, DG, k).vload().vadd().vstore();
        },
        4,
      );
      f.get(acc).hsum(tmp).get(rs).fmul().get(D).f32FromI32().fdiv().set(m);
      // dx = r·(dy·g) − (r²·m)·x
      f.get(rs).get(rs).fmul().get(m).fmul().vsplat().set(cv);
      f.forLoop(
        k,
        () => f.i32(0),
        () => f.get(D),
        () => {
          at(DX);
          at(DY).vload();
          byteOf(f, G, k).vload().vmul().get(rv).vmul();
          at(X).vload().get(cv).vmul().vsub().vstore();
        },
        4,
      );
    },
  );
  return f;
}

function geluPre(): Fn {
  // u = x·(c1 + c3·x²)
  const f = new Fn('geluPre', [I32, I32, I32, F32, F32]);
  const [X, U, N, C1, C3] = [0, 1, 2, 3, 4];
  const [i] = [f.local(I32)];
  const [xv, c1, c3] = [f.local(V128), f.local(V128), f.local(V128)];
  f.get(C1).vsplat().set(c1);
  f.get(C3).vsplat().set(c3);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(N),
    () => {
      byteOf(f, U, i);
      byteOf(f, X, i).vload().tee(xv).get(xv).get(xv).vmul().get(c3).vmul().get(c1).vadd().vmul().vstore();
    },
    4,
  );
  return f;
}

function mulInto(): Fn {
  const f = new Fn('mulInto', [I32, I32, I32, I32]);
  const [A, B, OUT, N] = [0, 1, 2, 3];
  const i = f.local(I32);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(N),
    () => {
      byteOf(f, OUT, i);
      byteOf(f, A, i).vload();
      byteOf(f, B, i).vload().vmul().vstore();
    },
    4,
  );
  return f;
}

function geluBwd(): Fn {
  // dx = dy·(s + x·s·(1 − s)·(c1 + 3·c3·x²))
  const f = new Fn('geluBwd', [I32, I32, I32, I32, I32, F32, F32]);
  const [DY, X, S, DX, N, C1, C3] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local(I32);
  const [xv, sv, c1, c33, one] = Array.from({ length: 5 }, () => f.local(V128));
  f.get(C1).vsplat().set(c1);
  f.get(C3).f32(3).fmul().vsplat().set(c33);
  f.f32(1).vsplat().set(one);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(N),
    () => {
      byteOf(f, DX, i);
      byteOf(f, X, i).vload().set(xv);
      byteOf(f, S, i).vload().set(sv);
      f.get(sv);
      f.get(xv).get(sv).vmul().get(one).get(sv).vsub().vmul();
      f.get(xv).get(xv).vmul().get(c33).vmul().get(c1).vadd().vmul();
      f.vadd();
      byteOf(f, DY, i).vload().vmul().vstore();
    },
    4,
  );
  return f;
}

function kernels() {
  return wasmModule<FusedExports>('fused', (shared) =>
    assemble([rmsFwd(), rmsBwd(), geluPre(), mulInto(), geluBwd()], shared),
  );
}

/** The fused kernels when the wasm backend runs and the widths are multiples of 4; otherwise null. */
export function fusedKernels(
  width: number,
): { k: FusedExports; ptr(t: tf.Tensor): number; empty(shape: number[]): tf.Tensor } | null {
  if (width % 4 !== 0) return null;
  const rt = kernels();
  return rt ? { k: rt.exports, ptr: rt.ptr, empty: rt.empty } : null;
}
