# Debian packages (CPack, `cpack -G DEB` in the build directory; tests/install/check_debs.sh):
#   libtinker0       the shared library (SONAME libtinker.so.0)
#   libtinker-dev    headers, the libtinker.so link, tinker.pc and the CMake package
#   tinker-emulator  the local Tinker-compatible server
#   tinker           the command-line tool
# and, for each binding that was built (its install component exists):
#   golang-libtinker-dev  the Go module's source (/usr/share/gocode/src/libtinker.dev/tinker)
#   libtinker-ruby        the Ruby gem, for `gem install` (/usr/share/libtinker/ruby)
#   libtinker-java        the jar, its sources, javadoc and pom (/usr/share/java), the JNI library
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
get_cmake_property(tinker_install_components COMPONENTS)
foreach(binding Go Ruby Java)
  if(binding IN_LIST tinker_install_components)
    list(APPEND CPACK_COMPONENTS_ALL ${binding})
  endif()
endforeach()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libtinker${TINKER_SOVERSION})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: shared library\n A stable C ABI for training, sampling and REST operations, blocking and asynchronous.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libtinker-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
# tinker.pc's Requires.private: pkg-config reads those modules' files even for a shared link.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
    "libtinker${TINKER_SOVERSION} (= ${PROJECT_VERSION}), libcurl4-openssl-dev | libcurl-dev, libcjson-dev, libzstd-dev, libpcre2-dev, libutf8proc-dev")
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

# The bindings compile against libtinker at the user's (cgo, the gem's extconf.rb) except Java's
# JNI library, which is built here and linked to libtinker0.
set(tinker_dev_exact "libtinker-dev (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_GO_PACKAGE_NAME golang-libtinker-dev)
set(CPACK_DEBIAN_GO_PACKAGE_SECTION golang)
set(CPACK_DEBIAN_GO_PACKAGE_DEPENDS "${tinker_dev_exact}, pkg-config, g++")
set(CPACK_DEBIAN_GO_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: Go module\n The module libtinker.dev/tinker (cgo over libtinker; needs no SWIG).")

set(CPACK_DEBIAN_RUBY_PACKAGE_NAME libtinker-ruby)
set(CPACK_DEBIAN_RUBY_PACKAGE_SECTION ruby)
set(CPACK_DEBIAN_RUBY_PACKAGE_DEPENDS "${tinker_dev_exact}, ruby-dev, pkg-config, g++")
set(CPACK_DEBIAN_RUBY_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: Ruby gem\n The gem \"tinker\" to install with `gem install`; its extension builds against libtinker.")

set(CPACK_DEBIAN_JAVA_PACKAGE_NAME libtinker-java)
set(CPACK_DEBIAN_JAVA_PACKAGE_SECTION java)
# Written by hand for the reason the tool's are (libtinker0 is not installed while this is made).
set(CPACK_DEBIAN_JAVA_PACKAGE_DEPENDS
    "libtinker${TINKER_SOVERSION} (= ${PROJECT_VERSION}), libc6 (>= 2.34), libstdc++6 (>= 12), default-jre-headless | java17-runtime-headless")
set(CPACK_DEBIAN_JAVA_DESCRIPTION
    "Client SDK for the Tinker fine-tuning service: Java library\n The jar dev.libtinker:libtinker with its JNI library, sources, javadoc and pom.")

include(CPack)
