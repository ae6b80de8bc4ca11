# frozen_string_literal: true

# Tinker::Error and its subclasses, and how a libtinker failure becomes one: messages name Ruby
# methods, not the C functions behind them.
require "timeout"

module Tinker
  CATEGORIES = %i[unknown user server].freeze
  private_constant :CATEGORIES

  # What every libtinker failure carries (#code, #category, #http_status, #request_id,
  # #retryable?) and how its message is rewritten; shared by Tinker::Error and
  # Tinker::TimeoutError, which is a ::Timeout::Error instead.
  # @api private
  module ErrorDetails
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
    # without_function: the libtinker function the message starts with, if any
    # ("tinker_datum_add_tensor_int64: "), is dropped (the context says what was at fault).
    def with_context(context, without_function: false)
      text = without_function ? message.sub(/\Atinker_\w+: /, "") : message
      with_message("#{context}: #{text}")
    end

    # The same error naming `method` (e.g. "TrainingClient#save_state") at the start of its
    # message: an operation method's name already there is replaced, so that the message names
    # the method the caller called, once.
    def named(method)
      head, rest = message.split(": ", 2)
      with_message("#{method}: #{rest && OPERATION_METHODS.include?(head) ? rest : message}")
    end

    private

    # The same error with its message replaced.
    def with_message(text)
      copy = self.class.new(text, code: code, category: category, http_status: http_status,
                                  request_id: request_id, retryable: retryable?)
      copy.set_backtrace(backtrace) if backtrace
      copy
    end
  end
  private_constant :ErrorDetails

  # Base class of every libtinker failure. `rescue Tinker::Error` also catches
  # Tinker::TimeoutError, which is a ::Timeout::Error (see there).
  class Error < StandardError
    include ErrorDetails

    # Makes `rescue Tinker::Error` (and case/when) match Tinker::TimeoutError too, which cannot
    # be a subclass: Ruby has single inheritance, and it is a ::Timeout::Error.
    def self.===(other)
      super || (equal?(Error) && other.is_a?(TimeoutError))
    end
  end

  # A wait that did not finish in time (TINKER_E_TIMEOUT): a ::Timeout::Error, so that
  # `rescue Timeout::Error` catches it like Timeout.timeout's own, and caught by
  # `rescue Tinker::Error` as well (Error.===); it has the same #code, #category, ... as every
  # Tinker::Error. (`is_a?(Tinker::Error)` is false: test with `Tinker::Error === e`.)
  class TimeoutError < ::Timeout::Error
    include ErrorDetails
  end

  # One subclass per TINKER_E_* status, named after it (TINKER_E_NOT_FOUND -> NotFoundError),
  # derived from the raw layer's constants so that new statuses get a class without an edit here.
  ERROR_CLASSES = Raw.constants.grep(/\ATINKER_E_/).to_h do |const|
    name = const.to_s.delete_prefix("TINKER_E_").split("_").map(&:capitalize).join
    name = "#{name}Error" unless name.end_with?("Error")
    [Raw.const_get(const), const_defined?(name, false) ? const_get(name, false) : const_set(name, Class.new(Error))]
  end.freeze
  private_constant :ERROR_CLASSES

  # The exception class for a status code.
  def self.error_class(code)
    ERROR_CLASSES.fetch(code, Error)
  end

  # Called by the raw extension (inside the failing call's wrapper) to build the exception.
  # @api private
  def self.native_error(code, message, category, http_status, request_id, retryable)
    error_class(code).new(ruby_message(message), code: code, category: CATEGORIES.fetch(category, :unknown),
                                                 http_status: http_status, request_id: request_id,
                                                 retryable: retryable)
  end

  # A libtinker message with the C function it starts with replaced by the Ruby method that
  # calls it (C_FUNCTION_METHODS, generated from the registry).
  # @api private
  def self.ruby_message(message)
    function, rest = message.split(": ", 2)
    method = rest && C_FUNCTION_METHODS[function]
    method ? "#{method}: #{rest}" : message
  end

  # The error a failed future owns (read from the future, not from a thread's last error).
  # @api private
  def self.future_error(future_ptr, status)
    e = Raw.tinker_future_error(future_ptr)
    return error_class(status).new(code: status) if e.nil?

    native_error(Raw.tinker_error_code(e), Raw.tinker_error_message(e), Raw.tinker_error_category(e),
                 Raw.tinker_error_http_status(e), Raw.tinker_error_request_id(e),
                 Raw.tinker_error_retryable(e) != 0)
  end

  # Runs the block; a Tinker::Error it raises is raised again naming `method` (Error#named).
  # @api private
  def self.naming(method)
    yield
  rescue Error => e
    raise e.named(method)
  end

  # Bad input found on the Ruby side (before anything reaches libtinker): the same class, code and
  # category as libtinker's own answer to bad input (category :unknown, as no server judged it).
  # @api private
  def self.invalid_argument(message)
    InvalidArgumentError.new(message, code: Raw::TINKER_E_INVALID_ARGUMENT)
  end

  # The TimeoutError of a wait for one operation that lasted `timeout` seconds. `cancelled`: the
  # blocking form, which cancels the operation when its wait ends; else (Future#wait) the
  # operation goes on and may be waited for again.
  # @api private
  def self.timeout_error(timeout, cancelled:)
    what = "the operation did not finish within #{timeout} s"
    text = if cancelled
             "#{what}; it was cancelled here (a request the server already accepted may still run there)"
           else
             "#{what} and is still running (wait again, or cancel or close the future)"
           end
    TimeoutError.new(text, code: Raw::TINKER_E_TIMEOUT)
  end

  # @api private
  def self.cancelled_error
    CancelledError.new("cancelled", code: Raw::TINKER_E_CANCELLED)
  end

  # @api private
  def self.closed_error
    FailedPreconditionError.new("use of a closed libtinker handle", code: Raw::TINKER_E_FAILED_PRECONDITION,
                                                                    category: :user)
  end
end
