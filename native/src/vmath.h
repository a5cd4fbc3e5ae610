// Loop bodies shared by ops' kernels: written so that GCC and Clang vectorise them for whichever target the
// including function is compiled for (8 independent partial sums, exp without branches or library calls).
#pragma once

// GCC if-converts (and so vectorises) float compares only when it may assume they raise no FP exceptions;
// values are unchanged by this. Clang vectorises the selects anyway.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include <cstdint>
#include <cstring>

#define ESPALIER_INLINE inline __attribute__((always_inline))

namespace espalier {
namespace vm {

// Σ a[k]·b[k] in 8 lanes (lane l sums k ≡ l mod 8 in order), then a fixed pairwise sum, then the tail.
ESPALIER_INLINE float dot(const float* a, const float* b, int n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int k = 0;
  for (; k + 8 <= n; k += 8)
    for (int l = 0; l < 8; l++) acc[l] += a[k + l] * b[k + l];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; k < n; k++) s += a[k] * b[k];
  return s;
}

// y[k] += w·x[k]
ESPALIER_INLINE void axpy(float* y, float w, const float* x, int n) {
  for (int k = 0; k < n; k++) y[k] += w * x[k];
}

// e^x for x in [−87, 88] (clamped outside; NaN stays NaN): 2^n·p(r) with |r| ≤ ln2/2 and a degree-6 polynomial, relative
// error ≈ 2e-7. Rounding to nearest is the 1.5·2^23 trick so that the loop needs no library call.
ESPALIER_INLINE float exp(float x) {
  // Written so that a NaN fails both comparisons and passes through: a NaN loss must stay NaN (divergence check).
  x = x < -87.f ? -87.f : x;
  x = x > 88.f ? 88.f : x;
  float t = x * 1.44269504088896341f + 12582912.f;
  float n = t - 12582912.f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + (r + 1.f);
  int32_t ni = (int32_t)n;
  int32_t bits = (ni + 127) << 23;
  float s;
  std::memcpy(&s, &bits, 4);
  return p * s;
}

}  // namespace vm
}  // namespace espalier

// Defines NAME(args) that calls NAME##Body(args) compiled for AVX2+FMA when `vector` asks for it on x86,
// else for the baseline target (SSE2 on x86-64, NEON on arm64).
#if defined(__x86_64__) || defined(__i386__)
#define ESPALIER_HAS_AVX2 1
#define ESPALIER_AVX2 __attribute__((target("avx2,fma")))
#else
#define ESPALIER_HAS_AVX2 0
#define ESPALIER_AVX2
#endif

namespace espalier {
inline bool useAvx2(bool vector) {
#if ESPALIER_HAS_AVX2
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return vector && has;
#else
  (void)vector;
  return false;
#endif
}
}  // namespace espalier
