// Espalier's native matrix product: C = op(A)·op(B) (+ C) in float32 on any memory the caller hands in,
// normally tfjs-backend-wasm's heap, so tensors are multiplied in place without a copy. A BLIS-style
// blocked GEMM (packed panels, a 6×16 AVX2/FMA micro-kernel, a portable one elsewhere) over a small pool
// of threads. Every output element is summed in the same order whatever the thread count, so results do
// not depend on how many threads run.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ESPALIER_X86 1
#endif

namespace {

constexpr int MR = 6;
constexpr int NR = 16;
constexpr int KC = 256;
constexpr int MC = 96;    // MC×KC floats of A ≈ 96 KB: stays in L2
constexpr int NC = 2048;  // KC×NC floats of B ≈ 2 MB: stays in L3

struct Problem {
  const float* a;
  const float* b;
  float* c;
  int m, n, k, lda, ldb, ldc;
  bool ta, tb, accumulate;
};

// A(i, p) and B(p, j) of the logical (untransposed) operands.
inline float elemA(const Problem& P, int i, int p) { return P.ta ? P.a[(size_t)p * P.lda + i] : P.a[(size_t)i * P.lda + p]; }

// Packs rows i0… i0+mc, columns p0… p0+kc of op(A) into MR-row panels, zero-padding the last one.
void packA(const Problem& P, int i0, int mc, int p0, int kc, float* dst) {
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = std::min(MR, mc - ir);
    if (P.ta) {
      for (int p = 0; p < kc; p++) {
        const float* src = P.a + (size_t)(p0 + p) * P.lda + i0 + ir;
        int r = 0;
        for (; r < rows; r++) dst[r] = src[r];
        for (; r < MR; r++) dst[r] = 0.f;
        dst += MR;
      }
    } else {
      const float* src[MR];
      for (int r = 0; r < MR; r++) src[r] = P.a + (size_t)(i0 + ir + std::min(r, rows - 1)) * P.lda + p0;
      for (int p = 0; p < kc; p++) {
        for (int r = 0; r < MR; r++) dst[r] = r < rows ? src[r][p] : 0.f;
        dst += MR;
      }
    }
  }
}

// Packs rows p0… p0+kc, columns j0… j0+nc of op(B) into NR-column panels, zero-padding the last one.
void packB(const Problem& P, int p0, int kc, int j0, int nc, float* dst) {
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = std::min(NR, nc - jr);
    if (!P.tb) {
      for (int p = 0; p < kc; p++) {
        const float* src = P.b + (size_t)(p0 + p) * P.ldb + j0 + jr;
        if (cols == NR) std::memcpy(dst, src, NR * sizeof(float));
        else {
          int c = 0;
          for (; c < cols; c++) dst[c] = src[c];
          for (; c < NR; c++) dst[c] = 0.f;
        }
        dst += NR;
      }
    } else {
      for (int c = 0; c < NR; c++) {
        if (c < cols) {
          const float* src = P.b + (size_t)(j0 + jr + c) * P.ldb + p0;
          for (int p = 0; p < kc; p++) dst[p * NR + c] = src[p];
        } else {
          for (int p = 0; p < kc; p++) dst[p * NR + c] = 0.f;
        }
      }
      dst += (size_t)kc * NR;
    }
  }
}

// acc[MR][NR] = Σ_p a[p][r]·b[p][c] over one packed panel pair (the portable kernel always fills acc).
void microGeneric(int kc, const float* a, const float* b, float* acc, float*, int, bool) {
  float t[MR * NR] = {0};
  for (int p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      float av = a[p * MR + r];
      for (int c = 0; c < NR; c++) t[r * NR + c] += av * b[p * NR + c];
    }
  }
  std::memcpy(acc, t, sizeof t);
}

#ifdef ESPALIER_X86
// Full 6×16 tiles go straight from registers to C (stored, or added when `add`); edge tiles via `acc`.
__attribute__((target("avx2,fma"))) void microAvx2(int kc, const float* a, const float* b, float* acc, float* c, int ldc, bool add) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(av, b0, c00), c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10), c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20), c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30), c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40), c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50), c51 = _mm256_fmadd_ps(av, b1, c51);
    a += MR;
    b += NR;
  }
  if (c) {
#define ESPALIER_ROW(r, lo, hi)                                                           \
  if (add) {                                                                                \
    lo = _mm256_add_ps(_mm256_loadu_ps(c + (r) * (size_t)ldc), lo);                         \
    hi = _mm256_add_ps(_mm256_loadu_ps(c + (r) * (size_t)ldc + 8), hi);                     \
  }                                                                                         \
  _mm256_storeu_ps(c + (r) * (size_t)ldc, lo), _mm256_storeu_ps(c + (r) * (size_t)ldc + 8, hi);
    ESPALIER_ROW(0, c00, c01) ESPALIER_ROW(1, c10, c11) ESPALIER_ROW(2, c20, c21)
    ESPALIER_ROW(3, c30, c31) ESPALIER_ROW(4, c40, c41) ESPALIER_ROW(5, c50, c51)
#undef ESPALIER_ROW
    return;
  }
  _mm256_storeu_ps(acc + 0, c00), _mm256_storeu_ps(acc + 8, c01);
  _mm256_storeu_ps(acc + 16, c10), _mm256_storeu_ps(acc + 24, c11);
  _mm256_storeu_ps(acc + 32, c20), _mm256_storeu_ps(acc + 40, c21);
  _mm256_storeu_ps(acc + 48, c30), _mm256_storeu_ps(acc + 56, c31);
  _mm256_storeu_ps(acc + 64, c40), _mm256_storeu_ps(acc + 72, c41);
  _mm256_storeu_ps(acc + 80, c50), _mm256_storeu_ps(acc + 88, c51);
}
#endif

// acc gets the tile; or, when c is not null (a full tile), the tile is stored to / added into c directly.
using Micro = void (*)(int, const float*, const float*, float*, float* c, int ldc, bool add);

Micro pickMicro() {
#ifdef ESPALIER_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return microAvx2;
#endif
  return microGeneric;
}

const Micro micro = pickMicro();
const char* const isaName = micro == microGeneric ? "portable C++" : "AVX2+FMA";

// The serial blocked product of rows [i0, i1) × columns [j0, j1) of C.
void gemmBlock(const Problem& P, int i0, int i1, int j0, int j1) {
  thread_local std::vector<float> bufA, bufB;
  bufA.resize((size_t)MC * KC);
  bufB.resize((size_t)KC * (NC + NR));
  alignas(32) float acc[MR * NR];
  for (int jc = j0; jc < j1; jc += NC) {
    int nc = std::min(NC, j1 - jc);
    for (int pc = 0; pc < P.k; pc += KC) {
      int kc = std::min(KC, P.k - pc);
      // The first K block overwrites C (unless accumulating), later ones add: one fixed order per element.
      bool add = P.accumulate || pc > 0;
      packB(P, pc, kc, jc, nc, bufB.data());
      for (int ic = i0; ic < i1; ic += MC) {
        int mc = std::min(MC, i1 - ic);
        packA(P, ic, mc, pc, kc, bufA.data());
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = std::min(NR, nc - jr);
          const float* bp = bufB.data() + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = std::min(MR, mc - ir);
            float* ctile = P.c + (size_t)(ic + ir) * P.ldc + jc + jr;
            bool full = rows == MR && cols == NR && micro != microGeneric;
            micro(kc, bufA.data() + (size_t)ir * kc, bp, acc, full ? ctile : nullptr, P.ldc, add);
            if (full) continue;
            for (int r = 0; r < rows; r++) {
              float* crow = P.c + (size_t)(ic + ir + r) * P.ldc + jc + jr;
              const float* arow = acc + r * NR;
              if (add)
                for (int c = 0; c < cols; c++) crow[c] += arow[c];
              else
                for (int c = 0; c < cols; c++) crow[c] = arow[c];
            }
          }
        }
      }
    }
  }
}

// A fixed pool that shares out the parts of one job: the caller and the workers take parts from one
// counter until none is left, so a worker the OS has not scheduled (a busy machine) delays nothing: the
// caller takes its parts. The counter carries the job's generation, so a late worker never takes a part
// of a later job.
class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return (int)workers_.size() + 1; }

  void resize(int n) {
    stop();
    quit_ = false;
    uint64_t now = generation_;
    for (int i = 1; i < n; i++) workers_.emplace_back([this, now] { loop(now); });
  }

  void run(int parts, const std::function<void(int)>& fn) {
    if (parts <= 1 || workers_.empty()) {
      for (int i = 0; i < parts; i++) fn(i);
      return;
    }
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lk(mu_);
      gen = ++generation_;
      job_ = &fn;
      parts_ = parts;
      done_.store(0);
      next_.store(gen << 32);
    }
    cv_.notify_all();
    work(gen, fn, parts);
    // Only parts a worker has already taken remain: they are running, so waiting is short.
    for (int spin = 0; done_.load(std::memory_order_acquire) < parts; spin++) {
      if (spin < 2000) cpuRelax();
      else std::this_thread::yield();
    }
  }

 private:
  static void cpuRelax() {
#ifdef ESPALIER_X86
    _mm_pause();
#endif
  }

  void work(uint64_t gen, const std::function<void(int)>& fn, int parts) {
    for (;;) {
      uint64_t v = next_.load();
      int i;
      do {
        if ((v >> 32) != gen) return;
        i = (int)(v & 0xffffffffu);
        if (i >= parts) return;
      } while (!next_.compare_exchange_weak(v, v + 1));
      fn(i);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void loop(uint64_t seen) {
    for (;;) {
      const std::function<void(int)>* job;
      int parts;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        job = job_;
        parts = parts_;
      }
      work(seen, *job, parts);
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> next_{0};
  std::atomic<int> done_{0};
  bool quit_ = false;
};

Pool* pool = nullptr;
// One product at a time: the pool is shared by every JavaScript thread that loaded the addon.
std::mutex gemmMutex;

// Splits C along its longer side into one slab per thread, slab edges on micro-tile boundaries.
void gemm(const Problem& P) {
  std::lock_guard<std::mutex> lk(gemmMutex);
  int threads = pool->size();
  double flops = 2.0 * P.m * P.n * P.k;
  if (threads <= 1 || flops < 2e6) {
    gemmBlock(P, 0, P.m, 0, P.n);
    return;
  }
  bool splitRows = P.m >= P.n;
  int extent = splitRows ? P.m : P.n;
  int unit = splitRows ? MR : NR;
  int tiles = (extent + unit - 1) / unit;
  // A few parts per thread (each at least ~128 rows or columns) let a descheduled thread's share go elsewhere.
  int parts = std::min(tiles, std::max(threads, std::min(4 * threads, extent / 128)));
  pool->run(parts, [&](int t) {
    int a = (int)((int64_t)tiles * t / parts) * unit, b = std::min(extent, (int)((int64_t)tiles * (t + 1) / parts) * unit);
    if (a >= b) return;
    if (splitRows) gemmBlock(P, a, b, 0, P.n);
    else gemmBlock(P, 0, P.m, a, b);
  });
}

// ---- Softmax cross-entropy rows ----

// One row in place: logits → softmax (minus one at the target when `grad`); returns the target's probability.
float softmaxRowGeneric(float* x, int n, int target, bool grad) {
  float mx = x[0];
  for (int i = 1; i < n; i++) mx = std::max(mx, x[i]);
  float sum = 0.f;
  for (int i = 0; i < n; i++) sum += (x[i] = std::exp(x[i] - mx));
  float inv = 1.f / sum;
  for (int i = 0; i < n; i++) x[i] *= inv;
  float pt = x[target];
  if (grad) x[target] -= 1.f;
  return pt;
}

#ifdef ESPALIER_X86
// exp for x ≤ 0 (inputs are logits minus the row maximum): 2^n · p(r), |r| ≤ ln2/2, a degree-6 polynomial
// (relative error ≈ 2e-7, as tfjs-wasm's own exp); below −87 the result flushes to zero.
__attribute__((target("avx2,fma"))) inline __m256 expNeg(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) float softmaxRowAvx2(float* x, int n, int target, bool grad) {
  if (n % 8 != 0) return softmaxRowGeneric(x, n, target, grad);
  __m256 m = _mm256_set1_ps(-INFINITY);
  for (int i = 0; i < n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
  alignas(32) float t[8];
  _mm256_store_ps(t, m);
  float mx = t[0];
  for (int i = 1; i < 8; i++) mx = std::max(mx, t[i]);
  __m256 vm = _mm256_set1_ps(mx), acc = _mm256_setzero_ps();
  for (int i = 0; i < n; i += 8) {
    __m256 e = expNeg(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    _mm256_storeu_ps(x + i, e);
    acc = _mm256_add_ps(acc, e);
  }
  _mm256_store_ps(t, acc);
  float sum = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
  __m256 inv = _mm256_set1_ps(1.f / sum);
  for (int i = 0; i < n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
  float pt = x[target];
  if (grad) x[target] -= 1.f;
  return pt;
}
#endif

using SoftmaxRow = float (*)(float*, int, int, bool);
const SoftmaxRow softmaxRow =
#ifdef ESPALIER_X86
    micro == microAvx2 ? softmaxRowAvx2 :
#endif
                       softmaxRowGeneric;

// ---- Node-API glue ----

napi_value throwError(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

bool bytesOf(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  bool is = false;
  void* p = nullptr;
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    if (napi_get_arraybuffer_info(env, v, &p, len) != napi_ok) return false;
    *data = (uint8_t*)p;
    return true;
  }
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t n, offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &n, &p, &ab, &offset) != napi_ok || type != napi_uint8_array) return false;
    *data = (uint8_t*)p;
    *len = n;
    return true;
  }
  return false;
}

// gemm(memory, aOffset, bOffset, cOffset, m, n, k, lda, ldb, ldc, transA, transB, accumulate): offsets in bytes.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 13) return throwError(env, "gemm expects 13 arguments");
  uint8_t* base;
  size_t len;
  if (!bytesOf(env, argv[0], &base, &len)) return throwError(env, "gemm: memory must be an ArrayBuffer or Uint8Array");
  int64_t v[9];
  for (int i = 0; i < 9; i++)
    if (napi_get_value_int64(env, argv[1 + i], &v[i]) != napi_ok) return throwError(env, "gemm: offsets and sizes must be numbers");
  bool flags[3];
  for (int i = 0; i < 3; i++)
    if (napi_get_value_bool(env, argv[10 + i], &flags[i]) != napi_ok) return throwError(env, "gemm: transA, transB and accumulate must be booleans");
  int64_t m = v[3], n = v[4], k = v[5], lda = v[6], ldb = v[7], ldc = v[8];
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return throwError(env, "gemm: bad sizes");
  bool ta = flags[0], tb = flags[1];
  // Bounds: the last element each operand touches must lie inside the memory.
  auto fits = [&](int64_t off, int64_t rows, int64_t cols, int64_t ld) {
    if (off < 0 || off % 4 != 0 || ld < cols) return false;
    if (rows == 0 || cols == 0) return true;
    return off + ((rows - 1) * ld + cols) * 4 <= (int64_t)len;
  };
  if (!fits(v[0], ta ? k : m, ta ? m : k, lda) || !fits(v[1], tb ? n : k, tb ? k : n, ldb) || !fits(v[2], m, n, ldc))
    return throwError(env, "gemm: an operand lies outside the memory or has a bad leading dimension");
  if (m == 0 || n == 0) return nullptr;
  Problem P{(const float*)(base + v[0]), (const float*)(base + v[1]), (float*)(base + v[2]), (int)m, (int)n, (int)k, (int)lda, (int)ldb, (int)ldc, ta, tb, flags[2]};
  if (k == 0) {
    if (!P.accumulate)
      for (int i = 0; i < P.m; i++) std::memset(P.c + (size_t)i * P.ldc, 0, (size_t)P.n * 4);
    return nullptr;
  }
  gemm(P);
  return nullptr;
}

// softmaxXent(memory, offset, rows, cols, targets: Int32Array, pt: Float32Array, grad): rows of logits at
// `offset` (bytes) become softmax probabilities in place, minus one at each row's target when `grad`;
// pt[i] receives row i's target probability.
napi_value SoftmaxXent(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 7) return throwError(env, "softmaxXent expects 7 arguments");
  uint8_t* base;
  size_t len;
  if (!bytesOf(env, argv[0], &base, &len)) return throwError(env, "softmaxXent: memory must be an ArrayBuffer or Uint8Array");
  int64_t off, rows, cols;
  if (napi_get_value_int64(env, argv[1], &off) != napi_ok || napi_get_value_int64(env, argv[2], &rows) != napi_ok ||
      napi_get_value_int64(env, argv[3], &cols) != napi_ok)
    return throwError(env, "softmaxXent: offset, rows and cols must be numbers");
  if (off < 0 || off % 4 != 0 || rows < 0 || cols < 1 || cols > INT32_MAX || off + rows * cols * 4 > (int64_t)len)
    return throwError(env, "softmaxXent: the rows lie outside the memory");
  napi_typedarray_type tt, pt;
  size_t nt, np, o1, o2;
  void *tp, *pp;
  napi_value ab;
  if (napi_get_typedarray_info(env, argv[4], &tt, &nt, &tp, &ab, &o1) != napi_ok || tt != napi_int32_array || (int64_t)nt != rows)
    return throwError(env, "softmaxXent: targets must be an Int32Array with one id per row");
  if (napi_get_typedarray_info(env, argv[5], &pt, &np, &pp, &ab, &o2) != napi_ok || pt != napi_float32_array || (int64_t)np != rows)
    return throwError(env, "softmaxXent: pt must be a Float32Array with one slot per row");
  bool grad;
  if (napi_get_value_bool(env, argv[6], &grad) != napi_ok) return throwError(env, "softmaxXent: grad must be a boolean");
  const int32_t* targets = (const int32_t*)tp;
  for (int64_t i = 0; i < rows; i++)
    if (targets[i] < 0 || targets[i] >= cols) return throwError(env, "softmaxXent: a target id lies outside the row");
  float* x = (float*)(base + off);
  float* out = (float*)pp;
  std::lock_guard<std::mutex> lk(gemmMutex);
  int parts = rows * cols < (1 << 16) ? 1 : std::min<int>(4 * pool->size(), (int)rows);
  pool->run(parts, [&](int t) {
    int64_t a = rows * t / parts, b = rows * (t + 1) / parts;
    for (int64_t i = a; i < b; i++) out[i] = softmaxRow(x + i * cols, (int)cols, targets[i], grad);
  });
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n = 1;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > 64) return throwError(env, "setThreads expects an integer 1…64");
  std::lock_guard<std::mutex> lk(gemmMutex);
  if (n != pool->size()) pool->resize(n);
  return nullptr;
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, pool->size(), &r);
  return r;
}

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_string_utf8(env, isaName, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  if (!pool) pool = new Pool(1);
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"softmaxXent", nullptr, SoftmaxXent, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_default_method, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
