/*
 * tinker.h — the C interface of libtinker, a client for the Tinker fine-tuning service.
 *
 * This header and the modules it includes are the specification. The modules, in order (each
 * also compiles on its own, and includes what it needs):
 *   tinker/common.h    export macro, version, status codes, the error record, tinker_free, and
 *                      every typedef (opaque handles, enums, callback types)
 *   tinker/options.h   client options
 *   tinker/future.h    futures, wait_all / wait_any, completion queues
 *   tinker/service.h   the service client: creation, S1–S4, S6, S7, sessions
 *   tinker/training.h  training inputs and builders, training client operations (T1–T12),
 *                      custom loss objects
 *   tinker/sampling.h  sampling retry settings, the sampling client
 *   tinker/rest.h      the REST client
 *   tinker/results.h   every result's getters, _to_json and _free; tinker_future_take_*
 *   tinker/tokenizer.h Hugging Face tokenizer.json files: encode, decode, vocabulary
 *
 * Conventions. They hold for every function; each declaration's comment adds what is its own
 * under "Ownership:", "Threads:", "Errors:" and "Since:".
 *
 *   Names. tinker_<noun>_<verb>. Each operation exists twice: a blocking call and an `_async`
 *   twin that returns a tinker_future_t; the blocking call is exactly "the _async call, wait,
 *   take".
 *
 *   Out-parameters come last: `T **out` (what most functions produce) and the other outputs
 *   (`*tag`, `*fd`, `*value`, `*length`, `*written`, `**tensor`, `**data` with `*count`). The ABI
 *   fixes two exceptions: constructors named `_new` take `**out` first (tinker_service_client_new
 *   and tinker_datum_new have parameters after it; every other _new has no other parameter), and
 *   tinker_future_wait_any takes `*index` first. A buffer the caller lends for the call to fill
 *   (`dst`, `capacity` of tinker_tensor_copy_to_*) is an input and comes before the outputs.
 *
 *   After a failure every pointer out-parameter (`T **out`, `**tensor`, `**data`) holds NULL.
 *   Other outputs (counts, values, tags, indexes) are set only on TINKER_OK unless the function
 *   says otherwise.
 *
 *   Status and the error record. Every fallible function returns tinker_status_t. Such a call
 *   first clears the calling thread's error record and, on failure, leaves the detail there
 *   (tinker_last_error(): code, message, category, HTTP status, request id, retryable). The
 *   record stays valid and unchanged until this thread's next call of a tinker_* function that
 *   returns tinker_status_t; the error getters (tinker_error_*, tinker_error_code included)
 *   never change it, so reading the message and then the code is fine. TINKER_PENDING,
 *   TINKER_E_TIMEOUT and TINKER_E_INTERRUPTED are answers, not failures: they may leave the
 *   record empty. Any status-returning function may also fail TINKER_E_RESOURCE_EXHAUSTED (out
 *   of memory) or TINKER_E_INTERNAL (a library bug); the Errors: part lists the rest.
 *   At the C boundary, TINKER_E_INVALID_ARGUMENT means a NULL where a value is required or a
 *   value out of bounds, found before anything starts.
 *
 *   Operations. An operation's outcome (the blocking call's status, or its future's final
 *   status) is TINKER_OK or, after the retry layers (docs/protocol.md §4.1, §4.2), one of "the
 *   operation statuses": TINKER_E_INVALID_ARGUMENT (its argument checks; HTTP 400/422),
 *   TINKER_E_UNAUTHENTICATED (401), TINKER_E_PERMISSION_DENIED (403), TINKER_E_NOT_FOUND (404),
 *   TINKER_E_ALREADY_EXISTS (409), TINKER_E_ABORTED (410 on retrieve_future),
 *   TINKER_E_RESOURCE_EXHAUSTED (429 after the budget; a response over its size limit),
 *   TINKER_E_FAILED_PRECONDITION (402, a TLS certificate that does not verify, a redirect, the
 *   runtime shut down), TINKER_E_UNAVAILABLE (network failure, 408/5xx after the retries),
 *   TINKER_E_REQUEST_FAILED (the server ran it and reported a failure), TINKER_E_DATA_LOSS (an
 *   answer that cannot be decoded or does not match the request), TINKER_E_DEADLINE_EXCEEDED
 *   (the client's default deadline passed), TINKER_E_CANCELLED (tinker_future_cancel or _free,
 *   or the last client handle freed), TINKER_E_UNKNOWN (an HTTP status without a mapping),
 *   TINKER_E_INTERNAL. Each operation's Errors: names those specific to it. An `_async` call
 *   itself fails only on what it checks before starting (its arguments; for
 *   _custom_finish_async the step's state); everything else ends the future.
 *
 *   Futures. tinker_future_wait(f, 0) and tinker_future_poll(f) agree once the future finished:
 *   both return its final status, and for a failed future both fill the calling thread's error
 *   record with the future's error. While it runs, poll returns TINKER_PENDING and wait(f, 0)
 *   returns TINKER_E_TIMEOUT. poll takes a const future; wait(f, 0) never blocks.
 *
 *   Getters (functions that return a value, not a status) never fail and never touch the error
 *   record. For a NULL handle or an index out of range they return, by return type: pointers
 *   (strings, arrays, borrowed objects) NULL; size_t counts 0; int flags (and the HTTP status)
 *   0; int64_t values -1; double NaN; enums the value named at the getter. Builder getters
 *   (tinker_*_get_*) return the default for a NULL builder. A string field the server left out
 *   reads "", not NULL. Exceptions today: tinker_error_message and tinker_error_request_id
 *   return "" for a NULL error.
 *
 *   Ownership. What a `T **out` receives is the caller's: free it with the matching _free, and
 *   JSON text received as `char **out` with tinker_free. A returned pointer is borrowed: valid
 *   while its owner lives (each getter names the owner); never free it. Arguments are copied or
 *   read before the call returns, except the large arrays builders borrow (training.h) and
 *   callbacks' `user_data`. Every _free accepts NULL; handles may be freed in any order, and
 *   futures may outlive their client.
 *
 *   Threads. Client handles (service, REST, training, sampling), futures and completion queues
 *   are thread-safe: any thread, at the same time as others; their _free must be the last call
 *   on the handle. Results are immutable: any thread may read one; _free last. Builders (client
 *   options, model inputs, datums, batches, loss-function configs, Adam parameters, LoRA configs,
 *   metadata, retry configs) and custom-loss steps are not synchronised: one thread at a time
 *   modifies one; several threads may read one (e.g. pass it to operations) while none modifies
 *   it. A custom loss callback's input and output are valid only inside that call. The error
 *   record is per thread. A blocking call or wait holds the calling thread: never make one
 *   inside the log callback (it runs on the IO thread the call needs); inside a completion
 *   callback it holds up that client's later callbacks. No function calls exit() or lets a C++
 *   exception escape.
 *
 * Compiles as C89, C99 and C++ (checked with -pedantic -Werror, the umbrella and each module
 * alone). SWIG parses the modules in this order (bindings/swig/tinker.i).
 */
#ifndef TINKER_H
#define TINKER_H

#include "tinker/common.h"
#include "tinker/options.h"
#include "tinker/future.h"
#include "tinker/service.h"
#include "tinker/training.h"
#include "tinker/sampling.h"
#include "tinker/rest.h"
#include "tinker/results.h"
#include "tinker/tokenizer.h"

#endif /* TINKER_H */
