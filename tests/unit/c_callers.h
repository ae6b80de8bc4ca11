/* Calls into the C API made from C, where any int may be passed as an enum argument (as C
 * programs, FFIs and SWIG bindings do). Doing the same from C++ would be undefined behaviour
 * in the test itself. */
#ifndef TINKER_UNIT_C_CALLERS_H
#define TINKER_UNIT_C_CALLERS_H

#include "tinker/tinker.h"

#ifdef __cplusplus
extern "C" {
#endif

const char *c_status_str(int status);
tinker_status_t c_set_wire_mode(tinker_client_options_t *options, int mode);
tinker_status_t c_set_log_callback(tinker_client_options_t *options, tinker_log_callback_t callback, int level);

#ifdef __cplusplus
}
#endif

#endif
