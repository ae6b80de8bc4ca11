# frozen_string_literal: true

# The tests run against the tinker gem as installed (CTest: `gem install` into the build tree,
# GEM_HOME set, no -I or RUBYLIB): check that this is what was loaded, extension included.
require "minitest/autorun"
require "tinker"

class GemTest < Minitest::Test
  def gems_dir
    dir = ENV.fetch("TINKER_RUBY_GEMS", "")
    skip "TINKER_RUBY_GEMS is not set: not run by CTest against the build's gem" if dir.empty?
    File.realpath(dir)
  end

  def test_tinker_is_loaded_from_the_installed_gem
    spec = Gem.loaded_specs.fetch("tinker")
    assert_equal Tinker::GEM_VERSION, spec.version.to_s
    assert File.realpath(spec.full_gem_path).start_with?("#{gems_dir}/"), spec.full_gem_path
    assert_empty $LOAD_PATH.grep(%r{bindings/ruby/lib\z}), "the source tree is on the load path"
  end

  def test_the_extension_is_the_one_the_gem_built
    raw = $LOADED_FEATURES.grep(%r{/tinker_raw\.so\z})
    assert_equal 1, raw.size, raw.inspect
    assert File.realpath(raw.first).start_with?("#{gems_dir}/"), raw.first
  end

  def test_gem_version_is_the_library_version_it_was_made_for
    assert_match(/\A\d+\.\d+\.\d+\z/, Tinker::GEM_VERSION)
    major, minor, patch = Tinker::GEM_VERSION.split(".").map(&:to_i)
    assert_equal major * 10_000 + minor * 100 + patch, Tinker::GEM_VERSION_NUMBER
  end
end
