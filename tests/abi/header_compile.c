/* The umbrella header, included twice (include guards), in a strict C translation unit. Built by
 * the abi_header_c89 / abi_header_c99 tests with -pedantic -Werror. A module included before the
 * umbrella must not clash with it (each typedef is declared once, in common.h); each module alone
 * is header_module.c's test. */
#include <tinker/results.h>
#include <tinker/tinker.h>
#include <tinker/tinker.h>

/* Touch each kind of declaration so that an unused-but-broken one still gets compiled. */
int tinker_abi_header_probe(void);
int tinker_abi_header_probe(void) {
  tinker_status_t status = TINKER_OK;
  tinker_error_category_t category = TINKER_ERROR_CATEGORY_UNKNOWN;
  tinker_future_t *future = NULL;
  tinker_future_callback_t callback = NULL;
  (void)future;
  (void)callback;
  return (int)status + (int)category + (TINKER_VERSION_NUMBER > 0 ? 0 : 1);
}
