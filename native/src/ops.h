// The training step's non-product kernels: causal attention, RMSNorm and GELU (tanh), forward and backward,
// on float32 rows anywhere in memory. Node-free like gemm.h, so the standalone test (and its arm64 build under
// qemu) checks the same code the addon runs. Work is split into parts that do not depend on the thread count
// and every element is summed in one fixed order, so 1 and N threads give bitwise the same results.
#pragma once

namespace espalier {

class Pool;

// Attention over a fused qkv [B·T, 3·H·dh] (q, k already rotated): probs [B, H, T, T] (zero above the
// diagonal) and out [B·T, H·dh]. `vector`: the AVX2 build on x86 (else the portable one).
void attentionForward(const float* qkv, float* out, float* probs, int B, int T, int H, int dh, float scale, bool vector, Pool* pool);
// dqkv [B·T, 3·H·dh] (written, not accumulated) from dOut [B·T, H·dh] and the forward's probs.
void attentionBackward(const float* qkv, const float* probs, const float* dOut, float* dqkv, int B, int T, int H, int dh, float scale, bool vector,
                       Pool* pool);

// y = x·r·g with r = 1/sqrt(mean(x²) + eps) per row of x [N, D]; r [N] is kept for the backward pass.
void rmsForward(const float* x, const float* g, float* y, float* r, long N, int D, float eps, bool vector, Pool* pool);
// dx [N, D] and dg [D] (written, not accumulated).
void rmsBackward(const float* dy, const float* x, const float* r, const float* g, float* dx, float* dg, long N, int D, bool vector, Pool* pool);

// GELU, tanh approximation, as x·s with s = sigmoid(2·√(2/π)·(x + 0.044715·x³)); s is kept for the backward
// pass (which then needs no exp).
void geluForward(const float* x, float* y, float* s, long n, bool vector, Pool* pool);
void geluBackward(const float* dy, const float* x, const float* s, float* dx, long n, bool vector, Pool* pool);

}  // namespace espalier
