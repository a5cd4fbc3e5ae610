// AdamW and the gradient's sum of squares over float32 buffers, shared out over the pool. The arithmetic is the
// WebAssembly kernel's (src-main/engine/model/wasm/optim.ts), operation for operation, so both paths give the
// same bits: moments may live anywhere (the addon's callers keep them outside the wasm heap).
#pragma once

#include <cstddef>
#include <vector>

#include "pool.h"

namespace espalier {

struct AdamWHyper {
  float b1, b2, step, bc2, eps, gs;
};

/** One parameter: p and g read, out written (may equal p), m and v updated in place; n floats each. */
struct AdamWTensor {
  const float* p;
  float* out;
  float* m;
  float* v;
  const float* g;
  size_t n;
  float decay;
};

/** out ← p·decay − step·m' / (√v' / bc2 + eps), m' = b1·m + (1−b1)·g·gs, v' = b2·v + (1−b2)·(g·gs)². */
void adamw(const std::vector<AdamWTensor>& ts, const AdamWHyper& h, Pool* pool);

/**
 * Σ g² of each buffer into out[i], summed as the wasm kernel sums: four float lanes over the multiple-of-4
 * prefix, the lanes added (l0 + l1) + (l2 + l3), then the tail one by one. Buffers are shared out whole, so the
 * result does not depend on the thread count.
 */
void sumsq(const std::vector<const float*>& gs, const std::vector<size_t>& ns, float* out, Pool* pool);

}  // namespace espalier
