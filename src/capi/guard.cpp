#include "capi/handles.h"

#include <cstdlib>
#include <cstring>

namespace tinker::capi {

tinker_status_t fail(tinker_status_t code, const std::string& message) {
  set_last_error(make_error(code, message));
  return code;
}

tinker_status_t null_argument(const char* fn, const char* param) {
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " is NULL");
}

tinker_status_t hand_out(std::shared_ptr<FutureState> state, tinker_future_t** out) {
  *out = new tinker_future{std::move(state)};
  return TINKER_OK;
}

tinker_status_t wait_and_take(const std::shared_ptr<FutureState>& state, ResultKind kind, std::unique_ptr<Result>* out) {
  tinker_status_t s = state->wait(-1);
  if (s != TINKER_OK) {
    if (const Error* e = state->error()) set_last_error(*e);
    return s;
  }
  if (!out) return TINKER_OK;
  return state->take(kind, out);
}

tinker_status_t out_string(const char* fn, const std::string& s, char** out) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) return fail(TINKER_E_RESOURCE_EXHAUSTED, std::string(fn) + ": out of memory");
  std::memcpy(p, s.c_str(), s.size() + 1);
  *out = p;
  return TINKER_OK;
}

}  // namespace tinker::capi
