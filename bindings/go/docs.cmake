# Writes the API reference of libtinker.dev/tinker as text (cmake -P, run in the assembled module
# by the docs_go target with the hermetic Go environment): -DGO=<go> -DOUT=<file>.
# A failing `go doc`, or one that complains on stderr, fails the target.
execute_process(COMMAND ${GO} doc -all .
                OUTPUT_FILE ${OUT}.tmp ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "go doc -all failed (${rc}): ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
