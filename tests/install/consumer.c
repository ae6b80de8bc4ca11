/* A consumer of an installed libtinker: built once through find_package(tinker) and once
   through pkg-config by tests/install/check_install.sh. */
#include <stdio.h>
#include <string.h>

#include <tinker/tinker.h>

int main(void) {
  if (strcmp(tinker_version_string(), TINKER_VERSION_STRING) != 0) {
    fprintf(stderr, "header says %s, library says %s\n", TINKER_VERSION_STRING, tinker_version_string());
    return 1;
  }
  printf("libtinker %s\n", tinker_version_string());
  return 0;
}
