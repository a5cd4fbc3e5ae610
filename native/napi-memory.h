// The memory argument every Node-API entry point takes (tfjs-backend-wasm's heap, or a test's buffer): an
// ArrayBuffer or a Uint8Array over one. Shared by addon.cc, optim-napi.cc and ops-addon.cc.
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>

namespace espalier_napi {

// True with the bytes and their length when `v` is an ArrayBuffer or a Uint8Array; false for anything else.
inline bool memoryBytes(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  bool is = false;
  void* p = nullptr;
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    if (napi_get_arraybuffer_info(env, v, &p, len) != napi_ok) return false;
    *data = (uint8_t*)p;
    return true;
  }
  napi_typedarray_type type;
  size_t n, offset;
  napi_value ab;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  if (napi_get_typedarray_info(env, v, &type, &n, &p, &ab, &offset) != napi_ok || type != napi_uint8_array) return false;
  *data = (uint8_t*)p;
  *len = n;
  return true;
}

}  // namespace espalier_napi
