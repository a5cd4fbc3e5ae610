// WebAssembly SIMD kernels for causal attention and rotary embeddings, generated per (heads, head size)
// and run directly on tfjs-wasm's heap. They read the fused [B·T, 3D] qkv layout in place, so the 5-D
// transposes, the reverse and the batched matMuls of the portable path (all slow in tfjs-wasm 4.22) vanish.
import { assemble, F32, Fn, I32, V128 } from './asm';
import { loadVec, pushHeadRow, rowLoops, storeHeadVectors } from './emit-helpers';

export interface KernelExports {
  /** y = rotate(x) for the q and k heads of each [3D] row (v copied); sign −1 applies the inverse. */
  rope(x: number, y: number, cos: number, sin: number, B: number, T: number, sign: number): void;
  /** S[b,h,i,j] = scale·q_i·k_j for j ≤ i, −1e9 above the diagonal. */
  scores(qkv: number, s: number, B: number, T: number, scale: number): void;
  /** O[b·T+i, h·dh…] = Σ_{j≤i} P[b,h,i,j]·v_j. */
  attend(qkv: number, p: number, o: number, B: number, T: number): void;
  /** dqkv from dO (dqkv's k and v parts must start at zero: they accumulate). `row` is T floats of scratch. */
  backward(qkv: number, p: number, dO: number, dqkv: number, row: number, B: number, T: number, scale: number): void;
}

/** Builds the module for `heads` heads of size `dh` (a multiple of 8). */
export function buildKernels(heads: number, dh: number, sharedMemory: boolean): Uint8Array {
  if (dh % 8 !== 0) throw new Error(`attention kernels need a head size divisible by 8, got ${dh}`);
  const D4 = heads * dh * 4; // bytes of one D-wide row
  const RS = 3 * D4; // bytes of one qkv row
  const n = dh / 4; // v128 per head vector
  return assemble(
    [rope(heads, dh, D4, RS), scores(heads, n, D4, RS), attend(heads, n, D4, RS), backward(heads, n, D4, RS)],
    sharedMemory,
  );
}

function rope(heads: number, dh: number, D4: number, RS: number): Fn {
  const f = new Fn('rope', [I32, I32, I32, I32, I32, I32, F32]);
  const [X, Y, COS, SIN, B, T, SIGN] = [0, 1, 2, 3, 4, 5, 6];
  const half4 = (dh / 2) * 4;
  const [b, t, r, hh, i, xp, yp, tp] = [
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
  ];
  const [c, s, x1, x2, sg] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  f.get(SIGN).vsplat().set(sg);
  f.forLoop(
    b,
    () => f.i32(0),
    () => f.get(B),
    () => {
      f.forLoop(
        t,
        () => f.i32(0),
        () => f.get(T),
        () => {
          f.get(b).get(T).mul().get(t).add().set(r);
          f.get(t).i32(half4).mul().set(tp);
          f.forLoop(
            hh,
            () => f.i32(0),
            () => f.i32(2 * heads),
            () => {
              f.get(r)
                .i32(RS)
                .mul()
                .get(hh)
                .i32(dh * 4)
                .mul()
                .add()
                .set(i);
              f.get(X).get(i).add().set(xp);
              f.get(Y).get(i).add().set(yp);
              for (let k = 0; k < half4; k += 16) {
                f.get(COS).get(tp).add().vload(k).set(c);
                f.get(SIN).get(tp).add().vload(k).get(sg).vmul().set(s);
                f.get(xp).vload(k).set(x1);
                f.get(xp)
                  .vload(k + half4)
                  .set(x2);
                f.get(yp).get(x1).get(c).vmul().get(x2).get(s).vmul().vsub().vstore(k);
                f.get(yp)
                  .get(x2)
                  .get(c)
                  .vmul()
                  .get(x1)
                  .get(s)
                  .vmul()
                  .vadd()
                  .vstore(k + half4);
              }
            },
          );
          // The v third of the row is copied unchanged.
          f.get(r)
            .i32(RS)
            .mul()
            .i32(2 * D4)
            .add()
            .set(i);
          for (let k = 0; k < D4; k += 16) f.get(Y).get(i).add().get(X).get(i).add().vload(k).vstore(k);
        },
      );
    },
  );
  return f;
}

function scores(heads: number, n: number, D4: number, RS: number): Fn {
  const f = new Fn('scores', [I32, I32, I32, I32, F32]);
  const [QKV, S, B, T, SCALE] = [0, 1, 2, 3, 4];
  const [i, j, qp, kp, sp] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const q = Array.from({ length: n }, () => f.local(V128));
  const acc = f.local(V128);
  const tmp = f.local(V128);
  rowLoops(f, B, heads, (b, h) => {
    f.forLoop(
      i,
      () => f.i32(0),
      () => f.get(T),
      () => {
        pushHeadRow(f, QKV, b, T, i, RS, h, n).set(qp);
        loadVec(f, qp, q);
        // S row (b, h, i)
        f.get(S).get(b).i32(heads).mul().get(h).add().get(T).mul().get(i).add().get(T).mul().i32(2).shl().add().set(sp);
        f.forLoop(
          j,
          () => f.i32(0),
          () => f.get(i).i32(1).add(),
          () => {
            pushHeadRow(f, QKV, b, T, j, RS, h, n).i32(D4).add().set(kp);
            f.get(q[0]!).get(kp).vload(0).vmul().set(acc);
            for (let k = 1; k < n; k++)
              f.get(acc)
                .get(q[k]!)
                .get(kp)
                .vload(16 * k)
                .vmul()
                .vadd()
                .set(acc);
            f.get(sp).get(j).i32(2).shl().add();
            f.get(acc).hsum(tmp).get(SCALE).fmul().fstore();
          },
        );
        f.forLoop(
          j,
          () => f.get(i).i32(1).add(),
          () => f.get(T),
          () => {
            f.get(sp).get(j).i32(2).shl().add().f32(-1e9).fstore();
          },
        );
      },
    );
  });
  return f;
}

function attend(heads: number, n: number, D4: number, RS: number): Fn {
  const f = new Fn('attend', [I32, I32, I32, I32, I32]);
  const [QKV, P, O, B, T] = [0, 1, 2, 3, 4];
  const [i, j, pp, vp] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: n }, () => f.local(V128));
  const w = f.local(V128);
  rowLoops(f, B, heads, (b, h) => {
    f.forLoop(
      i,
      () => f.i32(0),
      () => f.get(T),
      () => {
        for (const a of acc) f.vzero().set(a);
        f.get(P).get(b).i32(heads).mul().get(h).add().get(T).mul().get(i).add().get(T).mul().i32(2).shl().add().set(pp);
        f.forLoop(
          j,
          () => f.i32(0),
          () => f.get(i).i32(1).add(),
          () => {
            f.get(pp).get(j).i32(2).shl().add().fload().vsplat().set(w);
            pushHeadRow(f, QKV, b, T, j, RS, h, n)
              .i32(2 * D4)
              .add()
              .set(vp);
            acc.forEach((a, k) =>
              f
                .get(a)
                .get(w)
                .get(vp)
                .vload(16 * k)
                .vmul()
                .vadd()
                .set(a),
            );
          },
        );
        f.get(O).get(b).get(T).mul().get(i).add().i32(D4).mul().add();
        storeHeadVectors(f, h, n, vp, acc);
      },
    );
  });
  return f;
}

function backward(heads: number, n: number, D4: number, RS: number): Fn {
  const f = new Fn('backward', [I32, I32, I32, I32, I32, I32, I32, F32]);
  const [QKV, P, DO, DQKV, ROW, B, T, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [i, j, pp, rowI, rowJ, ptr] = [
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
    f.local(I32),
  ];
  const [dsum, pij, dsij] = [f.local(F32), f.local(F32), f.local(F32)];
  const dO = Array.from({ length: n }, () => f.local(V128));
  const q = Array.from({ length: n }, () => f.local(V128));
  const dq = Array.from({ length: n }, () => f.local(V128));
  const [acc, tmp, w] = [f.local(V128), f.local(V128), f.local(V128)];
  const head = (b: number, row: number) => f.get(b).get(T).mul().get(row).add();
  rowLoops(f, B, heads, (b, h) => {
    f.forLoop(
      i,
      () => f.i32(0),
      () => f.get(T),
      () => {
        // Row pointers (without the q/k/v column offset) of row i in qkv.
        head(b, i)
          .i32(RS)
          .mul()
          .get(QKV)
          .add()
          .get(h)
          .i32(n * 16)
          .mul()
          .add()
          .set(rowI);
        head(b, i)
          .i32(D4)
          .mul()
          .get(DO)
          .add()
          .get(h)
          .i32(n * 16)
          .mul()
          .add()
          .set(ptr);
        loadVec(f, ptr, dO);
        loadVec(f, rowI, q);
        f.get(P).get(b).i32(heads).mul().get(h).add().get(T).mul().get(i).add().get(T).mul().i32(2).shl().add().set(pp);
        // dP_ij = dO_i·v_j into the scratch row; dsum = Σ_j P_ij·dP_ij.
        f.f32(0).set(dsum);
        f.forLoop(
          j,
          () => f.i32(0),
          () => f.get(i).i32(1).add(),
          () => {
            head(b, j)
              .i32(RS)
              .mul()
              .get(QKV)
              .add()
              .get(h)
              .i32(n * 16)
              .mul()
              .add()
              .i32(2 * D4)
              .add()
              .set(ptr);
            f.get(dO[0]!).get(ptr).vload(0).vmul().set(acc);
            for (let k = 1; k < n; k++)
              f.get(acc)
                .get(dO[k]!)
                .get(ptr)
                .vload(16 * k)
                .vmul()
                .vadd()
                .set(acc);
            f.get(ROW).get(j).i32(2).shl().add();
            f.get(acc).hsum(tmp).tee(dsij).fstore();
            f.get(dsum).get(pp).get(j).i32(2).shl().add().fload().get(dsij).fmul().fadd().set(dsum);
          },
        );
        for (const a of dq) f.vzero().set(a);
        f.forLoop(
          j,
          () => f.i32(0),
          () => f.get(i).i32(1).add(),
          () => {
            f.get(pp).get(j).i32(2).shl().add().fload().set(pij);
            // dS_ij = P_ij·(dP_ij − dsum)·scale
            f.get(pij).get(ROW).get(j).i32(2).shl().add().fload().get(dsum).fsub().fmul().get(SCALE).fmul().set(dsij);
            head(b, j)
              .i32(RS)
              .mul()
              .get(h)
              .i32(n * 16)
              .mul()
              .add()
              .set(rowJ);
            // dQ_i += dS_ij·k_j
            f.get(dsij).vsplat().set(w);
            f.get(QKV).get(rowJ).add().i32(D4).add().set(ptr);
            dq.forEach((a, k) =>
              f
                .get(a)
                .get(w)
                .get(ptr)
                .vload(16 * k)
                .vmul()
                .vadd()
                .set(a),
            );
            // dK_j += dS_ij·q_i
            f.get(DQKV).get(rowJ).add().i32(D4).add().set(ptr);
            q.forEach((qq, k) =>
              f
                .get(ptr)
                .get(ptr)
                .vload(16 * k)
                .get(w)
                .get(qq)
                .vmul()
                .vadd()
                .vstore(16 * k),
            );
            // dV_j += P_ij·dO_i
            f.get(pij).vsplat().set(w);
            f.get(DQKV)
              .get(rowJ)
              .add()
              .i32(2 * D4)
              .add()
              .set(ptr);
            dO.forEach((d, k) =>
              f
                .get(ptr)
                .get(ptr)
                .vload(16 * k)
                .get(w)
                .get(d)
                .vmul()
                .vadd()
                .vstore(16 * k),
            );
          },
        );
        head(b, i).i32(RS).mul().get(DQKV).add();
        storeHeadVectors(f, h, n, ptr, dq);
      },
    );
  });
  return f;
}
