// Standalone check of the non-product kernels (src/ops.h) against float64 references: causal attention
// forward and backward, RMSNorm forward and backward, GELU (tanh) forward and backward, for the portable and
// (on x86 with AVX2) the vector build, with ragged sizes, and bitwise equality across 1, 2, 3 and 7 threads.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "../src/ops.h"
#include "../src/pool.h"
#include "ops-test.h"

using namespace espalier;

namespace {

std::vector<float> randn(size_t n, std::mt19937& rng, float sd = 1.f) {
  std::normal_distribution<float> nd(0.f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = nd(rng);
  return v;
}

// Worst |got − want| / (atol + rtol·|want|) over the arrays: ≤ 1 passes.
double worstErr(const float* got, const std::vector<double>& want, double atol, double rtol) {
  double w = 0;
  for (size_t i = 0; i < want.size(); i++) w = std::max(w, std::fabs(got[i] - want[i]) / (atol + rtol * std::fabs(want[i])));
  return w;
}

struct AttnCase {
  int B, T, H, dh;
};

void refAttention(const std::vector<float>& qkv, const std::vector<float>& dOut, const AttnCase& c, std::vector<double>& out, std::vector<double>& probs,
                  std::vector<double>& dqkv) {
  const int D = c.H * c.dh, RS = 3 * D;
  const double scale = 1.0 / std::sqrt((double)c.dh);
  out.assign((size_t)c.B * c.T * D, 0);
  probs.assign((size_t)c.B * c.H * c.T * c.T, 0);
  dqkv.assign((size_t)c.B * c.T * RS, 0);
  auto at = [&](int b, int t, int part, int h, int k) { return (size_t)(b * c.T + t) * RS + part * D + h * c.dh + k; };
  for (int b = 0; b < c.B; b++)
    for (int h = 0; h < c.H; h++)
      for (int i = 0; i < c.T; i++) {
        std::vector<double> s(i + 1), dP(i + 1);
        double mx = -1e300, sum = 0;
        for (int j = 0; j <= i; j++) {
          for (int k = 0; k < c.dh; k++) s[j] += (double)qkv[at(b, i, 0, h, k)] * qkv[at(b, j, 1, h, k)];
          s[j] *= scale;
          mx = std::max(mx, s[j]);
        }
        for (int j = 0; j <= i; j++) sum += (s[j] = std::exp(s[j] - mx));
        double* p = &probs[(((size_t)b * c.H + h) * c.T + i) * c.T];
        for (int j = 0; j <= i; j++) p[j] = s[j] / sum;
        for (int j = 0; j <= i; j++)
          for (int k = 0; k < c.dh; k++) out[(size_t)(b * c.T + i) * D + h * c.dh + k] += p[j] * qkv[at(b, j, 2, h, k)];
        // Backward: dP = dO·v, dS = P·(dP − Σ P·dP)·scale.
        const float* dO = &dOut[(size_t)(b * c.T + i) * D + h * c.dh];
        double dsum = 0;
        for (int j = 0; j <= i; j++) {
          for (int k = 0; k < c.dh; k++) dP[j] += (double)dO[k] * qkv[at(b, j, 2, h, k)];
          dsum += p[j] * dP[j];
        }
        for (int j = 0; j <= i; j++) {
          double ds = p[j] * (dP[j] - dsum) * scale;
          for (int k = 0; k < c.dh; k++) {
            dqkv[at(b, i, 0, h, k)] += ds * qkv[at(b, j, 1, h, k)];
            dqkv[at(b, j, 1, h, k)] += ds * qkv[at(b, i, 0, h, k)];
            dqkv[at(b, j, 2, h, k)] += p[j] * dO[k];
          }
        }
      }
}

void testAttention(bool vector) {
  std::mt19937 rng(11);
  const AttnCase cases[] = {{1, 1, 1, 8}, {2, 7, 3, 5}, {3, 17, 2, 16}, {2, 64, 4, 32}, {1, 33, 1, 128}};
  for (const auto& c : cases) {
    const size_t rows = (size_t)c.B * c.T, D = (size_t)c.H * c.dh;
    std::vector<float> qkv = randn(rows * 3 * D, rng), dOut = randn(rows * D, rng);
    std::vector<double> out, probs, dqkv;
    refAttention(qkv, dOut, c, out, probs, dqkv);
    std::vector<float> o1, p1, d1;
    for (int threads : {1, 2, 3, 7}) {
      Pool pool(threads);
      // Poisoned outputs: every element must be written.
      std::vector<float> o(rows * D, NAN), p((size_t)c.B * c.H * c.T * c.T, NAN), d(rows * 3 * D, NAN);
      attentionForward(qkv.data(), o.data(), p.data(), c.B, c.T, c.H, c.dh, 1.f / std::sqrt((float)c.dh), vector, &pool);
      attentionBackward(qkv.data(), p.data(), dOut.data(), d.data(), c.B, c.T, c.H, c.dh, 1.f / std::sqrt((float)c.dh), vector, &pool);
      if (threads == 1) {
        double e1 = worstErr(o.data(), out, 1e-5, 1e-4), e2 = worstErr(p.data(), probs, 1e-6, 1e-4), e3 = worstErr(d.data(), dqkv, 1e-5, 1e-4);
        CHECK(e1 <= 1 && e2 <= 1 && e3 <= 1, "attention B%d T%d H%d dh%d (vector=%d): errors out %.2f probs %.2f dqkv %.2f of tolerance", c.B, c.T, c.H,
              c.dh, vector, e1, e2, e3);
        o1 = o, p1 = p, d1 = d;
      } else {
        bool same = std::memcmp(o.data(), o1.data(), o.size() * 4) == 0 && std::memcmp(p.data(), p1.data(), p.size() * 4) == 0 &&
                    std::memcmp(d.data(), d1.data(), d.size() * 4) == 0;
        CHECK(same, "attention B%d T%d H%d dh%d (vector=%d): %d threads differ from 1", c.B, c.T, c.H, c.dh, vector, threads);
      }
    }
  }
}

void testRms(bool vector) {
  std::mt19937 rng(12);
  const int cases[][2] = {{1, 1}, {5, 3}, {17, 13}, {1024, 128}, {300, 512}};
  for (auto& c : cases) {
    const long N = c[0];
    const int D = c[1];
    const float eps = 1e-5f;
    std::vector<float> x = randn((size_t)N * D, rng), g = randn(D, rng), dy = randn((size_t)N * D, rng);
    std::vector<double> y((size_t)N * D), r(N), dx((size_t)N * D), dg(D, 0);
    for (long i = 0; i < N; i++) {
      double ss = 0, s = 0;
      for (int k = 0; k < D; k++) ss += (double)x[i * D + k] * x[i * D + k];
      r[i] = 1 / std::sqrt(ss / D + eps);
      for (int k = 0; k < D; k++) y[i * D + k] = x[i * D + k] * r[i] * g[k], s += (double)dy[i * D + k] * g[k] * x[i * D + k];
      for (int k = 0; k < D; k++) {
        dx[i * D + k] = r[i] * dy[i * D + k] * g[k] - r[i] * r[i] * r[i] * s / D * x[i * D + k];
        dg[k] += (double)dy[i * D + k] * x[i * D + k] * r[i];
      }
    }
    std::vector<float> y1, dx1, dg1;
    for (int threads : {1, 2, 3, 7}) {
      Pool pool(threads);
      std::vector<float> yo((size_t)N * D, NAN), ro(N, NAN), dxo((size_t)N * D, NAN), dgo(D, NAN);
      rmsForward(x.data(), g.data(), yo.data(), ro.data(), N, D, eps, vector, &pool);
      rmsBackward(dy.data(), x.data(), ro.data(), g.data(), dxo.data(), dgo.data(), N, D, vector, &pool);
      if (threads == 1) {
        double e1 = worstErr(yo.data(), y, 1e-6, 1e-5), e2 = worstErr(ro.data(), r, 0, 1e-5), e3 = worstErr(dxo.data(), dx, 1e-5, 1e-4),
               e4 = worstErr(dgo.data(), dg, 1e-4 * std::sqrt((double)N), 1e-4);
        CHECK(e1 <= 1 && e2 <= 1 && e3 <= 1 && e4 <= 1, "rmsNorm N%ld D%d (vector=%d): errors y %.2f r %.2f dx %.2f dg %.2f of tolerance", N, D, vector, e1,
              e2, e3, e4);
        y1 = yo, dx1 = dxo, dg1 = dgo;
      } else {
        bool same = std::memcmp(yo.data(), y1.data(), y1.size() * 4) == 0 && std::memcmp(dxo.data(), dx1.data(), dx1.size() * 4) == 0 &&
                    std::memcmp(dgo.data(), dg1.data(), dg1.size() * 4) == 0;
        CHECK(same, "rmsNorm N%ld D%d (vector=%d): %d threads differ from 1", N, D, vector, threads);
      }
    }
  }
}

void testGelu(bool vector) {
  std::mt19937 rng(13);
  for (long n : {1L, 7L, 8193L, 100000L}) {
    std::vector<float> x = randn(n, rng, 3.f), dy = randn(n, rng);
    if (n > 10) x[0] = -100.f, x[1] = 100.f, x[2] = 0.f;  // both saturations and zero
    std::vector<double> y(n), dx(n);
    const double c = std::sqrt(2 / M_PI), a = 0.044715;
    for (long i = 0; i < n; i++) {
      double v = x[i], t = std::tanh(c * (v + a * v * v * v));
      y[i] = 0.5 * v * (1 + t);
      dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * a * v * v));
    }
    std::vector<float> y1, dx1;
    for (int threads : {1, 2, 3, 7}) {
      Pool pool(threads);
      std::vector<float> yo(n, NAN), so(n, NAN), dxo(n, NAN);
      geluForward(x.data(), yo.data(), so.data(), n, vector, &pool);
      geluBackward(dy.data(), x.data(), so.data(), dxo.data(), n, vector, &pool);
      if (threads == 1) {
        double e1 = worstErr(yo.data(), y, 1e-6, 1e-5), e2 = worstErr(dxo.data(), dx, 1e-6, 1e-5);
        CHECK(e1 <= 1 && e2 <= 1, "gelu n%ld (vector=%d): errors y %.2f dx %.2f of tolerance", n, vector, e1, e2);
        y1 = yo, dx1 = dxo;
      } else {
        bool same = std::memcmp(yo.data(), y1.data(), n * 4) == 0 && std::memcmp(dxo.data(), dx1.data(), n * 4) == 0;
        CHECK(same, "gelu n%ld (vector=%d): %d threads differ from 1", n, vector, threads);
      }
    }
  }
}

double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

template <class F>
double msPerCall(F f) {
  f();
  int reps = 0;
  double t0 = threadSeconds(), s = 0;
  while (s < 0.2) f(), reps++, s = threadSeconds() - t0;
  return 1e3 * s / reps;
}

}  // namespace

void testOps() {
  for (bool vector : {false, true}) {
    int before = failures;
    testAttention(vector);
    testRms(vector);
    testGelu(vector);
    std::printf("%s attention, RMSNorm, GELU (%s build)\n", failures == before ? "ok  " : "FAIL", vector ? "vector" : "portable");
  }
}

void benchOps() {
  // The reference step's shapes (d 128: B 16, T 64, 4 heads of 32) on one thread, in thread CPU time.
  std::mt19937 rng(1);
  const int B = 16, T = 64, H = 4, dh = 32, D = H * dh;
  const long N = (long)B * T;
  std::vector<float> qkv = randn(N * 3 * D, rng), dOut = randn(N * D, rng), out(N * D), probs((size_t)B * H * T * T), dqkv(N * 3 * D);
  std::vector<float> x = randn(N * 4 * D, rng), y(N * 4 * D), s(N * 4 * D), g = randn(D, rng), r(N), dg(D);
  for (bool v : {false, true}) {
    std::printf("  %-8s attention fwd %.3f ms, bwd %.3f ms; rmsNorm fwd %.3f ms, bwd %.3f ms; gelu [%ld] fwd %.3f ms, bwd %.3f ms\n", v ? "vector" : "portable",
                msPerCall([&] { attentionForward(qkv.data(), out.data(), probs.data(), B, T, H, dh, 0.17f, v, nullptr); }),
                msPerCall([&] { attentionBackward(qkv.data(), probs.data(), dOut.data(), dqkv.data(), B, T, H, dh, 0.17f, v, nullptr); }),
                msPerCall([&] { rmsForward(x.data(), g.data(), y.data(), r.data(), N, D, 1e-5f, v, nullptr); }),
                msPerCall([&] { rmsBackward(dOut.data(), x.data(), r.data(), g.data(), y.data(), dg.data(), N, D, v, nullptr); }), N * 4 * D,
                msPerCall([&] { geluForward(x.data(), y.data(), s.data(), N * 4 * D, v, nullptr); }),
                msPerCall([&] { geluBackward(x.data(), x.data(), s.data(), y.data(), N * 4 * D, v, nullptr); }));
  }
}
