// Espalier's float32 matrix product C = op(A)·op(B) (+ C), free of Node so that the same code builds into the
// Node addon (../addon.cc) and into the standalone kernel test (../test/kernels-test.cc, also run for arm64
// under qemu). Micro-kernels per instruction set are chosen once at start by CPU features.
#pragma once

#include <string>
#include <vector>

namespace espalier {

struct Problem {
  const float* a;
  const float* b;
  float* c;
  int m, n, k, lda, ldb, ldc;
  bool ta, tb, accumulate;
};

// One register tile: C[rows×cols] (= or +=) Σ_p a[p][r]·b[p][c] over packed panels a (kc×mr) and b (kc×nr),
// rows ≤ mr, cols ≤ nr. Every element is summed over p in order, whatever the tile's edges.
using MicroFn = void (*)(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols);

struct Kernel {
  const char* name;  // "avx512", "avx2", "neon", "portable"
  const char* isa;   // for people: "AVX-512 (12×32 micro-kernel)"
  int mr, nr, kc;
  MicroFn micro;
};

// Kernels this CPU can run, best first (the portable one always last).
const std::vector<const Kernel*>& availableKernels();
// The kernel named `name` if this CPU runs it, else null.
const Kernel* kernelByName(const std::string& name);

class Pool;

// C = op(A)·op(B) (or += when P.accumulate) with `kernel` on `pool` (null: the calling thread alone). The
// result is bitwise the same for every thread count: partitioning never changes any element's summation order.
void gemm(const Problem& P, const Kernel& kernel, Pool* pool);

// Rows of logits in place → softmax (minus one at the target when `grad`); out[i] = row i's target probability.
void softmaxXent(float* x, long rows, int cols, const int* targets, float* out, bool grad, bool vector, Pool* pool);

}  // namespace espalier
