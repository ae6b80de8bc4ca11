# frozen_string_literal: true

# Tinker: the Ruby binding of libtinker, the C client library of the Tinker fine-tuning service.
#
#   Tinker::ServiceClient.open(base_url: url, api_key: key) do |client|
#     client.health_check                                  # blocking (GVL released while waiting)
#     future = client.get_server_capabilities_async        # Tinker::Future
#     future.wait(5).models.map(&:name)                    # seconds; nil waits forever
#   end
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

    # For CompletionQueue#add.
    def with_native(&block)
      @handle.use(&block)
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

  # Reports finished futures by tag, so that one thread can drain many futures.
  class CompletionQueue
    def initialize
      @handle = Handle.new(Raw.tinker_completion_queue_new, :tinker_completion_queue_free)
    end

    # Attaches a future: its tag comes out of #next once it finishes (at once if it already has).
    def add(future, tag)
      future.with_native do |f|
        @handle.use { |q| Raw.tinker_future_set_completion_queue(f, q, tag) }
      end
      self
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

  # The entry point: owns the connection runtime shared by every client and future created from
  # it. Thread-safe. Keywords are client options (see Options), defaults come from the
  # environment (TINKER_BASE_URL, TINKER_API_KEY, ...).
  class ServiceClient
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

    # Defines `name_async(*args)` -> Future and the blocking `name(*args, timeout: nil)` for the
    # C pair tinker_service_client_<name>[_async]. The block turns a finished native future into
    # the result. Every operation goes through this one path.
    def self.operation(name, &take)
      async = :"tinker_service_client_#{name}_async"
      define_method(:"#{name}_async") do |*args|
        Future.new(@handle.use { |c| Raw.public_send(async, c, *args) }, &take)
      end
      define_method(name) do |*args, timeout: nil|
        future = public_send(:"#{name}_async", *args)
        begin
          future.wait(timeout)
        ensure
          future.close
        end
      end
    end

    # GET /api/v1/healthz: returns true, raises when the server is not healthy.
    operation(:health_check) { |_f| true }

    # The models the server supports: a Tinker::ServerCapabilities.
    operation(:get_server_capabilities) do |f|
      ServerCapabilities.from_native(Raw.tinker_future_take_server_capabilities(f))
    end
  end
end
