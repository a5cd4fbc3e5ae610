// The blocked product around the micro-kernels (BLIS-style): B is packed once per product into K-block ×
// NR-column panels shared by every thread, then parts (row blocks × column groups, sized from the thread
// count) pack their own A blocks and run the micro-kernel. Each C element is summed over fixed KC-wide K blocks
// in order, so neither the thread count nor the partitioning changes a bit of the result.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "micro.h"
#include "pool.h"

namespace espalier {

// A 4×16 tile in plain C++ (compilers vectorise the inner loop), for CPUs without a dedicated kernel.
void microPortable(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols) {
  constexpr int MR = 4, NR = 16;
  float t[MR * NR] = {0};
  for (int p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      float av = a[p * MR + r];
      for (int j = 0; j < NR; j++) t[r * NR + j] += av * b[p * NR + j];
    }
  }
  storeTile(t, NR, c, ldc, add, rows, cols);
}

namespace {

const Kernel kPortable{"portable", "portable C++ (4×16 micro-kernel)", 4, 16, 256, microPortable};
#if defined(__x86_64__) || defined(__i386__)
const Kernel kAvx512{"avx512", "AVX-512 (12×32 micro-kernel)", 12, 32, 256, microAvx512};
const Kernel kAvx2{"avx2", "AVX2+FMA (6×16 micro-kernel)", 6, 16, 256, microAvx2};
#endif
#if defined(__aarch64__)
const Kernel kNeon{"neon", "NEON (8×12 micro-kernel)", 8, 12, 256, microNeon};
#endif

std::vector<const Kernel*> detect() {
  std::vector<const Kernel*> ks;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) ks.push_back(&kAvx512);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ks.push_back(&kAvx2);
#endif
#if defined(__aarch64__)
  ks.push_back(&kNeon);
#endif
  ks.push_back(&kPortable);
  return ks;
}

constexpr int MC_MAX = 96;                // an MC×KC block of A ≈ 96 KB: stays in L2
constexpr long B_BLOCK_FLOATS = 4 << 20;  // packed B per column block ≈ 16 MB at most

// Packs rows i0… i0+mc, columns p0… p0+kc of op(A) into mr-row panels, zero-padding the last one.
void packA(const Problem& P, int i0, int mc, int p0, int kc, int mr, float* dst) {
  for (int ir = 0; ir < mc; ir += mr) {
    int rows = std::min(mr, mc - ir);
    if (P.ta) {
      for (int p = 0; p < kc; p++) {
        const float* src = P.a + (size_t)(p0 + p) * P.lda + i0 + ir;
        int r = 0;
        for (; r < rows; r++) dst[r] = src[r];
        for (; r < mr; r++) dst[r] = 0.f;
        dst += mr;
      }
    } else {
      // Row by row, each read in order: rows side by side alias in L1 when lda is a power of two.
      for (int r = 0; r < mr; r++) {
        const float* src = P.a + (size_t)(i0 + ir + r) * P.lda + p0;
        if (r < rows)
          for (int p = 0; p < kc; p++) dst[p * mr + r] = src[p];
        else
          for (int p = 0; p < kc; p++) dst[p * mr + r] = 0.f;
      }
      dst += (size_t)kc * mr;
    }
  }
}

// Packs rows p0… p0+kc, columns j0… j0+cols (cols ≤ nr) of op(B) into one nr-wide panel, zero-padded.
void packBPanel(const Problem& P, int p0, int kc, int j0, int cols, int nr, float* dst) {
  if (!P.tb) {
    for (int p = 0; p < kc; p++, dst += nr) {
      const float* src = P.b + (size_t)(p0 + p) * P.ldb + j0;
      if (cols == nr) {
        std::memcpy(dst, src, nr * sizeof(float));
      } else {
        int j = 0;
        for (; j < cols; j++) dst[j] = src[j];
        for (; j < nr; j++) dst[j] = 0.f;
      }
    }
    return;
  }
  // op(B) = Bᵀ: the panel's columns are rows of B, each read in order (rows side by side would alias in L1 when
  // the leading dimension is a power of two, as the vocabulary often is).
  for (int j = 0; j < nr; j++) {
    if (j < cols) {
      const float* src = P.b + (size_t)(j0 + j) * P.ldb + p0;
      for (int p = 0; p < kc; p++) dst[p * nr + j] = src[p];
    } else {
      for (int p = 0; p < kc; p++) dst[p * nr + j] = 0.f;
    }
  }
}

// A 64-byte-aligned scratch buffer that only grows; freed with its owner (a thread's, or the process's).
struct Scratch {
  float* buf = nullptr;
  size_t cap = 0;
  ~Scratch() { std::free(buf); }
  float* grow(size_t floats) {
    if (floats > cap) {
      std::free(buf);
      cap = floats;
      buf = (float*)std::aligned_alloc(64, ((floats * sizeof(float) + 63) / 64) * 64);
    }
    return buf;
  }
};

}  // namespace

const std::vector<const Kernel*>& availableKernels() {
  static const std::vector<const Kernel*> ks = detect();
  return ks;
}

const Kernel* kernelByName(const std::string& name) {
  for (const Kernel* k : availableKernels())
    if (name == k->name) return k;
  return nullptr;
}

void gemm(const Problem& P, const Kernel& K, Pool* pool) {
  if (P.m == 0 || P.n == 0) return;
  if (P.k == 0) {
    if (!P.accumulate)
      for (int i = 0; i < P.m; i++) std::memset(P.c + (size_t)i * P.ldc, 0, (size_t)P.n * sizeof(float));
    return;
  }
  const int mr = K.mr, nr = K.nr, KC = K.kc;
  int threads = pool ? pool->size() : 1;
  if (2.0 * P.m * P.n * P.k < 4e6) threads = 1;  // below ~1 ms of work a wake-up costs more than it saves
  Pool* use = threads > 1 ? pool : nullptr;
  auto run = [&](int parts, const std::function<void(int)>& fn, bool parallel = true) {
    if (use && parallel) use->run(parts, fn);
    else
      for (int i = 0; i < parts; i++) fn(i);
  };
  const int kBlocks = (P.k + KC - 1) / KC;
  // Column blocks: all of K × nc packed at once (bounded), so the compute parts loop over K themselves.
  int ncMax = (int)std::max<long>(nr, B_BLOCK_FLOATS / ((long)kBlocks * KC) / nr * nr);
  static Scratch bufB;  // callers make one call at a time (the addon holds a lock)
  // Row blocks of at most MC_MAX rows, their count a multiple of the thread count and micro-tiles dealt out
  // evenly, so that no thread is left with one block more than the others.
  const int tiles = (P.m + mr - 1) / mr;
  int rowBlocks = (P.m + MC_MAX - 1) / MC_MAX;
  if (threads > 1) rowBlocks = std::min(tiles, (rowBlocks + threads - 1) / threads * threads);
  const size_t aFloats = (size_t)((tiles + rowBlocks - 1) / rowBlocks) * mr * KC;
  for (int jc = 0; jc < P.n; jc += ncMax) {
    const int nc = std::min(ncMax, P.n - jc);
    const int panels = (nc + nr - 1) / nr;
    const size_t blockStride = (size_t)KC * panels * nr;  // one K block of every panel
    float* B = bufB.grow(blockStride * kBlocks);
    const int packParts = kBlocks * panels;
    // Packing B in parallel pays only when there is enough of it to outweigh waking the threads.
    run(packParts, [&](int i) {
      int q = i / panels, j = i % panels;
      int kc = std::min(KC, P.k - q * KC);
      packBPanel(P, q * KC, kc, jc + j * nr, std::min(nr, nc - j * nr), nr, B + q * blockStride + (size_t)j * kc * nr);
    }, (long)P.k * nc >= (1L << 17));
    // Column groups only where row blocks alone leave threads idle; each keeps ≥ 128 columns.
    int maxGroups = std::max(1, panels * nr / 128);
    int groups = threads == 1 || rowBlocks >= 2 * threads ? 1 : std::min(maxGroups, (2 * threads + rowBlocks - 1) / rowBlocks);
    run(rowBlocks * groups, [&](int part) {
      thread_local Scratch bufA;
      float* A = bufA.grow(aFloats);
      int ib = part / groups, g = part % groups;
      int i0 = (int)((long)tiles * ib / rowBlocks) * mr, rows = std::min(P.m, (int)((long)tiles * (ib + 1) / rowBlocks) * mr) - i0;
      if (rows <= 0) return;
      int p0 = (int)((long)panels * g / groups), p1 = (int)((long)panels * (g + 1) / groups);
      for (int q = 0; q < kBlocks; q++) {
        int kc = std::min(KC, P.k - q * KC);
        // The first K block overwrites C (unless accumulating), later ones add: one fixed order per element.
        bool add = P.accumulate || q > 0;
        packA(P, i0, rows, q * KC, kc, mr, A);
        for (int j = p0; j < p1; j++) {
          const float* bp = B + q * blockStride + (size_t)j * kc * nr;
          int cols = std::min(nr, nc - j * nr);
          for (int ir = 0; ir < rows; ir += mr) {
            float* ct = P.c + (size_t)(i0 + ir) * P.ldc + jc + j * nr;
            K.micro(kc, A + (size_t)ir * kc, bp, ct, P.ldc, add, std::min(mr, rows - ir), cols);
          }
        }
      }
    });
  }
}

}  // namespace espalier
