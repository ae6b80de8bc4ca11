# frozen_string_literal: true

# The load-time version check (lib/tinker/version_check.rb) with fabricated version numbers, and
# that the loaded libtinker passed it.
require "minitest/autorun"
require "tinker"

class VersionCheckTest < Minitest::Test
  BUILT_FOR = 10_203 # 1.2.3

  def test_same_version_is_accepted
    assert_nil Tinker.check_library_version(BUILT_FOR, BUILT_FOR)
  end

  def test_newer_patch_or_minor_of_the_same_major_is_accepted
    assert_nil Tinker.check_library_version(10_204, BUILT_FOR)
    assert_nil Tinker.check_library_version(10_300, BUILT_FOR)
    assert_nil Tinker.check_library_version(19_999, BUILT_FOR)
  end

  def test_older_library_is_refused_naming_both_versions
    error = assert_raises(LoadError) { Tinker.check_library_version(10_202, BUILT_FOR) }
    assert_includes error.message, "libtinker 1.2.2"
    assert_includes error.message, "1.2.3 or newer"
    error = assert_raises(LoadError) { Tinker.check_library_version(10_100, BUILT_FOR) }
    assert_includes error.message, "libtinker 1.1.0"
  end

  def test_other_major_version_is_refused_either_way
    error = assert_raises(LoadError) { Tinker.check_library_version(20_000, BUILT_FOR) }
    assert_includes error.message, "needs libtinker 1.x"
    assert_includes error.message, "loaded libtinker 2.0.0"
    assert_raises(LoadError) { Tinker.check_library_version(203, BUILT_FOR) }
  end

  def test_major_zero_counts_like_any_major
    assert_nil Tinker.check_library_version(105, 100)
    assert_raises(LoadError) { Tinker.check_library_version(99, 100) }
    assert_raises(LoadError) { Tinker.check_library_version(10_000, 100) }
  end

  def test_loaded_library_passed_the_check
    assert_operator Tinker.version_number, :>=, Tinker::GEM_VERSION_NUMBER
    assert_equal Tinker::GEM_VERSION_NUMBER / 10_000, Tinker.version_number / 10_000
    assert_equal Tinker.version, Tinker.send(:version_text, Tinker.version_number)
  end
end
