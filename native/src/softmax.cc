// Softmax cross-entropy rows for the output head: logits → probabilities in place (minus one at the target
// for the gradient), the target's probability returned, rows shared out over the pool.
#include <algorithm>
#include <cmath>

#include "gemm.h"
#include "pool.h"
#include "vmath.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace espalier {
namespace {

// Plain C++ the compiler vectorises (NEON on arm64, SSE2 on x86): vm::exp has no library call, and the sum
// runs in 8 lanes.
float rowPortable(float* x, int n, int target, bool grad) {
  float mx = x[0];
  for (int i = 1; i < n; i++) mx = std::max(mx, x[i]);
  for (int i = 0; i < n; i++) x[i] = vm::exp(x[i] - mx);
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i8 = 0;
  for (; i8 + 8 <= n; i8 += 8)
    for (int l = 0; l < 8; l++) acc[l] += x[i8 + l];
  float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i8 < n; i8++) sum += x[i8];
  float inv = 1.f / sum;
  for (int i = 0; i < n; i++) x[i] *= inv;
  float pt = x[target];
  if (grad) x[target] -= 1.f;
  return pt;
}

#if defined(__x86_64__) || defined(__i386__)
// exp for x ≤ 0 (inputs are logits minus the row maximum): 2^n · p(r), |r| ≤ ln2/2, a degree-6 polynomial
// (relative error ≈ 2e-7, as tfjs-wasm's own exp); below −87 the result flushes to zero.
__attribute__((target("avx2,fma"))) inline __m256 expNeg(__m256 x) {
  // MAXPS returns its second operand when either is NaN: x second, so a NaN logit stays NaN (divergence check).
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// Any width: whole vectors first, then the last n % 8 columns through a buffer padded with −∞ (whose exps
// are masked out of the sum), so a vocabulary such as 4,063 stays on the vector path.
__attribute__((target("avx2,fma"))) float rowAvx2(float* x, int n, int target, bool grad) {
  const int full = n & ~7, tail = n - full;
  alignas(32) float t[8], pad[8];
  for (int i = 0; i < 8; i++) pad[i] = i < tail ? x[full + i] : -INFINITY;
  const __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(tail), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
  __m256 m = _mm256_load_ps(pad);
  for (int i = 0; i < full; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
  _mm256_store_ps(t, m);
  float mx = t[0];
  for (int i = 1; i < 8; i++) mx = std::max(mx, t[i]);
  __m256 vm = _mm256_set1_ps(mx), acc = _mm256_setzero_ps();
  for (int i = 0; i < full; i += 8) {
    __m256 e = expNeg(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    _mm256_storeu_ps(x + i, e);
    acc = _mm256_add_ps(acc, e);
  }
  __m256 et = _mm256_and_ps(expNeg(_mm256_sub_ps(_mm256_load_ps(pad), vm)), keep);
  acc = _mm256_add_ps(acc, et);
  _mm256_store_ps(t, acc);
  float sum = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
  __m256 inv = _mm256_set1_ps(1.f / sum);
  for (int i = 0; i < full; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
  _mm256_store_ps(t, _mm256_mul_ps(et, inv));
  for (int i = 0; i < tail; i++) x[full + i] = t[i];
  float pt = x[target];
  if (grad) x[target] -= 1.f;
  return pt;
}
#endif

}  // namespace

void softmaxXent(float* x, long rows, int cols, const int* targets, float* out, bool grad, bool vector, Pool* pool) {
  auto row = rowPortable;
#if defined(__x86_64__) || defined(__i386__)
  if (vector && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) row = rowAvx2;
#else
  (void)vector;
#endif
  int parts = !pool || rows * cols < (1 << 16) ? 1 : (int)std::min<long>(4L * pool->size(), rows);
  auto body = [&](int t) {
    long a = rows * t / parts, b = rows * (t + 1) / parts;
    for (long i = a; i < b; i++) out[i] = row(x + i * cols, cols, targets[i], grad);
  };
  if (parts == 1) body(0);
  else pool->run(parts, body);
}

}  // namespace espalier
