// Causal self-attention forward and backward on the fused qkv layout, one part per (sequence, head): every
// part owns its probabilities, its output columns and its gradient columns, so parts never share a sum and
// the result is bitwise the same for any thread count.
#include <cmath>
#include <vector>

#include "ops.h"
#include "pool.h"
#include "vmath.h"

namespace espalier {
namespace {

struct Attn {
  const float* qkv;
  float* out;
  float* probs;
  const float* dOut;
  float* dqkv;
  int B, T, H, dh;
  float scale;
};

// vT[k·T + j] = the head's column k of rows j of v: the backward's dO_i·v_j for every j become dh vector
// axpys over j instead of one horizontal sum per (i, j).
ESPALIER_INLINE void transposeHead(const float* src, int RS, int T, int dh, float* kT) {
  for (int j = 0; j < T; j++)
    for (int k = 0; k < dh; k++) kT[(size_t)k * T + j] = src[(size_t)j * RS + k];
}

// s[j] = Σ_k q[k]·kT[k][j] for j < n, summed over k in order.
ESPALIER_INLINE void rowDots(const float* q, const float* kT, int T, int dh, int n, float* s) {
  for (int j = 0; j < n; j++) s[j] = 0.f;
  for (int k = 0; k < dh; k++) vm::axpy(s, q[k], kT + (size_t)k * T, n);
}

// DH: the head size fixed at compile time (loops over it unroll into registers), or 0 for any.
template <int DH>
ESPALIER_INLINE void forwardBody(const Attn& a, int part) {
  const int dh = DH ? DH : a.dh;
  const int b = part / a.H, h = part % a.H, T = a.T, D = a.H * dh, RS = 3 * D;
  const float* base = a.qkv + (size_t)b * T * RS + (size_t)h * dh;
  for (int i = 0; i < T; i++) {
    const float* q = base + (size_t)i * RS;
    float* p = a.probs + ((size_t)part * T + i) * T;
    float mx = -INFINITY;
    for (int j = 0; j <= i; j++) {
      float s = vm::dot(q, base + (size_t)j * RS + D, dh) * a.scale;
      p[j] = s;
      mx = s > mx ? s : mx;
    }
    float sum = 0.f;
    for (int j = 0; j <= i; j++) sum += (p[j] = vm::exp(p[j] - mx));
    const float inv = 1.f / sum;
    for (int j = 0; j <= i; j++) p[j] *= inv;
    for (int j = i + 1; j < T; j++) p[j] = 0.f;
    float* o = a.out + ((size_t)b * T + i) * D + (size_t)h * dh;
    for (int k = 0; k < dh; k++) o[k] = 0.f;
    for (int j = 0; j <= i; j++) vm::axpy(o, p[j], base + (size_t)j * RS + 2 * D, dh);
  }
}

template <int DH>
ESPALIER_INLINE void backwardBody(const Attn& a, int part, float* dP, float* vT) {
  const int dh = DH ? DH : a.dh;
  const int b = part / a.H, h = part % a.H, T = a.T, D = a.H * dh, RS = 3 * D;
  const float* base = a.qkv + (size_t)b * T * RS + (size_t)h * dh;
  float* dbase = a.dqkv + (size_t)b * T * RS + (size_t)h * dh;
  transposeHead(base + 2 * D, RS, T, dh, vT);
  // This part's dK and dV columns accumulate over the rows i below; they start at zero.
  for (int j = 0; j < T; j++)
    for (int k = 0; k < dh; k++) dbase[(size_t)j * RS + D + k] = dbase[(size_t)j * RS + 2 * D + k] = 0.f;
  for (int i = 0; i < T; i++) {
    const float* q = base + (size_t)i * RS;
    const float* dO = a.dOut + ((size_t)b * T + i) * D + (size_t)h * dh;
    const float* p = a.probs + ((size_t)part * T + i) * T;
    // dP_ij = dO_i·v_j; dsum = Σ_j P_ij·dP_ij
    rowDots(dO, vT, T, dh, i + 1, dP);
    float dsum = 0.f;
    for (int j = 0; j <= i; j++) dsum += p[j] * dP[j];
    float* dq = dbase + (size_t)i * RS;
    for (int k = 0; k < dh; k++) dq[k] = 0.f;
    for (int j = 0; j <= i; j++) {
      // dS_ij = P_ij·(dP_ij − dsum)·scale; dQ_i += dS_ij·k_j, dK_j += dS_ij·q_i, dV_j += P_ij·dO_i
      const float ds = p[j] * (dP[j] - dsum) * a.scale;
      vm::axpy(dq, ds, base + (size_t)j * RS + D, dh);
      vm::axpy(dbase + (size_t)j * RS + D, ds, q, dh);
      vm::axpy(dbase + (size_t)j * RS + 2 * D, p[j], dO, dh);
    }
  }
}

using FwdFn = void (*)(const Attn&, int);
using BwdFn = void (*)(const Attn&, int, float*, float*);

template <int DH>
void forwardBase(const Attn& a, int part) {
  forwardBody<DH>(a, part);
}
template <int DH>
void backwardBase(const Attn& a, int part, float* dP, float* vT) {
  backwardBody<DH>(a, part, dP, vT);
}
#if ESPALIER_HAS_AVX2
template <int DH>
ESPALIER_AVX2 void forwardAvx2(const Attn& a, int part) {
  forwardBody<DH>(a, part);
}
template <int DH>
ESPALIER_AVX2 void backwardAvx2(const Attn& a, int part, float* dP, float* vT) {
  backwardBody<DH>(a, part, dP, vT);
}
#endif

// The build for this head size (32, 64 and 128 have their own) and instruction set.
void pick(int dh, bool vector, FwdFn* f, BwdFn* b) {
  const bool wide = useAvx2(vector);
#if ESPALIER_HAS_AVX2
#define ESPALIER_PICK(DH) \
  (*f = wide ? forwardAvx2<DH> : forwardBase<DH>, *b = wide ? backwardAvx2<DH> : backwardBase<DH>)
#else
#define ESPALIER_PICK(DH) (*f = forwardBase<DH>, *b = backwardBase<DH>, (void)wide)
#endif
  switch (dh) {
    case 32: ESPALIER_PICK(32); break;
    case 64: ESPALIER_PICK(64); break;
    case 128: ESPALIER_PICK(128); break;
    default: ESPALIER_PICK(0);
  }
#undef ESPALIER_PICK
}

// Per-thread scratch, grown to the largest shape seen.
float* scratch(size_t n) {
  thread_local std::vector<float> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

void runParts(Pool* pool, int parts, const std::function<void(int)>& fn) {
  if (!pool) {
    for (int i = 0; i < parts; i++) fn(i);
  } else {
    pool->run(parts, fn);
  }
}

}  // namespace

void attentionForward(const float* qkv, float* out, float* probs, int B, int T, int H, int dh, float scale, bool vector, Pool* pool) {
  Attn a{qkv, out, probs, nullptr, nullptr, B, T, H, dh, scale};
  FwdFn fn;
  BwdFn unused;
  pick(dh, vector, &fn, &unused);
  runParts(pool, B * H, [&](int part) { fn(a, part); });
}

void attentionBackward(const float* qkv, const float* probs, const float* dOut, float* dqkv, int B, int T, int H, int dh, float scale, bool vector,
                       Pool* pool) {
  Attn a{qkv, nullptr, const_cast<float*>(probs), dOut, dqkv, B, T, H, dh, scale};
  FwdFn unused;
  BwdFn fn;
  pick(dh, vector, &unused, &fn);
  runParts(pool, B * H, [&](int part) {
    float* buf = scratch((size_t)T * (dh + 1));
    fn(a, part, buf, buf + T);
  });
}

}  // namespace espalier
