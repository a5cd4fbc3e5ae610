// x86 micro-kernels, compiled with per-function target attributes so one binary carries them all: AVX-512
// (12×32 register tile, masked edge stores) and AVX2/FMA (6×16). Selected at run time by CPU features.
#include "micro.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include <cstring>

namespace espalier {

// 24 accumulators of 16 floats, two B vectors, A broadcast straight from memory into each FMA.
__attribute__((target("avx512f"))) void microAvx512(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols) {
  constexpr int MR = 12;
  __m512 lo[MR], hi[MR];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) lo[r] = _mm512_setzero_ps(), hi[r] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    _mm_prefetch((const char*)(b + 256), _MM_HINT_T0);
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      __m512 av = _mm512_set1_ps(a[r]);
      lo[r] = _mm512_fmadd_ps(av, b0, lo[r]);
      hi[r] = _mm512_fmadd_ps(av, b1, hi[r]);
    }
    a += MR;
    b += 32;
  }
  __mmask16 m0 = cols >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << cols) - 1);
  __mmask16 m1 = cols >= 32 ? (__mmask16)0xffff : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : (__mmask16)0;
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    if (r >= rows) break;
    float* cr = c + (size_t)r * ldc;
    __m512 x = lo[r], y = hi[r];
    if (add) x = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, cr), x), y = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, cr + 16), y);
    _mm512_mask_storeu_ps(cr, m0, x);
    _mm512_mask_storeu_ps(cr + 16, m1, y);
  }
}

// 12 accumulators of 8 floats; edge tiles go through a small buffer.
__attribute__((target("avx2,fma"))) void microAvx2(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols) {
  constexpr int MR = 6;
  __m256 lo[MR], hi[MR];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) lo[r] = _mm256_setzero_ps(), hi[r] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      __m256 av = _mm256_broadcast_ss(a + r);
      lo[r] = _mm256_fmadd_ps(av, b0, lo[r]);
      hi[r] = _mm256_fmadd_ps(av, b1, hi[r]);
    }
    a += MR;
    b += 16;
  }
  if (rows == MR && cols == 16) {
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      float* cr = c + (size_t)r * ldc;
      __m256 x = lo[r], y = hi[r];
      if (add) x = _mm256_add_ps(_mm256_loadu_ps(cr), x), y = _mm256_add_ps(_mm256_loadu_ps(cr + 8), y);
      _mm256_storeu_ps(cr, x);
      _mm256_storeu_ps(cr + 8, y);
    }
    return;
  }
  alignas(32) float t[MR * 16];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) _mm256_store_ps(t + r * 16, lo[r]), _mm256_store_ps(t + r * 16 + 8, hi[r]);
  storeTile(t, 16, c, ldc, add, rows, cols);
}

}  // namespace espalier
#endif
