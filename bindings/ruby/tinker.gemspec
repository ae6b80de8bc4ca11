# frozen_string_literal: true

# The tinker gem. It is built from the tree CMake assembles in <build>/bindings/ruby/gem (see
# bindings/ruby/CMakeLists.txt), not from the source directory: there lib/ holds the hand-written
# layer together with the Ruby generated from the registry and lib/tinker/version.rb, and
# ext/tinker_raw/ the SWIG wrapper beside extconf.rb, so installing the gem needs a C++ compiler
# and libtinker's development files, but no SWIG.
require_relative "lib/tinker/version"

Gem::Specification.new do |spec|
  spec.name = "tinker"
  spec.version = Tinker::GEM_VERSION
  spec.summary = "Ruby binding of libtinker, the client library of the Tinker fine-tuning service"
  spec.description = <<~TEXT
    Training, sampling and REST operations of the Tinker fine-tuning service, blocking and
    asynchronous (Tinker::Future), through libtinker's C API. Needs libtinker #{spec.version.segments.first}.x,
    #{spec.version} or newer, found with pkg-config when the gem is installed.
  TEXT
  spec.authors = ["libtinker developers"]
  spec.required_ruby_version = ">= 3.1"
  spec.requirements = ["libtinker #{spec.version} or newer of the same major version (pkg-config: tinker)",
                       "a C++17 compiler"]

  spec.files = Dir.glob("lib/**/*.rb") + Dir.glob("ext/tinker_raw/*.{rb,cxx}")
  spec.extensions = ["ext/tinker_raw/extconf.rb"]
  spec.require_paths = ["lib"]
end
