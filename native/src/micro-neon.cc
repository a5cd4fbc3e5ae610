// The arm64 micro-kernel: an 8×12 register tile (24 accumulators of 4 floats), A's rows taken by lane.
// NEON is part of every arm64 CPU, so no run-time check is needed.
#include "micro.h"

#if defined(__aarch64__)
#include <arm_neon.h>

namespace espalier {

void microNeon(int kc, const float* a, const float* b, float* c, int ldc, bool add, int rows, int cols) {
  constexpr int MR = 8;
  float32x4_t acc[MR][3];
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = acc[r][2] = vdupq_n_f32(0.f);
  for (int p = 0; p < kc; p++) {
    float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
#define ESPALIER_ROW(r, v, lane)                           \
  acc[r][0] = vfmaq_laneq_f32(acc[r][0], b0, v, lane);     \
  acc[r][1] = vfmaq_laneq_f32(acc[r][1], b1, v, lane);     \
  acc[r][2] = vfmaq_laneq_f32(acc[r][2], b2, v, lane);
    ESPALIER_ROW(0, a0, 0) ESPALIER_ROW(1, a0, 1) ESPALIER_ROW(2, a0, 2) ESPALIER_ROW(3, a0, 3)
    ESPALIER_ROW(4, a1, 0) ESPALIER_ROW(5, a1, 1) ESPALIER_ROW(6, a1, 2) ESPALIER_ROW(7, a1, 3)
#undef ESPALIER_ROW
    a += MR;
    b += 12;
  }
  if (rows == MR && cols == 12) {
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
      float* cr = c + (size_t)r * ldc;
      for (int j = 0; j < 3; j++) {
        float32x4_t x = acc[r][j];
        if (add) x = vaddq_f32(vld1q_f32(cr + 4 * j), x);
        vst1q_f32(cr + 4 * j, x);
      }
    }
    return;
  }
  float t[MR * 12];
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < 3; j++) vst1q_f32(t + r * 12 + 4 * j, acc[r][j]);
  storeTile(t, 12, c, ldc, add, rows, cols);
}

}  // namespace espalier
#endif
