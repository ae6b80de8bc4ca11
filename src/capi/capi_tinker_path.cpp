// tinker_path_parse / tinker_path_format and the parsed path's getters (protocol.md §8).
#include "capi/handles.h"
#include "wire/tinker_path.h"

using namespace tinker;

struct tinker_parsed_path {
  wire::TinkerPath p;
};

extern "C" {

TINKER_API tinker_status_t tinker_path_parse(const char* path, tinker_parsed_path_t** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, path);
    std::string why;
    auto parsed = wire::parse_tinker_path(path, &why);
    if (!parsed) return capi::fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": not a checkpoint's tinker:// path: " + why);
    *out = new tinker_parsed_path{std::move(*parsed)};
    return TINKER_OK;
  });
}

TINKER_API const char* tinker_parsed_path_training_run_id(const tinker_parsed_path_t* path) {
  return path ? path->p.training_run_id.c_str() : nullptr;
}

TINKER_API const char* tinker_parsed_path_checkpoint_type(const tinker_parsed_path_t* path) {
  return path ? path->p.checkpoint_type.c_str() : nullptr;
}

TINKER_API const char* tinker_parsed_path_checkpoint_id(const tinker_parsed_path_t* path) {
  return path ? path->p.checkpoint_id.c_str() : nullptr;
}

TINKER_API const char* tinker_parsed_path_name(const tinker_parsed_path_t* path) {
  return path ? path->p.name.c_str() : nullptr;
}

TINKER_API void tinker_parsed_path_free(tinker_parsed_path_t* path) { delete path; }

TINKER_API tinker_status_t tinker_path_format(const char* training_run_id, const char* kind, const char* name,
                                              char** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, training_run_id);
    TINKER_CHECK_ARG(fn, kind);
    TINKER_CHECK_ARG(fn, name);
    std::string why;
    auto path = wire::format_tinker_path(training_run_id, kind, name, &why);
    if (!path) return capi::fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + why);
    return capi::out_string(fn, *path, out);
  });
}

}  // extern "C"
