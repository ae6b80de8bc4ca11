package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_error;
import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.TinkerRaw;
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
    UNKNOWN,
    USER,
    SERVER;

    static Category of(int value) {
      Category[] all = values();
      return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
  }

  private final int code;
  private final Category category;
  private final int httpStatus;
  private final String requestId;
  private final boolean retryable;

  public TinkerException(
      int code, String message, Category category, int httpStatus, String requestId, boolean retryable) {
    super(message);
    this.code = code;
    this.category = category;
    this.httpStatus = httpStatus;
    this.requestId = requestId == null ? "" : requestId;
    this.retryable = retryable;
  }

  /** The status code (see {@link Status}). */
  public int code() {
    return code;
  }

  /** The status's constant name, e.g. "TINKER_E_UNAUTHENTICATED". */
  public String statusName() {
    return Status.name(code);
  }

  public Category category() {
    return category;
  }

  /** The HTTP status of the response that caused the error, 0 when none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The Tinker request (future) id, "" when none. */
  public String requestId() {
    return requestId;
  }

  /** True when retrying the same operation later could succeed. */
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
    return new TinkerException(
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
      return new TinkerException(status, Status.name(status), Category.UNKNOWN, 0, "", false);
    }
    return new TinkerException(
        TinkerRaw.tinker_error_code(e),
        TinkerRaw.tinker_error_message(e),
        Category.of(TinkerRaw.tinker_error_category(e)),
        TinkerRaw.tinker_error_http_status(e),
        TinkerRaw.tinker_error_request_id(e),
        TinkerRaw.tinker_error_retryable(e) != 0);
  }

  /** This failure with {@code where} before its message, e.g. which input of a call was bad. */
  TinkerException within(String where) {
    TinkerException e = new TinkerException(code, where + ": " + getMessage(), category, httpStatus, requestId, retryable);
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
