// Node-API glue for the optimizer kernels (src/adamw.cc): parameters and gradients in the memory the caller
// hands in (tfjs-backend-wasm's heap), AdamW's moments in Float32Arrays of their own — Node-side memory outside
// the 4 GiB WebAssembly heap. addon.cc registers these next to gemm and shares its pool and call lock.
#include <node_api.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "src/adamw.h"
#include "napi-memory.h"
#include "src/pool.h"

namespace {

espalier::Pool* pool = nullptr;
std::mutex* callMutex = nullptr;

napi_value fail(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

using espalier_napi::memoryBytes;

template <typename T>
bool typed(napi_env env, napi_value v, napi_typedarray_type want, T** data, size_t* n) {
  bool is = false;
  napi_typedarray_type type;
  size_t offset;
  napi_value ab;
  void* p = nullptr;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  if (napi_get_typedarray_info(env, v, &type, n, &p, &ab, &offset) != napi_ok || type != want) return false;
  *data = (T*)p;
  return true;
}

// A span of `count` floats at byte offset `off` lies inside the memory and is float-aligned.
bool inside(double off, double count, size_t len) {
  return off >= 0 && count >= 0 && off == (double)(int64_t)off && count == (double)(int64_t)count && (int64_t)off % 4 == 0 &&
         off + 4 * count <= (double)len;
}

// adamw(memory, spans: Float64Array [p, out, g, n, decay]·k (byte offsets), moments: Float32Array[2k] (m, v per
// tensor), hyper: Float64Array [b1, b2, step, bc2, eps, gs]).
napi_value AdamW(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 4) return fail(env, "adamw expects 4 arguments");
  uint8_t* base;
  size_t len, ns, nh;
  double *spans, *hyper;
  if (!memoryBytes(env, argv[0], &base, &len)) return fail(env, "adamw: memory must be an ArrayBuffer or Uint8Array");
  if (!typed(env, argv[1], napi_float64_array, &spans, &ns) || ns % 5 != 0) return fail(env, "adamw: spans must be a Float64Array of [p, out, g, n, decay] per tensor");
  if (!typed(env, argv[3], napi_float64_array, &hyper, &nh) || nh != 6) return fail(env, "adamw: hyper must be a Float64Array [b1, b2, step, bc2, eps, gs]");
  const size_t k = ns / 5;
  bool isArray = false;
  uint32_t nm = 0;
  if (napi_is_array(env, argv[2], &isArray) != napi_ok || !isArray || napi_get_array_length(env, argv[2], &nm) != napi_ok || nm != 2 * k)
    return fail(env, "adamw: moments must be an array of two Float32Arrays (m, v) per tensor");
  std::vector<espalier::AdamWTensor> ts(k);
  for (size_t i = 0; i < k; i++) {
    const double* s = spans + 5 * i;
    if (!inside(s[0], s[3], len) || !inside(s[1], s[3], len) || !inside(s[2], s[3], len))
      return fail(env, "adamw: a parameter, output or gradient lies outside the memory");
    float* mv[2];
    for (uint32_t j = 0; j < 2; j++) {
      napi_value e;
      size_t n;
      if (napi_get_element(env, argv[2], (uint32_t)(2 * i + j), &e) != napi_ok || !typed(env, e, napi_float32_array, &mv[j], &n) || (double)n != s[3])
        return fail(env, "adamw: each moment must be a Float32Array as long as its parameter");
    }
    ts[i] = {(const float*)(base + (int64_t)s[0]), (float*)(base + (int64_t)s[1]), mv[0], mv[1], (const float*)(base + (int64_t)s[2]), (size_t)s[3], (float)s[4]};
  }
  espalier::AdamWHyper h{(float)hyper[0], (float)hyper[1], (float)hyper[2], (float)hyper[3], (float)hyper[4], (float)hyper[5]};
  std::lock_guard<std::mutex> lk(*callMutex);
  espalier::adamw(ts, h, pool);
  return nullptr;
}

// sumsq(memory, spans: Float64Array [offset, n]·k, out: Float32Array(k)): Σ g² of each gradient.
napi_value SumSq(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 3) return fail(env, "sumsq expects 3 arguments");
  uint8_t* base;
  size_t len, ns, no;
  double* spans;
  float* out;
  if (!memoryBytes(env, argv[0], &base, &len)) return fail(env, "sumsq: memory must be an ArrayBuffer or Uint8Array");
  if (!typed(env, argv[1], napi_float64_array, &spans, &ns) || ns % 2 != 0) return fail(env, "sumsq: spans must be a Float64Array of [offset, n] per tensor");
  if (!typed(env, argv[2], napi_float32_array, &out, &no) || no * 2 != ns) return fail(env, "sumsq: out must be a Float32Array with one slot per tensor");
  std::vector<const float*> gs(no);
  std::vector<size_t> n(no);
  for (size_t i = 0; i < no; i++) {
    if (!inside(spans[2 * i], spans[2 * i + 1], len)) return fail(env, "sumsq: a gradient lies outside the memory");
    gs[i] = (const float*)(base + (int64_t)spans[2 * i]);
    n[i] = (size_t)spans[2 * i + 1];
  }
  std::lock_guard<std::mutex> lk(*callMutex);
  espalier::sumsq(gs, n, out, pool);
  return nullptr;
}

}  // namespace

// Called from addon.cc's Init with its pool and lock.
void registerOptimizer(napi_env env, napi_value exports, espalier::Pool* p, std::mutex* mu) {
  pool = p;
  callMutex = mu;
  napi_property_descriptor props[] = {
      {"adamw", nullptr, AdamW, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"sumsq", nullptr, SumSq, nullptr, nullptr, nullptr, napi_default_method, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
