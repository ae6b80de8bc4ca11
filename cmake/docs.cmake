# `cmake --build BUILD --target docs`: the API reference of every language into BUILD/docs/
#   c/     Doxygen HTML of the public headers (docs_c)
#   go/    go doc of the module (docs_go)        ruby/  YARD HTML (docs_ruby)
#   java/  javadoc HTML (docs_java)
# Each part fails on a warning. A part whose tool or binding is missing is left out with a message
# at configure time, like the bindings themselves.
set(TINKER_DOCS_DIR ${PROJECT_BINARY_DIR}/docs)
add_custom_target(docs)
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  configure_file(${PROJECT_SOURCE_DIR}/docs/api/Doxyfile.in ${TINKER_DOCS_DIR}/Doxyfile @ONLY)
  add_custom_target(docs_c
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TINKER_DOCS_DIR}/c
    COMMAND ${DOXYGEN_EXECUTABLE} ${TINKER_DOCS_DIR}/Doxyfile
    COMMENT "Doxygen: C API reference in ${TINKER_DOCS_DIR}/c/html"
    VERBATIM)
  add_dependencies(docs docs_c)
else()
  message(STATUS "docs: doxygen not found; the C API reference is left out of `docs`")
endif()
foreach(part docs_go docs_ruby docs_java)
  if(TARGET ${part})
    add_dependencies(docs ${part})
  endif()
endforeach()
