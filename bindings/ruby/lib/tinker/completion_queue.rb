# frozen_string_literal: true

module Tinker
  # Reports finished futures by tag, so that one thread can drain many futures.
  class CompletionQueue
    def initialize
      @handle = Handle.new(Raw.tinker_completion_queue_new, :tinker_completion_queue_free)
    end

    # Attaches a future: its tag comes out of #next once it finishes (at once if it already has).
    def add(future, tag)
      future.report_to(self, tag)
      self
    end

    # For Future#report_to.
    # @api private
    def with_native(&block)
      @handle.use(&block)
    end

    # The tag of the next finished future; nil when timeout (seconds; nil: forever) passes first.
    def next(timeout = nil)
      deadline = timeout && (Tinker.monotonic_now + timeout)
      @handle.use do |q|
        loop do
          status, tag = Raw.tinker_completion_queue_next(q, Tinker.remaining_ms(deadline))
          case status
          when Raw::TINKER_OK then return tag
          when Raw::TINKER_E_TIMEOUT then return nil
          when Raw::TINKER_E_INTERRUPTED then raise Tinker.closed_error if @handle.closing?
          else raise Tinker.error_class(status).new(code: status)
          end
        end
      end
    end

    # "#<Tinker::CompletionQueue>" (or "... closed")
    def inspect
      Tinker.inspect_object(self, @handle)
    end

    def close
      @handle.close { |q| Raw.tinker_completion_queue_wakeup(q) }
    end
  end
end
