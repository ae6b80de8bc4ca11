#include "c_callers.h"

const char *c_status_str(int status) { return tinker_status_str((tinker_status_t)status); }

tinker_status_t c_set_wire_mode(tinker_client_options_t *options, int mode) {
  return tinker_client_options_set_wire_mode(options, (tinker_wire_mode_t)mode);
}

tinker_status_t c_set_log_callback(tinker_client_options_t *options, tinker_log_callback_t callback, int level) {
  return tinker_client_options_set_log_callback(options, callback, 0, (tinker_log_level_t)level);
}
