// Node-API glue for the non-product kernels (src/ops.h): attention, RMSNorm and GELU on any memory the caller
// hands in (tfjs-backend-wasm's heap), offsets in bytes. Every region is checked against the memory first.
#include <node_api.h>

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>

#include "napi-memory.h"
#include "src/ops.h"
#include "src/pool.h"

// From addon.cc: the shared pool, the one-call-at-a-time lock, and whether the vector (not portable) path runs.
espalier::Pool* espalierPool();
std::mutex& espalierCallMutex();
bool espalierVector();

namespace {

struct Args {
  napi_env env;
  const char* fn;
  uint8_t* base = nullptr;
  size_t len = 0;
  napi_value argv[12];
  size_t argc = 12;
  bool ok = true;

  Args(napi_env e, napi_callback_info info, const char* name, size_t want) : env(e), fn(name) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc != want) {
      fail("expects " + std::to_string(want) + " arguments");
      return;
    }
    if (espalier_napi::memoryBytes(env, argv[0], &base, &len)) return;
    fail("memory must be an ArrayBuffer or Uint8Array");
  }

  void fail(const std::string& msg) {
    if (!ok) return;
    ok = false;
    napi_throw_error(env, nullptr, (std::string(fn) + ": " + msg).c_str());
  }

  int64_t size(size_t i) {
    int64_t v = 0;
    if (ok && (napi_get_value_int64(env, argv[i], &v) != napi_ok || v < 0 || v > INT32_MAX)) fail("argument " + std::to_string(i) + " must be a size");
    return v;
  }

  float real(size_t i) {
    double v = 0;
    if (ok && napi_get_value_double(env, argv[i], &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
    return (float)v;
  }

  // The product of sizes, or −1 when it overflows (floats() then refuses it).
  static int64_t count(std::initializer_list<int64_t> sizes) {
    int64_t n = 1;
    for (int64_t s : sizes)
      if (__builtin_mul_overflow(n, s, &n)) return -1;
    return n;
  }

  // `count` floats at the byte offset in argument i, inside the memory.
  float* floats(size_t i, int64_t count) {
    int64_t off = -1;
    if (ok && napi_get_value_int64(env, argv[i], &off) != napi_ok) off = -1;
    if (!ok) return nullptr;
    if (off < 0 || off % 4 != 0 || count < 0 || count > ((int64_t)len - off) / 4) {
      fail("argument " + std::to_string(i) + " (" + std::to_string(count) + " floats at byte " + std::to_string(off) + ") lies outside the memory");
      return nullptr;
    }
    return (float*)(base + off);
  }
};

// attentionForward(memory, qkv, out, probs, B, T, H, dh, scale)
napi_value AttentionForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionForward", 9);
  int64_t B = a.size(4), T = a.size(5), H = a.size(6), dh = a.size(7);
  float scale = a.real(8);
  float* qkv = a.floats(1, Args::count({B, T, 3, H, dh}));
  float* out = a.floats(2, Args::count({B, T, H, dh}));
  float* probs = a.floats(3, Args::count({B, H, T, T}));
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::attentionForward(qkv, out, probs, (int)B, (int)T, (int)H, (int)dh, scale, espalierVector(), espalierPool());
  return nullptr;
}

// attentionBackward(memory, qkv, probs, dOut, dqkv, B, T, H, dh, scale)
napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionBackward", 10);
  int64_t B = a.size(5), T = a.size(6), H = a.size(7), dh = a.size(8);
  float scale = a.real(9);
  float* qkv = a.floats(1, Args::count({B, T, 3, H, dh}));
  float* probs = a.floats(2, Args::count({B, H, T, T}));
  float* dOut = a.floats(3, Args::count({B, T, H, dh}));
  float* dqkv = a.floats(4, Args::count({B, T, 3, H, dh}));
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::attentionBackward(qkv, probs, dOut, dqkv, (int)B, (int)T, (int)H, (int)dh, scale, espalierVector(), espalierPool());
  return nullptr;
}

// rmsNormForward(memory, x, g, y, r, N, D, eps)
napi_value RmsNormForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "rmsNormForward", 8);
  int64_t N = a.size(5), D = a.size(6);
  float eps = a.real(7);
  float *x = a.floats(1, N * D), *g = a.floats(2, D), *y = a.floats(3, N * D), *r = a.floats(4, N);
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::rmsForward(x, g, y, r, (long)N, (int)D, eps, espalierVector(), espalierPool());
  return nullptr;
}

// rmsNormBackward(memory, dy, x, r, g, dx, dg, N, D)
napi_value RmsNormBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "rmsNormBackward", 9);
  int64_t N = a.size(7), D = a.size(8);
  float *dy = a.floats(1, N * D), *x = a.floats(2, N * D), *r = a.floats(3, N), *g = a.floats(4, D), *dx = a.floats(5, N * D),
        *dg = a.floats(6, D);
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::rmsBackward(dy, x, r, g, dx, dg, (long)N, (int)D, espalierVector(), espalierPool());
  return nullptr;
}

// geluForward(memory, x, y, s, n): s receives the sigmoid factor for the backward pass.
napi_value GeluForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "geluForward", 5);
  int64_t n = a.size(4);
  float *x = a.floats(1, n), *y = a.floats(2, n), *s = a.floats(3, n);
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::geluForward(x, y, s, (long)n, espalierVector(), espalierPool());
  return nullptr;
}

// geluBackward(memory, dy, x, s, dx, n)
napi_value GeluBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "geluBackward", 6);
  int64_t n = a.size(5);
  float *dy = a.floats(1, n), *x = a.floats(2, n), *s = a.floats(3, n), *dx = a.floats(4, n);
  if (!a.ok) return nullptr;
  std::lock_guard<std::mutex> lk(espalierCallMutex());
  espalier::geluBackward(dy, x, s, dx, (long)n, espalierVector(), espalierPool());
  return nullptr;
}

}  // namespace

void defineNativeOps(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"attentionForward", nullptr, AttentionForward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"attentionBackward", nullptr, AttentionBackward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"rmsNormForward", nullptr, RmsNormForward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"rmsNormBackward", nullptr, RmsNormBackward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"geluForward", nullptr, GeluForward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"geluBackward", nullptr, GeluBackward, nullptr, nullptr, nullptr, napi_default_method, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
