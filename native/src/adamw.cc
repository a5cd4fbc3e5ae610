// AdamW update and sum of squares (see adamw.h). No fused multiply-add: the wasm kernel multiplies and adds
// separately, and a contracted a·b + c rounds once instead of twice, which would change the last bit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "adamw.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace espalier {
namespace {

// Elements per part: large enough that handing out a part costs nothing next to it, small enough that
// two to sixteen threads share even one big matrix evenly.
constexpr size_t kChunk = 1 << 16;

void adamwRange(const AdamWTensor& t, size_t i0, size_t i1, const AdamWHyper& h) {
  const float c1 = 1.f - h.b1, c2 = 1.f - h.b2;
  const float* p = t.p;
  const float* g = t.g;
  float* out = t.out;
  float* m = t.m;
  float* v = t.v;
  size_t i = i0;
#if defined(__SSE2__)
  // Four lanes, as the WebAssembly kernel's f32x4 (SSE has no FMA to contract into; sqrtps and divps round
  // exactly as IEEE asks). The scalar loop below would not vectorise: std::sqrt may set errno.
  const __m128 B1 = _mm_set1_ps(h.b1), C1 = _mm_set1_ps(c1), B2 = _mm_set1_ps(h.b2), C2 = _mm_set1_ps(c2);
  const __m128 STEP = _mm_set1_ps(h.step), BC2 = _mm_set1_ps(h.bc2), EPS = _mm_set1_ps(h.eps);
  const __m128 DECAY = _mm_set1_ps(t.decay), GS = _mm_set1_ps(h.gs);
  for (; i + 4 <= i1; i += 4) {
    const __m128 gi = _mm_mul_ps(_mm_loadu_ps(g + i), GS);
    const __m128 mi = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(m + i), B1), _mm_mul_ps(gi, C1));
    const __m128 vi = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(v + i), B2), _mm_mul_ps(_mm_mul_ps(gi, gi), C2));
    _mm_storeu_ps(m + i, mi);
    _mm_storeu_ps(v + i, vi);
    const __m128 den = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), BC2), EPS);
    _mm_storeu_ps(out + i, _mm_sub_ps(_mm_mul_ps(_mm_loadu_ps(p + i), DECAY), _mm_div_ps(_mm_mul_ps(STEP, mi), den)));
  }
#endif
  for (; i < i1; i++) {
    const float gi = g[i] * h.gs;
    const float mi = m[i] * h.b1 + gi * c1;
    const float vi = v[i] * h.b2 + (gi * gi) * c2;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] * t.decay - (h.step * mi) / (std::sqrt(vi) / h.bc2 + h.eps);
  }
}

float sumsqOne(const float* g, size_t n) {
  float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
  const size_t end = n & ~size_t(3);
  for (size_t i = 0; i < end; i += 4) {
    a0 += g[i] * g[i];
    a1 += g[i + 1] * g[i + 1];
    a2 += g[i + 2] * g[i + 2];
    a3 += g[i + 3] * g[i + 3];
  }
  float total = (a0 + a1) + (a2 + a3);
  for (size_t i = end; i < n; i++) total = g[i] * g[i] + total;
  return total;
}

}  // namespace

void adamw(const std::vector<AdamWTensor>& ts, const AdamWHyper& h, Pool* pool) {
  // Part k covers chunk k of the concatenation of every tensor's chunks; first[i] is tensor i's first part.
  std::vector<size_t> first(ts.size() + 1, 0);
  for (size_t i = 0; i < ts.size(); i++) first[i + 1] = first[i] + (ts[i].n + kChunk - 1) / kChunk;
  const size_t parts = first.back();
  if (parts == 0) return;
  pool->run((int)parts, [&](int part) {
    const size_t k = (size_t)part;
    const size_t i = (size_t)(std::upper_bound(first.begin(), first.end(), k) - first.begin()) - 1;
    const size_t i0 = (k - first[i]) * kChunk;
    adamwRange(ts[i], i0, std::min(ts[i].n, i0 + kChunk), h);
  });
}

void sumsq(const std::vector<const float*>& gs, const std::vector<size_t>& ns, float* out, Pool* pool) {
  // Largest first, so the longest buffer starts at once and the small ones fill in around it.
  std::vector<size_t> order(gs.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ns[a] > ns[b]; });
  pool->run((int)order.size(), [&](int part) {
    const size_t i = order[(size_t)part];
    out[i] = sumsqOne(gs[i], ns[i]);
  });
}

}  // namespace espalier
