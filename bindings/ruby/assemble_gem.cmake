# Lays out the tinker gem's tree (cmake -P, run by bindings/ruby/CMakeLists.txt before `gem build`):
#   TREE/tinker.gemspec
#   TREE/lib/               the hand-written layer (SOURCE/lib), the Ruby generated from the
#                           registry (GENERATED) and lib/tinker/version.rb (VERSION_RB)
#   TREE/ext/tinker_raw/    extconf.rb and the SWIG wrapper (WRAPPER)
# The tree is made afresh each time, so that a file removed from the sources leaves the gem too.
foreach(var TREE SOURCE GENERATED VERSION_RB WRAPPER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "assemble_gem.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${TREE})
file(COPY ${SOURCE}/lib DESTINATION ${TREE} FILES_MATCHING PATTERN "*.rb")
file(COPY ${GENERATED}/ DESTINATION ${TREE}/lib FILES_MATCHING PATTERN "*.rb")
file(COPY ${VERSION_RB} DESTINATION ${TREE}/lib/tinker)
file(COPY ${SOURCE}/ext/tinker_raw/extconf.rb ${WRAPPER} DESTINATION ${TREE}/ext/tinker_raw)
file(COPY ${SOURCE}/tinker.gemspec DESTINATION ${TREE})
