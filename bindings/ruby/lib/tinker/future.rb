# frozen_string_literal: true

module Tinker
  # A running libtinker operation. #wait blocks with the GVL released; Thread#raise, Thread#kill,
  # Timeout and Ctrl-C interrupt it at once. Close it when done (closing a pending future cancels
  # it); the finalizer frees it otherwise. Tinker has no server-side cancel: a request the server
  # already accepted may still run there.
  class Future
    # take: turns the finished native future into the Ruby result.
    def initialize(ptr, &take)
      @handle = Handle.new(ptr, :tinker_future_free)
      @take = take
      @lock = Mutex.new
      @taken = false
    end

    # TINKER_PENDING while running, else the final status. Never blocks.
    def poll
      @handle.use { |f| Raw.tinker_future_poll(f) }
    end

    def done?
      poll != Raw::TINKER_PENDING
    end

    # Waits up to timeout seconds (nil: forever) and returns the result. Raises the operation's
    # Tinker::Error when it failed, Tinker::TimeoutError (a ::Timeout::Error) when the timeout
    # passed first (the operation keeps running; wait again later).
    def wait(timeout = nil)
      deadline = timeout && (Tinker.monotonic_now + timeout)
      @handle.use do |f|
        loop do
          status = Raw.tinker_future_wait(f, Tinker.remaining_ms(deadline))
          case status
          when Raw::TINKER_E_TIMEOUT
            raise Tinker.timeout_error(timeout, cancelled: false)
          when Raw::TINKER_E_INTERRUPTED # another thread's interrupt woke this wait
            raise Tinker.closed_error if @handle.closing?
          else
            break
          end
        end
      end
      result
    end
    alias value wait

    # Stops local work; the future then ends cancelled unless it already finished. Idempotent.
    def cancel
      @handle.use { |f| Raw.tinker_future_cancel(f) }
      self
    end

    def close
      @handle.close { |f| Raw.tinker_future_cancel(f) }
    end

    # "#<Tinker::Future pending>", "... done", "... cancelled", "... failed (TINKER_E_NOT_FOUND)"
    # or "... closed". Never blocks.
    def inspect
      "#<#{self.class.name} #{Tinker.future_state(self)}>"
    end

    # For CompletionQueue#add: the queue gets tag once this future finished.
    # @api private
    def report_to(queue, tag)
      @handle.use { |f| queue.with_native { |q| Raw.tinker_future_set_completion_queue(f, q, tag) } }
      self
    end

    private

    def result
      @lock.synchronize do
        unless @taken
          @handle.use do |f|
            status = Raw.tinker_future_poll(f)
            if status == Raw::TINKER_OK
              begin
                @value = @take ? @take.call(f) : nil
              rescue Error => e
                @error = e
              end
            else
              @error = Tinker.future_error(f, status)
            end
          end
          @taken = true
        end
      end
      raise @error if @error

      @value
    end
  end

  # The state word of Future#inspect.
  # @api private
  def self.future_state(future)
    case (status = future.poll)
    when Raw::TINKER_PENDING then "pending"
    when Raw::TINKER_OK then "done"
    when Raw::TINKER_E_CANCELLED then "cancelled"
    else "failed (#{Raw.tinker_status_str(status)})"
    end
  rescue Error
    "closed"
  end

  # The blocking form of every operation: waits for the future, then frees it (which cancels it
  # when the wait ended first: its TimeoutError says so).
  # @api private
  def self.await(future, timeout)
    future.wait(timeout)
  rescue TimeoutError
    raise Tinker.timeout_error(timeout, cancelled: true)
  ensure
    future.close
  end
end
