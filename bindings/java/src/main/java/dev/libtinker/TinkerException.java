package dev.libtinker;

import java.nio.charset.StandardCharsets;

/**
 * A failed libtinker call or operation. Thrown by the raw layer itself (the JNI wrapper reads
 * the failing call's error record on the same thread and throws this), and by futures whose
 * operation failed.
 */
public class TinkerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Who is to blame for a failure. */
  public enum Category {
    /** libtinker could not tell. */
    UNKNOWN,
    /** The request was wrong (bad argument, unknown model, missing permission): do not retry it as is. */
    USER,
    /** The server or the network failed. */
    SERVER;

    static Category of(int value) {
      Category[] all = values();
      return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
  }

  /** The C number: one this version does not know stays visible. */
  private final int code;
  /** Who is to blame. */
  private final Category category;
  /** The HTTP status, 0 when none. */
  private final int httpStatus;
  /** The Tinker request id, "" when none. */
  private final String requestId;
  /** Whether trying again later could succeed. */
  private final boolean retryable;
  /** The registry C function the message is about (its Java method names it), or null. */
  private final String cFunction;

  /**
   * A failure made in Java (the binding's own checks; an interrupted wait).
   *
   * @param code the status
   * @param message what failed, naming the method
   * @param category who is to blame
   * @param httpStatus the HTTP status, 0 when none
   * @param requestId the Tinker request id, "" or null when none
   * @param retryable whether trying again later could succeed
   */
  public TinkerException(
      Status code, String message, Category category, int httpStatus, String requestId, boolean retryable) {
    this(code.value(), message, category, httpStatus, requestId, retryable, null);
  }

  private TinkerException(
      int code,
      String message,
      Category category,
      int httpStatus,
      String requestId,
      boolean retryable,
      String cFunction) {
    super(message);
    this.code = code;
    this.category = category;
    this.httpStatus = httpStatus;
    this.requestId = requestId == null ? "" : requestId;
    this.retryable = retryable;
    this.cFunction = cFunction;
  }

  /**
   * libtinker's message names the C function that failed ("tinker_training_client_save_state_async:
   * name is NULL"); a registry function's is replaced by its Java method
   * ("TrainingClient.saveStateAsync: name is NULL", CFunctionNames).
   */
  private static TinkerException named(
      int code, String message, Category category, int httpStatus, String requestId, boolean retryable) {
    int colon = message.indexOf(": ");
    String javaName = colon > 0 ? CFunctionNames.javaName(message.substring(0, colon)) : null;
    if (javaName == null) {
      return new TinkerException(code, message, category, httpStatus, requestId, retryable, null);
    }
    return new TinkerException(
        code, javaName + message.substring(colon), category, httpStatus, requestId, retryable,
        message.substring(0, colon));
  }

  /**
   * This failure named after C function {@code to}'s Java method when it is about {@code from}: a
   * Java method built on another one (a blocking method on its async form) names itself.
   */
  TinkerException calledAs(String from, String to) {
    return from.equals(cFunction) ? calledAs(to) : this;
  }

  /** This failure, if it names a registry function, named after C function {@code to}'s Java method. */
  TinkerException calledAs(String to) {
    String javaName = CFunctionNames.javaName(to);
    if (cFunction == null || javaName == null) {
      return this;
    }
    String message = getMessage();
    TinkerException e =
        new TinkerException(
            code, javaName + message.substring(message.indexOf(": ")), category, httpStatus, requestId,
            retryable, to);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /**
   * The status.
   *
   * @return its constant; {@link Status#UNKNOWN} for a number this version does not know
   */
  public Status code() {
    return Status.of(code);
  }

  /**
   * The status's C number, as libtinker reported it.
   *
   * @return the tinker_status_t value
   */
  public int codeValue() {
    return code;
  }

  /**
   * The status's C constant name.
   *
   * @return e.g. "TINKER_E_UNAUTHENTICATED"
   */
  public String statusName() {
    return Status.name(code);
  }

  /**
   * Who is to blame for the failure.
   *
   * @return the user, the server, or unknown
   */
  public Category category() {
    return category;
  }

  /**
   * The HTTP status of the response that caused the error.
   *
   * @return the status, 0 when none
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The Tinker request (future) id.
   *
   * @return the id, "" when none
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Whether retrying the same operation later could succeed.
   *
   * @return true when it could
   */
  public boolean isRetryable() {
    return retryable;
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + statusName() + ": " + getMessage();
  }

  /** Called from the JNI wrappers (bindings/swig/tinker.i); strings arrive as UTF-8. */
  static TinkerException fromNative(
      int code, byte[] message, int category, int httpStatus, byte[] requestId, boolean retryable) {
    return named(
        code,
        new String(message, StandardCharsets.UTF_8),
        Category.of(category),
        httpStatus,
        new String(requestId, StandardCharsets.UTF_8),
        retryable);
  }

  /** The error a failed future owns (not a thread's last error, so any thread may read it). */
  static TinkerException fromFuture(SWIGTYPE_p_tinker_future future, int status) {
    SWIGTYPE_p_tinker_error e = TinkerRaw.tinker_future_error(future);
    if (e == null) {
      return new TinkerException(status, Status.name(status), Category.UNKNOWN, 0, "", false, null);
    }
    return named(
        TinkerRaw.tinker_error_code(e),
        TinkerRaw.tinker_error_message(e),
        Category.of(TinkerRaw.tinker_error_category(e)),
        TinkerRaw.tinker_error_http_status(e),
        TinkerRaw.tinker_error_request_id(e),
        TinkerRaw.tinker_error_retryable(e) != 0);
  }

  /** This failure with {@code where} before its message, e.g. which input of a call was bad. */
  TinkerException within(String where) {
    TinkerException e =
        new TinkerException(code, where + ": " + getMessage(), category, httpStatus, requestId, retryable, null);
    e.initCause(this);
    return e;
  }

  /** Bad input found on the Java side, before anything was sent. */
  static TinkerException invalidArgument(String message) {
    return new TinkerException(Status.INVALID_ARGUMENT, message, Category.USER, 0, "", false);
  }

  static TinkerException closed() {
    return new TinkerException(
        Status.FAILED_PRECONDITION, "use of a closed libtinker handle", Category.USER, 0, "", false);
  }
}
