# frozen_string_literal: true

# Tests that talk to a tinker-emulator call require_emulator first (in setup). CTest always runs
# them under tests/with_emulator.sh, which sets TINKER_BASE_URL; without it they FAIL, so that a
# broken run cannot pass by skipping everything. TINKER_SKIP_EMULATOR_TESTS=1 skips them instead,
# for a run that means to leave them out.
module EmulatorHelper
  def require_emulator
    return unless ENV["TINKER_BASE_URL"].to_s.empty?

    skip "TINKER_SKIP_EMULATOR_TESTS=1: no emulator" if ENV["TINKER_SKIP_EMULATOR_TESTS"] == "1"
    flunk "TINKER_BASE_URL is not set: run under tests/with_emulator.sh (as CTest does), " \
          "or set TINKER_SKIP_EMULATOR_TESTS=1 to skip the tests that need the emulator"
  end
end
