// tinker_service_client_new/_free/_session_id/_create_rest_client and tinker_rest_client_free
// (the service client's operations are generated: capi/api_ops.cpp).
#include "capi/handles.h"

using namespace tinker;
using capi::guard;

namespace {

tinker_service_client_t* make_service_client(ClientOptions opts) {
  auto ctx = std::make_shared<ClientContext>(std::move(opts));
  return new tinker_service_client{std::make_shared<ServiceClient>(std::move(ctx))};
}

}  // namespace

extern "C" {

TINKER_API tinker_status_t tinker_service_client_new(tinker_service_client_t** out,
                                                     const tinker_client_options_t* options) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    *out = nullptr;
    ClientOptions opts = options ? options->o : ClientOptions{};
    Error err;
    if (!resolve_client_options(opts, err)) {
      err.message = std::string(fn) + ": " + err.message;
      set_last_error(err);
      return err.code;
    }
    *out = make_service_client(std::move(opts));
    return TINKER_OK;
  });
}

TINKER_API void tinker_service_client_free(tinker_service_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;  // the last handle on the context shuts the runtime down
    return 0;
  });
}

TINKER_API const char* tinker_service_client_session_id(const tinker_service_client_t* client) {
  return capi::guard_value<const char*>(nullptr, [&]() -> const char* {
    return client ? client->impl->context()->session_id_cstr() : nullptr;
  });
}

TINKER_API tinker_status_t tinker_service_client_create_rest_client(tinker_service_client_t* client,
                                                                   tinker_rest_client_t** out) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, client);
    *out = new tinker_rest_client{std::make_shared<RestClient>(client->impl->context())};
    return TINKER_OK;
  });
}

TINKER_API void tinker_rest_client_free(tinker_rest_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;
    return 0;
  });
}

}  // extern "C"
