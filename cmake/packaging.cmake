# Debian packages (CPack, `cpack -G DEB` in the build directory; tests/install/check_debs.sh):
#   libtinker0       the shared library (SONAME libtinker.so.0)
#   libtinker-dev    headers, the libtinker.so link, tinker.pc and the CMake package
#   tinker-emulator  the local Tinker-compatible server
#   tinker           the command-line tool
# Dependencies on system libraries come from dpkg-shlibdeps. The tool's on libtinker0 is written
# here: dpkg-shlibdeps resolves a library only from an installed package or the package being
# built, and libtinker0 is neither while the tool's package is made.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tinker)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Client SDK for the Tinker fine-tuning service")
set(CPACK_PACKAGE_CONTACT "libtinker developers")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Runtime Development Emulator Cli)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libtinker${TINKER_SOVERSION})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: shared library\n A stable C ABI for training, sampling and REST operations, blocking and asynchronous.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libtinker-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libtinker${TINKER_SOVERSION} (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: development files\n Headers, pkg-config file and CMake package of libtinker.")

set(CPACK_DEBIAN_EMULATOR_PACKAGE_NAME tinker-emulator)
set(CPACK_DEBIAN_EMULATOR_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_EMULATOR_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_EMULATOR_DESCRIPTION
    "Local Tinker-compatible server with a tiny real model\n Runs training, sampling and REST operations offline, for development and tests.")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME tinker)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS
    "libtinker${TINKER_SOVERSION} (= ${PROJECT_VERSION}), libcurl4 (>= 7.88), zlib1g (>= 1:1.2), libc6 (>= 2.34)")
set(CPACK_DEBIAN_CLI_DESCRIPTION
    "Command-line tool for the Tinker fine-tuning service\n Lists training runs and checkpoints, downloads, publishes and deletes checkpoints, exports traces and billing usage.")

include(CPack)
