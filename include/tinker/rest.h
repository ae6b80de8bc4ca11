/*
 * tinker/rest.h — the REST management client (checkpoints, runs, sessions). It is created by
 * tinker_service_client_create_rest_client (service.h, S6) and shares that client's runtime.
 * Part of <tinker/tinker.h>, whose conventions apply.
 *
 * A REST client is thread-safe; tinker_rest_client_free must be the last call on it.
 */
#ifndef TINKER_REST_H
#define TINKER_REST_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Releases a REST client (see tinker_service_client_free for the last-handle rule).
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_rest_client_free(tinker_rest_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_REST_H */
