# Stages the module as it is shipped and lays out a GOPROXY file tree for it (cmake -P; run by
# bindings/go/CMakeLists.txt after the module built).
#
#   -DMODULE_DIR=<the assembled module>  -DSTAGE=<dir>  -DPROXY=<dir>  -DMODULE=libtinker.dev/tinker
#   -DVERSION=v0.1.0
#
# STAGE/<MODULE>@<VERSION>/ receives exactly the files users get: go.mod, the non-test Go sources
# (hand-written, generated, examples) and internal/raw with SWIG's C++ wrapper; no *_test.go, no
# bench/ (a measuring program for this repository), nothing else. The install rules copy this
# directory, and the proxy's zip holds the same files, so the two never disagree.
#
# PROXY/<MODULE>/@v/ gets list, <VERSION>.info, <VERSION>.mod and <VERSION>.zip, the layout a
# GOPROXY=file://... URL serves (`go help goproxy`); the zip's entries are <MODULE>@<VERSION>/...
foreach(v MODULE_DIR STAGE PROXY MODULE VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "dist.cmake: ${v} is not set")
  endif()
endforeach()

set(root ${MODULE}@${VERSION})
file(REMOVE_RECURSE ${STAGE})
file(GLOB_RECURSE files RELATIVE ${MODULE_DIR} ${MODULE_DIR}/*)
set(shipped)
foreach(f ${files})
  if(f STREQUAL "go.mod" OR (f MATCHES "\\.go$" AND NOT f MATCHES "_test\\.go$")
     OR f MATCHES "^internal/raw/[^/]+\\.cxx$")
    if(NOT f MATCHES "^bench/")
      list(APPEND shipped ${root}/${f})
      configure_file(${MODULE_DIR}/${f} ${STAGE}/${root}/${f} COPYONLY)
    endif()
  endif()
endforeach()
list(SORT shipped)

set(at ${PROXY}/${MODULE}/@v)
file(REMOVE_RECURSE ${at})
file(MAKE_DIRECTORY ${at})
# Entries are files only, in a fixed order, with a fixed time, so the zip (and the hash go.sum
# records for it) depends on the content alone; SOURCE_DATE_EPOCH sets the time if given.
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  string(TIMESTAMP when "%Y-%m-%dT%H:%M:%SZ" UTC)
  string(TIMESTAMP mtime "%Y-%m-%d %H:%M:%S UTC" UTC)
else()
  set(when "2026-01-01T00:00:00Z")
  set(mtime "2026-01-01 00:00:00 UTC")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar cf ${at}/${VERSION}.zip --format=zip "--mtime=${mtime}" ${shipped}
                WORKING_DIRECTORY ${STAGE} COMMAND_ERROR_IS_FATAL ANY)
configure_file(${MODULE_DIR}/go.mod ${at}/${VERSION}.mod COPYONLY)
file(WRITE ${at}/${VERSION}.info "{\"Version\":\"${VERSION}\",\"Time\":\"${when}\"}\n")
file(WRITE ${at}/list "${VERSION}\n")
