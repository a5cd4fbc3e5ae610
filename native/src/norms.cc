// RMSNorm and GELU (tanh) forward and backward. Rows (RMSNorm) and elements (GELU) are cut into parts of a
// fixed size, never by the thread count; the gain's gradient sums per-part partial rows in part order, so
// 1 and N threads give bitwise the same results.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "ops.h"
#include "pool.h"
#include "vmath.h"

namespace espalier {
namespace {

constexpr long ROWS_PER_PART = 16;
constexpr long ELEMS_PER_PART = 8192;
// GELU: u = x·(C1 + C3·x²) = 2·√(2/π)·(x + 0.044715·x³), y = x·sigmoid(u) = x·(1 + tanh(u/2))/2.
constexpr float C1 = 1.5957691216057308f;
constexpr float C3 = 0.0713548162726009f;

void runParts(Pool* pool, long parts, const std::function<void(int)>& fn) {
  if (!pool || parts <= 1) {
    for (long i = 0; i < parts; i++) fn((int)i);
  } else {
    pool->run((int)parts, fn);
  }
}

ESPALIER_INLINE void rmsFwdRows(const float* x, const float* g, float* y, float* r, long r0, long r1, int D, float eps) {
  for (long i = r0; i < r1; i++) {
    const float* xr = x + i * D;
    float* yr = y + i * D;
    const float rs = 1.f / std::sqrt(vm::dot(xr, xr, D) / (float)D + eps);
    r[i] = rs;
    for (int k = 0; k < D; k++) yr[k] = xr[k] * rs * g[k];
  }
}

// dx rows and this part's partial dg (Σ over its rows of dy·x·r).
ESPALIER_INLINE void rmsBwdRows(const float* dy, const float* x, const float* r, const float* g, float* dx, float* dgPart, long r0, long r1, int D) {
  for (int k = 0; k < D; k++) dgPart[k] = 0.f;
  for (long i = r0; i < r1; i++) {
    const float* dyr = dy + i * D;
    const float* xr = x + i * D;
    float* dxr = dx + i * D;
    const float rs = r[i];
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int k = 0;
    for (; k + 8 <= D; k += 8)
      for (int l = 0; l < 8; l++) acc[l] += dyr[k + l] * g[k + l] * xr[k + l];
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; k < D; k++) s += dyr[k] * g[k] * xr[k];
    // dx = r·(dy·g) − (r²·m)·x with m = Σ(dy·g·x)·r/D
    const float c = rs * rs * (s * rs / (float)D);
    for (k = 0; k < D; k++) {
      dxr[k] = dyr[k] * g[k] * rs - xr[k] * c;
      dgPart[k] += dyr[k] * xr[k] * rs;
    }
  }
}

ESPALIER_INLINE void sumParts(const float* parts, long count, float* dg, int c0, int c1, int D) {
  for (int k = c0; k < c1; k++) dg[k] = 0.f;
  for (long p = 0; p < count; p++)
    for (int k = c0; k < c1; k++) dg[k] += parts[p * D + k];
}

ESPALIER_INLINE void geluFwdRange(const float* x, float* y, float* s, long a, long b) {
  for (long i = a; i < b; i++) {
    const float v = x[i], u = v * (C1 + C3 * v * v);
    const float sg = 1.f / (1.f + vm::exp(-u));
    s[i] = sg;
    y[i] = v * sg;
  }
}

ESPALIER_INLINE void geluBwdRange(const float* dy, const float* x, const float* s, float* dx, long a, long b) {
  for (long i = a; i < b; i++) {
    // d/dx [x·s(u)] = s + x·s·(1 − s)·u', u' = C1 + 3·C3·x²
    const float v = x[i], sg = s[i];
    dx[i] = dy[i] * (sg + v * sg * (1.f - sg) * (C1 + 3.f * C3 * v * v));
  }
}

struct Impl {
  void (*rmsFwd)(const float*, const float*, float*, float*, long, long, int, float);
  void (*rmsBwd)(const float*, const float*, const float*, const float*, float*, float*, long, long, int);
  void (*sum)(const float*, long, float*, int, int, int);
  void (*geluFwd)(const float*, float*, float*, long, long);
  void (*geluBwd)(const float*, const float*, const float*, float*, long, long);
};

#define ESPALIER_IMPL(SUFFIX, ATTR)                                                                                                   \
  ATTR void rmsFwd##SUFFIX(const float* x, const float* g, float* y, float* r, long r0, long r1, int D, float eps) {                  \
    rmsFwdRows(x, g, y, r, r0, r1, D, eps);                                                                                           \
  }                                                                                                                                   \
  ATTR void rmsBwd##SUFFIX(const float* dy, const float* x, const float* r, const float* g, float* dx, float* dp, long r0, long r1,   \
                           int D) {                                                                                                   \
    rmsBwdRows(dy, x, r, g, dx, dp, r0, r1, D);                                                                                       \
  }                                                                                                                                   \
  ATTR void sum##SUFFIX(const float* parts, long count, float* dg, int c0, int c1, int D) { sumParts(parts, count, dg, c0, c1, D); } \
  ATTR void geluFwd##SUFFIX(const float* x, float* y, float* s, long a, long b) { geluFwdRange(x, y, s, a, b); }                     \
  ATTR void geluBwd##SUFFIX(const float* dy, const float* x, const float* s, float* dx, long a, long b) { geluBwdRange(dy, x, s, dx, a, b); }

ESPALIER_IMPL(Base, )
#if ESPALIER_HAS_AVX2
ESPALIER_IMPL(Avx2, ESPALIER_AVX2)
#endif

const Impl& impl(bool vector) {
  static const Impl base{rmsFwdBase, rmsBwdBase, sumBase, geluFwdBase, geluBwdBase};
#if ESPALIER_HAS_AVX2
  static const Impl avx2{rmsFwdAvx2, rmsBwdAvx2, sumAvx2, geluFwdAvx2, geluBwdAvx2};
  if (useAvx2(vector)) return avx2;
#endif
  (void)vector;
  return base;
}

}  // namespace

void rmsForward(const float* x, const float* g, float* y, float* r, long N, int D, float eps, bool vector, Pool* pool) {
  const Impl& f = impl(vector);
  long parts = (N + ROWS_PER_PART - 1) / ROWS_PER_PART;
  runParts(pool, parts, [&](int p) { f.rmsFwd(x, g, y, r, p * ROWS_PER_PART, std::min(N, (p + 1) * ROWS_PER_PART), D, eps); });
}

void rmsBackward(const float* dy, const float* x, const float* r, const float* g, float* dx, float* dg, long N, int D, bool vector, Pool* pool) {
  const Impl& f = impl(vector);
  long parts = (N + ROWS_PER_PART - 1) / ROWS_PER_PART;
  std::vector<float> partial((size_t)std::max(parts, 1L) * D);
  runParts(pool, parts, [&](int p) {
    f.rmsBwd(dy, x, r, g, dx, partial.data() + (size_t)p * D, p * ROWS_PER_PART, std::min(N, (p + 1) * ROWS_PER_PART), D);
  });
  // dg: columns in groups of 64, each summing the parts in order.
  const int groups = (D + 63) / 64;
  runParts(pool, groups, [&](int c) { f.sum(partial.data(), parts, dg, c * 64, std::min(D, (c + 1) * 64), D); });
}

void geluForward(const float* x, float* y, float* s, long n, bool vector, Pool* pool) {
  const Impl& f = impl(vector);
  runParts(pool, (n + ELEMS_PER_PART - 1) / ELEMS_PER_PART,
           [&](int p) { f.geluFwd(x, y, s, p * ELEMS_PER_PART, std::min(n, (p + 1) * ELEMS_PER_PART)); });
}

void geluBackward(const float* dy, const float* x, const float* s, float* dx, long n, bool vector, Pool* pool) {
  const Impl& f = impl(vector);
  runParts(pool, (n + ELEMS_PER_PART - 1) / ELEMS_PER_PART,
           [&](int p) { f.geluBwd(dy, x, s, dx, p * ELEMS_PER_PART, std::min(n, (p + 1) * ELEMS_PER_PART)); });
}

}  // namespace espalier
