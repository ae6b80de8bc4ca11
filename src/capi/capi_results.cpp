// Getters of result objects, their _to_json and _free, and the typed future takes.
#include <cstdlib>
#include <cstring>

#include "capi/handles.h"
#include "client/results.h"

using namespace tinker;
using capi::guard;
using capi::out_string;
using capi::take;

extern "C" {

TINKER_API tinker_status_t tinker_future_take_server_capabilities(tinker_future_t* future,
                                                                  tinker_server_capabilities_t** out) {
  return take(__func__, future, &result_types::ServerCapabilities, out);
}

TINKER_API size_t tinker_server_capabilities_model_count(const tinker_server_capabilities_t* caps) {
  return caps ? caps->models.size() : 0;
}

TINKER_API const char* tinker_server_capabilities_model_name(const tinker_server_capabilities_t* caps, size_t i) {
  if (!caps || i >= caps->models.size() || !caps->models[i].name) return nullptr;
  return caps->models[i].name->c_str();
}

TINKER_API int64_t tinker_server_capabilities_model_max_context_length(const tinker_server_capabilities_t* caps,
                                                                       size_t i) {
  if (!caps || i >= caps->models.size()) return -1;
  return caps->models[i].max_context_length;
}

TINKER_API tinker_status_t tinker_server_capabilities_to_json(const tinker_server_capabilities_t* caps, char** out) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, caps);
    TINKER_CHECK_ARG(fn, out);
    return out_string(fn, caps->json, out);
  });
}

TINKER_API void tinker_server_capabilities_free(tinker_server_capabilities_t* caps) { delete caps; }

}  // extern "C"
