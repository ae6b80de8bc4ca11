// Version, status names, the error record, and tinker_free.
#include <cstdlib>

#include "capi/handles.h"
#include "tinker/tinker_version.h"

using namespace tinker;

extern "C" {

TINKER_API const char* tinker_version_string(void) { return TINKER_VERSION_STRING; }
TINKER_API int tinker_version_number(void) { return TINKER_VERSION_NUMBER; }

TINKER_API const char* tinker_status_str(tinker_status_t status) {
  switch (capi::enum_value(status)) {
#define NAME(x) case x: return #x;
    NAME(TINKER_OK) NAME(TINKER_E_CANCELLED) NAME(TINKER_E_UNKNOWN) NAME(TINKER_E_INVALID_ARGUMENT)
    NAME(TINKER_E_DEADLINE_EXCEEDED) NAME(TINKER_E_NOT_FOUND) NAME(TINKER_E_ALREADY_EXISTS)
    NAME(TINKER_E_PERMISSION_DENIED) NAME(TINKER_E_RESOURCE_EXHAUSTED) NAME(TINKER_E_FAILED_PRECONDITION)
    NAME(TINKER_E_ABORTED) NAME(TINKER_E_OUT_OF_RANGE) NAME(TINKER_E_UNIMPLEMENTED) NAME(TINKER_E_INTERNAL)
    NAME(TINKER_E_UNAVAILABLE) NAME(TINKER_E_DATA_LOSS) NAME(TINKER_E_UNAUTHENTICATED) NAME(TINKER_PENDING)
    NAME(TINKER_E_TIMEOUT) NAME(TINKER_E_INTERRUPTED) NAME(TINKER_E_REQUEST_FAILED)
#undef NAME
  }
  return "TINKER_E_UNKNOWN_STATUS";
}

TINKER_API const tinker_error_t* tinker_last_error(void) { return &last_error(); }

TINKER_API tinker_status_t tinker_error_code(const tinker_error_t* e) { return e ? e->code : TINKER_E_INVALID_ARGUMENT; }
TINKER_API const char* tinker_error_message(const tinker_error_t* e) { return e ? e->message.c_str() : ""; }
TINKER_API tinker_error_category_t tinker_error_category(const tinker_error_t* e) {
  return e ? e->category : TINKER_ERROR_CATEGORY_UNKNOWN;
}
TINKER_API int tinker_error_http_status(const tinker_error_t* e) { return e ? e->http_status : 0; }
TINKER_API const char* tinker_error_request_id(const tinker_error_t* e) { return e ? e->request_id.c_str() : ""; }
TINKER_API int tinker_error_retryable(const tinker_error_t* e) { return e && e->retryable ? 1 : 0; }

TINKER_API void tinker_free(void* p) { std::free(p); }

}  // extern "C"
