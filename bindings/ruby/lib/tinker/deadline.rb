# frozen_string_literal: true

# Deadlines of the waits: seconds on the monotonic clock, handed to libtinker as milliseconds.
module Tinker
  # @api private
  def self.monotonic_now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # Milliseconds left until deadline (nil: forever -> -1).
  # @api private
  def self.remaining_ms(deadline)
    return -1 if deadline.nil?

    [((deadline - monotonic_now) * 1000).ceil, 0].max
  end
end
