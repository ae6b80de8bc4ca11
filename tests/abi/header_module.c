/* One public header on its own, included twice (include guard), in a strict translation unit.
 * Built once per header of include/tinker/ by the abi_header_<module>_{c89,c99,cxx17} tests
 * (-DTINKER_ABI_HEADER=<tinker/MODULE.h>; as C++ with -x c++), as libgit2's tests/headertest
 * does: every module must include what it needs. */
#include TINKER_ABI_HEADER
#include TINKER_ABI_HEADER

/* Every module brings common.h with it: the status codes and the export macro. */
int tinker_abi_module_probe(void);
int tinker_abi_module_probe(void) {
  tinker_status_t status = TINKER_OK;
  return (int)status;
}
