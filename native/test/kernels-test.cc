// Standalone check of the native kernels, no Node needed (so it also runs for arm64 under qemu-user): every
// micro-kernel this CPU runs against a float64 reference in all four transpose layouts, ragged edges, padded
// leading dimensions, accumulation, bitwise equality across thread counts, and softmax cross-entropy; then
// attention, RMSNorm and GELU (ops-test.cc).
// `--bench` prints GFLOP/s of the training step's product shapes instead.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "../src/gemm.h"
#include "../src/pool.h"
#include "ops-test.h"

using namespace espalier;

int failures = 0;

struct Mat {
  int rows, cols, ld;
  std::vector<float> v;
  Mat(int r, int c, int pad, std::mt19937& rng) : rows(r), cols(c), ld(c + pad), v((size_t)std::max(r, 1) * (c + pad)) {
    std::normal_distribution<float> nd;
    for (auto& x : v) x = nd(rng);
  }
};

// C = op(A)·op(B) (+ C) for the given sizes/layout with `k`; compares with float64 and checks the padding.
static void checkProduct(const Kernel& kern, Pool* pool, int m, int n, int k, bool ta, bool tb, bool acc, int pad, std::mt19937& rng) {
  Mat A(ta ? k : m, ta ? m : k, pad, rng), B(tb ? n : k, tb ? k : n, pad, rng), C(m, n, pad + 3, rng);
  std::vector<float> c0 = C.v;
  Problem P{A.v.data(), B.v.data(), C.v.data(), m, n, k, A.ld, B.ld, C.ld, ta, tb, acc};
  gemm(P, kern, pool);
  auto a = [&](int i, int p) { return (double)(ta ? A.v[(size_t)p * A.ld + i] : A.v[(size_t)i * A.ld + p]); };
  auto b = [&](int p, int j) { return (double)(tb ? B.v[(size_t)j * B.ld + p] : B.v[(size_t)p * B.ld + j]); };
  double worst = 0;
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < C.ld; j++) {
      size_t at = (size_t)i * C.ld + j;
      if (j >= n) {
        CHECK(std::memcmp(&C.v[at], &c0[at], 4) == 0, "%s %dx%dx%d: wrote outside C at (%d,%d)", kern.name, m, n, k, i, j);
        continue;
      }
      double ref = acc ? c0[at] : 0.0, mag = std::fabs(ref);
      for (int p = 0; p < k; p++) ref += a(i, p) * b(p, j), mag += std::fabs(a(i, p) * b(p, j));
      // float32 summation of k products: error ≤ ~k·ε·Σ|terms|; the blocked order is much better than that.
      double err = std::fabs(C.v[at] - ref) / ((k + 2) * 1.2e-7 * mag + 1e-30);
      worst = std::max(worst, err);
    }
  }
  CHECK(worst <= 1.0, "%s %dx%dx%d ta=%d tb=%d acc=%d pad=%d: error %.2f of the float32 bound", kern.name, m, n, k, ta, tb, acc, pad, worst);
}

static std::vector<float> runProduct(const Kernel& kern, Pool* pool, int m, int n, int k, bool ta, bool tb) {
  std::mt19937 rng(7);
  Mat A(ta ? k : m, ta ? m : k, 0, rng), B(tb ? n : k, tb ? k : n, 0, rng);
  std::vector<float> c((size_t)m * n, 1.f);
  gemm(Problem{A.v.data(), B.v.data(), c.data(), m, n, k, A.ld, B.ld, n, ta, tb, false}, kern, pool);
  return c;
}

static void testKernel(const Kernel& kern) {
  std::mt19937 rng(1);
  const int sizes[][3] = {{1, 1, 1}, {7, 19, 5}, {kern.mr, kern.nr, 3}, {kern.mr + 1, kern.nr + 1, kern.kc + 1}, {kern.mr - 1, kern.nr - 1, 17},
                          {33, 17, 300}, {100, 130, 257}, {37, 65, 513}, {97, 33, 64}, {3, 200, 40}};
  for (auto& s : sizes)
    for (int layout = 0; layout < 4; layout++)
      for (int acc = 0; acc < 2; acc++) checkProduct(kern, nullptr, s[0], s[1], s[2], layout & 1, layout & 2, acc, (s[0] + layout) % 3, rng);
  // Threads: large enough to be split, ragged so that parts end mid-tile; every result bitwise that of 1 thread.
  for (int layout = 0; layout < 4; layout++) {
    bool ta = layout & 1, tb = layout & 2;
    const int shapes[][3] = {{301, 389, 263}, {1024, 130, 200}, {50, 2051, 90}};
    for (auto& s : shapes) {
      std::vector<float> one = runProduct(kern, nullptr, s[0], s[1], s[2], ta, tb);
      for (int t : {2, 3, 16}) {
        Pool pool(t);
        std::vector<float> many = runProduct(kern, &pool, s[0], s[1], s[2], ta, tb);
        CHECK(std::memcmp(one.data(), many.data(), one.size() * 4) == 0, "%s %dx%dx%d ta=%d tb=%d: %d threads differ from 1", kern.name, s[0], s[1], s[2], ta, tb, t);
        if (t == 3) checkProduct(kern, &pool, s[0], s[1], s[2], ta, tb, layout == 1, 1, rng);
      }
    }
  }
}

static void testSoftmax(bool vector, int cols) {
  std::mt19937 rng(3);
  std::normal_distribution<float> nd(0.f, 4.f);
  const int rows = 37;
  std::vector<float> x((size_t)rows * cols), x0;
  for (auto& v : x) v = nd(rng);
  x0 = x;
  std::vector<int> t(rows);
  for (int i = 0; i < rows; i++) t[i] = (i * 977) % cols;
  std::vector<float> pt(rows);
  Pool pool(3);
  softmaxXent(x.data(), rows, cols, t.data(), pt.data(), true, vector, &pool);
  double worst = 0;
  for (int i = 0; i < rows; i++) {
    const float* r = &x0[(size_t)i * cols];
    double mx = -1e300, sum = 0;
    for (int j = 0; j < cols; j++) mx = std::max(mx, (double)r[j]);
    for (int j = 0; j < cols; j++) sum += std::exp(r[j] - mx);
    for (int j = 0; j < cols; j++) {
      double p = std::exp(r[j] - mx) / sum, want = p - (j == t[i] ? 1 : 0);
      worst = std::max(worst, std::fabs(x[(size_t)i * cols + j] - want) / (1e-6 + 5e-5 * std::fabs(want)));
      if (j == t[i]) worst = std::max(worst, std::fabs(pt[i] - p) / (1e-7 + 5e-5 * p));
    }
  }
  CHECK(worst <= 1.0, "softmaxXent (vector=%d, %d columns): error %.2f of tolerance", vector, cols, worst);
}

static void bench(const Kernel& kern, int threads) {
  // The reference step's products (d 128) and d 512's: forward x·W, then dy·Wᵀ and xᵀ·dy.
  const int shapes[][3] = {{1024, 384, 128}, {1024, 512, 128}, {1024, 1536, 512}, {1024, 2048, 512}, {1024, 512, 2048}, {512, 4096, 128}, {512, 128, 4096}};
  Pool pool(threads);
  for (auto& s : shapes) {
    for (int layout : {0, 2, 1}) {
      bool ta = layout & 1, tb = layout & 2;
      int m = ta ? s[2] : s[0], n = s[1], k = ta ? s[0] : s[2];
      if (tb) std::swap(n, k), m = s[0];
      std::mt19937 rng(1);
      Mat A(ta ? k : m, ta ? m : k, 0, rng), B(tb ? n : k, tb ? k : n, 0, rng);
      std::vector<float> c((size_t)m * n);
      Problem P{A.v.data(), B.v.data(), c.data(), m, n, k, A.ld, B.ld, n, ta, tb, false};
      gemm(P, kern, &pool);
      // One thread is timed in CPU time (this thread's), so a busy shared machine disturbs it less.
      auto now = [&] {
        if (threads > 1) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec + 1e-9 * ts.tv_nsec;
      };
      int reps = 0;
      double t0 = now(), sec = 0;
      while (sec < 0.3) {
        gemm(P, kern, &pool);
        reps++;
        sec = now() - t0;
      }
      std::printf("  %-8s %2dt  %5d×%5d·%5d %s%s  %7.1f GFLOP/s\n", kern.name, threads, m, n, k, ta ? "Aᵀ" : "A ", tb ? "Bᵀ" : "B ", 2.0 * m * n * k * reps / sec / 1e9);
    }
  }
}

int main(int argc, char** argv) {
  const char* only = std::getenv("ESPALIER_KERNEL");
  bool doBench = argc > 1 && std::strcmp(argv[1], "--bench") == 0;
  int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  std::vector<const Kernel*> ks;
  for (const Kernel* k : availableKernels())
    if (!only || !*only || std::string(only) == k->name) ks.push_back(k);
  if (ks.empty()) {
    std::printf("FAIL: ESPALIER_KERNEL=%s names no kernel this CPU runs\n", only);
    return 1;
  }
  for (const Kernel* k : ks) {
    if (doBench) {
      bench(*k, threads);
      continue;
    }
    int before = failures;
    testKernel(*k);
    std::printf("%s %s: %s\n", failures == before ? "ok  " : "FAIL", k->name, k->isa);
  }
  if (doBench) {
    benchOps();
    return 0;
  }
  // Widths with every tail length the vector path handles (4,063: the benchmark's vocabulary), and tiny rows.
  for (int cols : {4096, 4063, 4089, 4097, 1, 5, 9})
    for (bool vector : {true, false}) testSoftmax(vector, cols);
  std::printf("%s softmax cross-entropy\n", failures ? "    " : "ok  ");
  testOps();
  std::printf(failures ? "%d check(s) failed\n" : "all kernel checks passed\n", failures);
  return failures ? 1 : 0;
}
