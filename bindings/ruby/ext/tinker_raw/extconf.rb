# frozen_string_literal: true

# Builds tinker_raw, the SWIG raw layer of the tinker gem, from the wrapper SWIG wrote when the
# gem was made (tinker_raw_wrap.cxx, shipped in the gem: no SWIG needed here), against the
# libtinker that pkg-config's tinker.pc describes.
require "mkmf"
require "shellwords"

unless pkg_config("tinker")
  abort <<~MSG
    tinker gem: libtinker was not found by pkg-config (no usable tinker.pc).
    Install libtinker's development files (Debian: libtinker-dev), or, for a libtinker installed
    under a prefix of its own, point PKG_CONFIG_PATH at its pkgconfig directory:
      PKG_CONFIG_PATH=/opt/libtinker/lib/pkgconfig gem install tinker-VERSION.gem
    (PKG_CONFIG_PATH is now #{ENV.fetch('PKG_CONFIG_PATH', '(unset)').inspect}; mkmf.log says more.)
  MSG
end

# A tinker.pc whose Cflags do not lead to the headers (a library package without its -dev files).
unless have_header("tinker/tinker.h")
  abort "tinker gem: tinker.pc was found, but not tinker/tinker.h with its Cflags " \
        "(#{pkg_config('tinker', 'cflags')}): are libtinker's development files installed?"
end

# The directories the dynamic loader searches without being told: its built-in ones, for the
# multiarch layout too. A directory listed in /etc/ld.so.conf is not among them: the loader finds
# libraries there only through its cache, which holds a newly installed library only after
# `ldconfig` ran.
def default_library_dir?(dir)
  multiarch = RbConfig::CONFIG["arch"].sub(/-linux.*\z/, "-linux-gnu")
  %w[/lib /usr/lib /lib64 /usr/lib64].flat_map { |d| [d, "#{d}/#{multiarch}"] }
                                     .select { |d| File.directory?(d) }
                                     .any? { |d| File.realpath(d) == dir }
end

# A libtinker outside those directories (a prefix such as /opt/libtinker or $HOME/.local) would
# link here but not load at run time (libtinker.so.0 not found when `require "tinker"` loads the
# extension): the extension gets a RUNPATH to it. The directory is pkg-config's -L, so it is the
# libtinker this build linked against; a directory pkg-config already gave an rpath for is left.
Shellwords.split(pkg_config("tinker", "libs-only-L").to_s).each do |flag|
  dir = flag.delete_prefix("-L")
  next unless File.directory?(dir)

  dir = File.realpath(dir)
  next if default_library_dir?(dir) || Dir.glob(File.join(dir, "libtinker.so*")).empty?
  next if $LDFLAGS.include?("-rpath,#{dir}")

  $LDFLAGS << " -Wl,-rpath,#{dir.shellescape}"
end

# The wrapper is C++17 (lambdas, templates). Ruby 3.1's headers declare ANYARGS functions that
# C++ reports as deprecated, on every line that calls one: noise a user installing the gem cannot
# act on. Only Init_tinker_raw needs to be visible (SWIG exports it explicitly).
$CXXFLAGS << " -std=c++17 -fvisibility=hidden -Wno-deprecated-declarations"

create_makefile("tinker_raw")
