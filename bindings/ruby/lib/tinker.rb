# frozen_string_literal: true

# Tinker: the Ruby binding of libtinker, the C client library of the Tinker fine-tuning service.
#
#   Tinker::ServiceClient.open(base_url: url, api_key: key) do |client|
#     client.health_check                                  # blocking (GVL released while waiting)
#     future = client.get_server_capabilities_async        # Tinker::Future
#     future.wait(5).models.map(&:name)                    # seconds; nil waits forever
#
#     trainer = client.create_lora_training_client("tinker-emulator/tiny-bigram", rank: 8)
#     data = [Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: { target_tokens: [2, 3], weights: [1, 1] })]
#     fb = trainer.forward_backward_async(data, "cross_entropy")
#     step = trainer.optim_step_async(learning_rate: 0.01) # runs after fb on the server
#     fb.wait.loss
#   end
#
# Training inputs and results are plain Ruby values (tinker/inputs.rb, tinker/results.rb); the
# training clients are in tinker/training_client.rb.
#
# Failures raise Tinker::Error subclasses (Tinker::UnauthenticatedError, ...), which carry
# #code, #category, #http_status, #request_id and #retryable?. The raw SWIG layer underneath is
# the `tinker_raw` extension, built from bindings/swig/tinker.i (see bindings/README.md).
require "tinker_raw"

module Tinker
  # The SWIG-generated functions, one per C function of tinker.h.
  Raw = ::Tinker_raw

  # The run-time version of libtinker, e.g. "0.1.0".
  def self.version
    Raw.tinker_version_string
  end

  CATEGORIES = %i[unknown user server].freeze

  # Base class of every libtinker failure.
  class Error < StandardError
    attr_reader :code, :category, :http_status, :request_id

    def initialize(message = nil, code: Raw::TINKER_E_UNKNOWN, category: :unknown, http_status: 0,
                   request_id: "", retryable: false)
      super(message || Raw.tinker_status_str(code))
      @code = code
      @category = category
      @http_status = http_status
      @request_id = request_id
      @retryable = retryable
    end

    # true when retrying the same operation later could succeed.
    def retryable?
      @retryable
    end

    # The status's constant name, e.g. "TINKER_E_NOT_FOUND".
    def status_name
      Raw.tinker_status_str(code)
    end

    # The same error with "context: " in front of its message (e.g. which datum was at fault).
    def with_context(context)
      copy = self.class.new("#{context}: #{message}", code: code, category: category, http_status: http_status,
                                                       request_id: request_id, retryable: retryable?)
      copy.set_backtrace(backtrace) if backtrace
      copy
    end
  end

  # One subclass per TINKER_E_* status, named after it (TINKER_E_NOT_FOUND -> NotFoundError),
  # derived from the raw layer's constants so that new statuses get a class without an edit here.
  ERROR_CLASSES = Raw.constants.grep(/\ATINKER_E_/).to_h do |const|
    name = const.to_s.delete_prefix("TINKER_E_").split("_").map(&:capitalize).join
    name = "#{name}Error" unless name.end_with?("Error")
    [Raw.const_get(const), const_set(name, Class.new(Error))]
  end.freeze

  # The exception class for a status code.
  def self.error_class(code)
    ERROR_CLASSES.fetch(code, Error)
  end

  # Called by the raw extension (inside the failing call's wrapper) to build the exception.
  def self.native_error(code, message, category, http_status, request_id, retryable)
    error_class(code).new(message, code: code, category: CATEGORIES.fetch(category, :unknown),
                                   http_status: http_status, request_id: request_id, retryable: retryable)
  end

  # The error a failed future owns (read from the future, not from a thread's last error).
  def self.future_error(future_ptr, status)
    e = Raw.tinker_future_error(future_ptr)
    return error_class(status).new(code: status) if e.nil?

    native_error(Raw.tinker_error_code(e), Raw.tinker_error_message(e), Raw.tinker_error_category(e),
                 Raw.tinker_error_http_status(e), Raw.tinker_error_request_id(e),
                 Raw.tinker_error_retryable(e) != 0)
  end

  # Bad input found on the Ruby side (before anything reaches libtinker): the same class, code and
  # category as libtinker's own answer to bad input (category :unknown, as no server judged it).
  def self.invalid_argument(message)
    InvalidArgumentError.new(message, code: Raw::TINKER_E_INVALID_ARGUMENT)
  end

  def self.cancelled_error
    CancelledError.new("cancelled", code: Raw::TINKER_E_CANCELLED)
  end

  def self.closed_error
    FailedPreconditionError.new("use of a closed libtinker handle", code: Raw::TINKER_E_FAILED_PRECONDITION,
                                                                    category: :user)
  end

  # Owns one native pointer. Calls borrow it through #use; #close waits until no call uses it and
  # then frees it once. A finalizer frees handles that were never closed (libtinker allows freeing
  # in any order, from any thread).
  class Handle
    def initialize(ptr, free_function)
      @ptr = ptr
      @free_function = free_function
      @lock = Mutex.new
      @idle = ConditionVariable.new
      @users = 0
      @closing = false
      ObjectSpace.define_finalizer(self, Handle.releaser(free_function, ptr))
    end

    def self.releaser(free_function, ptr)
      proc { Raw.public_send(free_function, ptr) }
    end

    def closing?
      @closing
    end

    def use
      ptr = @lock.synchronize do
        raise Tinker.closed_error if @closing

        @users += 1
        @ptr
      end
      begin
        yield ptr
      ensure
        @lock.synchronize do
          @users -= 1
          @idle.broadcast if @users.zero?
        end
      end
    end

    # Frees the pointer once no call uses it. The block (optional) ends blocking calls of other
    # threads (cancel a future, wake a queue); it is repeated while calls remain, because a queue
    # wakeup wakes one waiter at a time.
    def close
      ptr = @lock.synchronize do
        return nil if @closing

        @closing = true
        @ptr
      end
      @lock.synchronize do
        loop do
          yield ptr if block_given?
          break if @users.zero?

          @idle.wait(@lock, 0.05)
        end
      end
      ObjectSpace.undefine_finalizer(self)
      Raw.public_send(@free_function, ptr)
      @ptr = nil
    end
  end

  def self.monotonic_now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # Milliseconds left until deadline (nil: forever -> -1).
  def self.remaining_ms(deadline)
    return -1 if deadline.nil?

    [((deadline - monotonic_now) * 1000).ceil, 0].max
  end

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
    # Tinker::Error when it failed, Tinker::TimeoutError when the timeout passed first (the
    # operation keeps running; wait again later).
    def wait(timeout = nil)
      deadline = timeout && (Tinker.monotonic_now + timeout)
      @handle.use do |f|
        loop do
          status = Raw.tinker_future_wait(f, Tinker.remaining_ms(deadline))
          case status
          when Raw::TINKER_E_TIMEOUT
            raise TimeoutError.new("the operation is still running", code: status)
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

    # For CompletionQueue#add: the queue gets tag once this future finished.
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
            raise TimeoutError.new("the operation is still running", code: Raw::TINKER_E_TIMEOUT)
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

  # The blocking form of every operation: waits for the future, then frees it.
  def self.await(future, timeout)
    future.wait(timeout)
  ensure
    future.close
  end

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

    def close
      @handle.close { |q| Raw.tinker_completion_queue_wakeup(q) }
    end
  end

  Model = Struct.new(:name, :max_context_length)
  ServerCapabilities = Struct.new(:models, :json) do
    # Copies a native result into Ruby objects and frees it.
    def self.from_native(caps)
      models = Array.new(Raw.tinker_server_capabilities_model_count(caps)) do |i|
        Model.new(Raw.tinker_server_capabilities_model_name(caps, i),
                  Raw.tinker_server_capabilities_model_max_context_length(caps, i))
      end
      new(models, Raw.tinker_server_capabilities_to_json(caps))
    ensure
      Raw.tinker_server_capabilities_free(caps)
    end
  end

  # Builds a tinker_client_options_t from keywords: `name: value` calls
  # tinker_client_options_set_<name>; a Hash or Array value goes through
  # tinker_client_options_add_<name> (headers: {..} -> add_header, tags: [..] -> add_tag,
  # user_metadata: {..}). So every setter tinker.h has is a keyword, without an edit here.
  module Options
    def self.build(options)
      opts = Raw.tinker_client_options_new
      begin
        options.each { |name, value| apply(opts, name, value) }
        yield opts
      ensure
        Raw.tinker_client_options_free(opts)
      end
    end

    def self.apply(opts, name, value)
      setter = "tinker_client_options_set_#{name}"
      if Raw.respond_to?(setter) && !value.is_a?(Hash) && !value.is_a?(Array)
        value = 1 if value == true
        value = 0 if value == false
        return Raw.public_send(setter, opts, value)
      end

      adder = ["tinker_client_options_add_#{name.to_s.delete_suffix('s')}", "tinker_client_options_add_#{name}"]
              .find { |m| Raw.respond_to?(m) }
      raise ArgumentError, "unknown Tinker client option: #{name}" unless adder

      if value.is_a?(Hash)
        value.each { |k, v| Raw.public_send(adder, opts, k.to_s, v.to_s) }
      else
        Array(value).each { |v| Raw.public_send(adder, opts, v.to_s) }
      end
    end
  end

  # Defines the two methods of one operation of a client class that keeps its handle in @handle:
  # `name_async(...)`, which returns a Future, and the blocking `name(..., timeout: nil)`, which is
  # `name_async` + Future#wait (interruptible, GVL released). The block receives the native handle
  # and the method's arguments, converts them and starts the C operation, returning the native
  # future; without a block the arguments go as they are to <NATIVE_PREFIX>_<name>_async. `take`
  # turns the finished native future into the result (nil: the result is nil). Every operation of
  # every client goes through this one path.
  module Operations
    def operation(name, take: nil, &start)
      starter = :"start_#{name}"
      define_method(starter, &(start || default_start(name)))
      private starter
      define_method(:"#{name}_async") do |*args, **kwargs|
        Future.new(@handle.use { |h| __send__(starter, h, *args, **kwargs) }, &take)
      end
      define_method(name) do |*args, timeout: nil, **kwargs|
        Tinker.await(public_send(:"#{name}_async", *args, **kwargs), timeout)
      end
    end

    private

    def default_start(name)
      raw = :"#{self::NATIVE_PREFIX}_#{name}_async"
      proc { |handle, *args| Raw.public_send(raw, handle, *args) }
    end
  end

  # The entry point: owns the connection runtime shared by every client and future created from
  # it. Thread-safe. Keywords are client options (see Options), defaults come from the
  # environment (TINKER_BASE_URL, TINKER_API_KEY, ...).
  class ServiceClient
    extend Operations
    NATIVE_PREFIX = "tinker_service_client"

    def self.open(**options)
      client = new(**options)
      return client unless block_given?

      begin
        yield client
      ensure
        client.close
      end
    end

    def initialize(**options)
      ptr = Options.build(options) { |opts| Raw.tinker_service_client_new(opts) }
      @handle = Handle.new(ptr, :tinker_service_client_free)
    end

    # Releases the client; futures may outlive it (they then end cancelled). Idempotent.
    def close
      @handle.close
    end

    # GET /api/v1/healthz: returns true, raises when the server is not healthy.
    operation(:health_check, take: ->(_f) { true })

    # The models the server supports: a Tinker::ServerCapabilities.
    operation(:get_server_capabilities,
              take: ->(f) { ServerCapabilities.from_native(Raw.tinker_future_take_server_capabilities(f)) })
  end
end

require "tinker/inputs"
require "tinker/results"
require "tinker/training_client"
