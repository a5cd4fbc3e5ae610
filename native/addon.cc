// Node-API glue for Espalier's native float32 kernels (src/): matrix products and softmax cross-entropy on any
// memory the caller hands in, normally tfjs-backend-wasm's heap, so tensors are used in place without a copy.
// The micro-kernel is the best this CPU runs, or the one ESPALIER_KERNEL names (avx512, avx2, neon, portable).
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "src/gemm.h"
#include "napi-memory.h"
#include "src/pool.h"

void registerOptimizer(napi_env env, napi_value exports, espalier::Pool* pool, std::mutex* callMutex);
// ops-addon.cc: attention, RMSNorm and GELU.
void defineNativeOps(napi_env env, napi_value exports);

namespace {

using espalier::Kernel;
using espalier::Pool;

Pool* pool = nullptr;
const Kernel* kernel = nullptr;
// One call at a time: the pool and the packing buffers are shared by every JavaScript thread that loaded us.
std::mutex callMutex;

napi_value throwError(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

std::string kernelNames() {
  std::string s;
  for (const Kernel* k : espalier::availableKernels()) s += (s.empty() ? "" : ", ") + std::string(k->name);
  return s;
}

using espalier_napi::memoryBytes;

// gemm(memory, aOffset, bOffset, cOffset, m, n, k, lda, ldb, ldc, transA, transB, accumulate): offsets in bytes.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 13) return throwError(env, "gemm expects 13 arguments");
  uint8_t* base;
  size_t len;
  if (!memoryBytes(env, argv[0], &base, &len)) return throwError(env, "gemm: memory must be an ArrayBuffer or Uint8Array");
  int64_t v[9];
  for (int i = 0; i < 9; i++)
    if (napi_get_value_int64(env, argv[1 + i], &v[i]) != napi_ok) return throwError(env, "gemm: offsets and sizes must be numbers");
  bool flags[3];
  for (int i = 0; i < 3; i++)
    if (napi_get_value_bool(env, argv[10 + i], &flags[i]) != napi_ok) return throwError(env, "gemm: transA, transB and accumulate must be booleans");
  int64_t m = v[3], n = v[4], k = v[5], lda = v[6], ldb = v[7], ldc = v[8];
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || lda > INT32_MAX || ldb > INT32_MAX || ldc > INT32_MAX)
    return throwError(env, "gemm: bad sizes");
  bool ta = flags[0], tb = flags[1];
  // Bounds: the last element each operand touches must lie inside the memory.
  auto fits = [&](int64_t off, int64_t rows, int64_t cols, int64_t ld) {
    if (off < 0 || off % 4 != 0 || ld < cols) return false;
    if (rows == 0 || cols == 0) return true;
    return off + ((rows - 1) * ld + cols) * 4 <= (int64_t)len;
  };
  if (!fits(v[0], ta ? k : m, ta ? m : k, lda) || !fits(v[1], tb ? n : k, tb ? k : n, ldb) || !fits(v[2], m, n, ldc))
    return throwError(env, "gemm: an operand lies outside the memory or has a bad leading dimension");
  espalier::Problem P{(const float*)(base + v[0]), (const float*)(base + v[1]), (float*)(base + v[2]), (int)m, (int)n, (int)k, (int)lda, (int)ldb, (int)ldc, ta, tb, flags[2]};
  std::lock_guard<std::mutex> lk(callMutex);
  espalier::gemm(P, *kernel, pool);
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
  if (!memoryBytes(env, argv[0], &base, &len)) return throwError(env, "softmaxXent: memory must be an ArrayBuffer or Uint8Array");
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
  std::lock_guard<std::mutex> lk(callMutex);
  espalier::softmaxXent((float*)(base + off), (long)rows, (int)cols, targets, (float*)pp, grad, std::strcmp(kernel->name, "portable") != 0, pool);
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n = 1;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > 1024) return throwError(env, "setThreads expects an integer 1…1024");
  std::lock_guard<std::mutex> lk(callMutex);
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
  napi_create_string_utf8(env, kernel->isa, NAPI_AUTO_LENGTH, &r);
  return r;
}

// kernel() → the name in use; kernels() → every name this CPU runs, best first.
napi_value KernelName(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_string_utf8(env, kernel->name, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value Kernels(napi_env env, napi_callback_info) {
  const auto& ks = espalier::availableKernels();
  napi_value arr;
  napi_create_array_with_length(env, ks.size(), &arr);
  for (size_t i = 0; i < ks.size(); i++) {
    napi_value s;
    napi_create_string_utf8(env, ks[i]->name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, (uint32_t)i, s);
  }
  return arr;
}

// setKernel(name): tests and benchmarks run every path this CPU has; an unknown or unavailable one throws.
napi_value SetKernel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  size_t got = 0;
  if (argc != 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &got) != napi_ok) return throwError(env, "setKernel expects a kernel name");
  const Kernel* k = espalier::kernelByName(name);
  if (!k) return throwError(env, ("kernel '" + std::string(name) + "' does not run on this CPU (it runs: " + kernelNames() + ")").c_str());
  std::lock_guard<std::mutex> lk(callMutex);
  kernel = k;
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  if (!kernel) {
    const char* want = std::getenv("ESPALIER_KERNEL");
    kernel = want && *want ? espalier::kernelByName(want) : espalier::availableKernels().front();
    if (!kernel) {
      std::string msg = "ESPALIER_KERNEL=" + std::string(want) + " names no kernel this CPU runs (it runs: " + kernelNames() + ")";
      napi_throw_error(env, nullptr, msg.c_str());
      return nullptr;
    }
  }
  if (!pool) pool = new Pool(1);
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"softmaxXent", nullptr, SoftmaxXent, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"kernel", nullptr, KernelName, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"kernels", nullptr, Kernels, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"setKernel", nullptr, SetKernel, nullptr, nullptr, nullptr, napi_default_method, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  registerOptimizer(env, exports, pool, &callMutex);  // adamw, sumsq (optim-napi.cc)
  defineNativeOps(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

// Shared with ops-addon.cc (the non-product kernels): the pool, the one-call lock, and whether vector code runs.
espalier::Pool* espalierPool() { return pool; }
std::mutex& espalierCallMutex() { return callMutex; }
bool espalierVector() { return std::strcmp(kernel->name, "portable") != 0; }
