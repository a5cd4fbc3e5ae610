// The micro-kernels (one register tile of C over packed panels) and the helper their edge tiles share.
#pragma once

#include <cstddef>

namespace espalier {

// Writes (or adds) rows×cols of a tile held in t (row stride ts) into C: C + t, the order every kernel uses.
inline void storeTile(const float* t, int ts, float* c, int ldc, bool add, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    float* cr = c + (size_t)r * ldc;
    const float* tr = t + r * ts;
    if (add)
      for (int j = 0; j < cols; j++) cr[j] = cr[j] + tr[j];
    else
      for (int j = 0; j < cols; j++) cr[j] = tr[j];
  }
}

void microPortable(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols);
#if defined(__x86_64__) || defined(__i386__)
void microAvx512(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols);
void microAvx2(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols);
#endif
#if defined(__aarch64__)
void microNeon(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols);
#endif

}  // namespace espalier
