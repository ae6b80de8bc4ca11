# frozen_string_literal: true

# The load-time check that the libtinker found at run time can serve this gem. The gem's wrapper
# calls every function of the headers it was generated from: an older library may lack some (or
# behave differently), and another major version is another ABI. A newer minor or patch release
# of the same major version only adds, so it is accepted.
module Tinker
  # Raises LoadError unless libtinker `runtime` (a tinker_version_number(), MAJOR * 10000 +
  # MINOR * 100 + PATCH) has the same major version as `built_for` and is not older.
  # @api private
  def self.check_library_version(runtime, built_for)
    return if runtime / 10_000 == built_for / 10_000 && runtime >= built_for

    raise LoadError, "the tinker gem #{version_text(built_for)} needs libtinker " \
                     "#{built_for / 10_000}.x, #{version_text(built_for)} or newer, but loaded " \
                     "libtinker #{version_text(runtime)} (install a matching libtinker, or " \
                     "reinstall the gem of that version)"
  end

  # "1.2.3" from 10203.
  # @api private
  def self.version_text(number)
    "#{number / 10_000}.#{number / 100 % 100}.#{number % 100}"
  end
  private_class_method :version_text
end
