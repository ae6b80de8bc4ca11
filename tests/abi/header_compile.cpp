// The public header in a strict C++ translation unit (abi_header_cxx17): extern "C" linkage,
// no C-only constructs, include guards (a module first, then the umbrella twice).
#include <tinker/training.h>
#include <tinker/tinker.h>
#include <tinker/tinker.h>

#include <type_traits>

static_assert(std::is_enum<tinker_status_t>::value, "tinker_status_t is an enum");
static_assert(TINKER_E_UNAUTHENTICATED == 16, "status numbers are frozen");

int tinker_abi_header_probe_cxx();
int tinker_abi_header_probe_cxx() {
  const char *(*version)(void) = &tinker_version_string;
  return version == nullptr ? 1 : 0;
}
