# frozen_string_literal: true

module Tinker
  # A future in two native stages with Ruby code between them (forward_backward_custom's loss
  # function), driven by a worker thread that starts at once: it waits for the first stage (GVL
  # released), hands its value to the block given to new, which starts the second stage through
  # the gate it receives, then waits for that stage. The future reports the whole chain: #poll,
  # #done?, #wait and a CompletionQueue see it finished only once the worker settled it (second
  # stage finished, or something failed). Whatever ends the worker (a failed stage, an exception
  # of the block, Thread#raise) becomes the future's error, raised again by every wait.
  class ChainedFuture < Future
    WORKER_NAME = "tinker chained future"

    # continuation: (value, start) -> anything; start.call { a Future } starts the second stage
    # and returns it, or raises Tinker::CancelledError when #cancel came first (the block never
    # runs then). The continuation does not run when #cancel came before the first stage's value;
    # the value is closed afterwards in every case when it responds to close. No super: the
    # stages own the native futures.
    def initialize(first, &continuation)
      @lock = Mutex.new
      @settled = ConditionVariable.new
      @stage = first # the stage in flight, which #cancel cancels; nil once settled
      @cancelled = false
      @closed = false
      @outcome = nil # [value, nil] or [nil, exception] once settled
      @reporter = nil # once settled: a finished stage, attached to a CompletionQueue to report
      @registration = nil # [queue, tag] of CompletionQueue#add
      Thread.new { run(first, continuation) }
    end

    def poll
      @lock.synchronize do
        raise Tinker.closed_error if @closed
        return Raw::TINKER_PENDING unless @outcome

        error = @outcome[1]
        return Raw::TINKER_OK unless error

        error.is_a?(Error) ? error.code : Raw::TINKER_E_UNKNOWN
      end
    end

    # As Future#wait; the timeout covers both stages and the block between them. Closing the
    # future wakes waiting threads with the closed-handle error.
    def wait(timeout = nil)
      deadline = timeout && (Tinker.monotonic_now + timeout)
      value, error = @lock.synchronize do
        loop do
          raise Tinker.closed_error if @closed
          break @outcome if @outcome

          remaining = deadline && (deadline - Tinker.monotonic_now)
          if remaining && remaining <= 0
            raise Tinker.timeout_error(timeout, cancelled: false)
          end

          @settled.wait(@lock, remaining)
        end
      end
      raise error if error

      value
    end
    alias value wait

    # Before the second stage started: it never starts, and the future ends cancelled once the
    # worker notices (at once during the first stage, after the block returns while it runs).
    # After: cancels the second stage. Idempotent.
    def cancel
      @lock.synchronize do
        raise Tinker.closed_error if @closed

        cancel_locked
      end
      self
    end

    # Cancels (see #cancel) and releases the future without waiting for the worker, which frees
    # what it still holds when it ends.
    def close
      reporter = @lock.synchronize do
        return nil if @closed

        @closed = true
        cancel_locked
        @settled.broadcast
        @reporter.tap { @reporter = nil }
      end
      reporter&.close
      nil
    end

    # @api private
    def report_to(queue, tag)
      reporter = @lock.synchronize do
        raise Tinker.closed_error if @closed
        if @registration
          raise FailedPreconditionError.new("future already has a completion queue",
                                            code: Raw::TINKER_E_FAILED_PRECONDITION, category: :user)
        end

        @registration = [queue, tag]
        @reporter # nil while running: the worker reports when it settles
      end
      reporter&.report_to(queue, tag)
      self
    end

    private

    def cancel_locked
      @cancelled = true
      @stage&.cancel
    end

    # The worker's body. Any exception, and Thread#kill (through the ensure), settles the future.
    def run(first, continuation)
      Thread.current.name = WORKER_NAME
      Thread.current.report_on_exception = false
      stages = [first]
      outcome = nil
      begin
        value = first.wait
        begin
          @lock.synchronize { raise Tinker.cancelled_error if @cancelled }
          continuation.call(value, ->(&starter) { start_stage(stages, &starter) })
        ensure
          value.close if value.respond_to?(:close)
        end
        raise Error, "the continuation started no second stage" if stages.size < 2

        outcome = [stages.last.wait, nil]
      rescue Exception => e # any exception: the future must end, and its waits raise it
        outcome = [nil, e]
      end
    ensure
      settle(outcome, stages)
    end

    def start_stage(stages)
      @lock.synchronize do
        raise Tinker.cancelled_error if @cancelled

        stages << yield
        @stage = stages.last
      end
    end

    # Publishes the outcome, frees the stages except the last (kept to report to a queue), and
    # reports to the queue registered meanwhile. The queue learns of the future only after its
    # outcome is visible, so poll/wait agree with the tag.
    def settle(outcome, stages)
      outcome ||= [nil, AbortedError.new("the worker thread was killed", code: Raw::TINKER_E_ABORTED)]
      reporter = stages.last
      reporter.cancel # a no-op once it finished; it must have, to report at once
      registration = nil
      kept = @lock.synchronize do
        @stage = nil
        @outcome = outcome
        @settled.broadcast
        registration = @registration
        @reporter = reporter unless @closed
      end
      stages.each { |stage| stage.close unless stage.equal?(kept) }
      report(kept, registration) if kept && registration
    end

    def report(stage, registration)
      stage.report_to(*registration)
    rescue Error
      nil # the queue or this future was closed meanwhile: there is nobody to report to
    end
  end
end
