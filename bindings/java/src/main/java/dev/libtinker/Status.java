package dev.libtinker;

/**
 * libtinker status codes (the numbers are frozen by tinker.h). {@link TinkerException#code}
 * gives one; {@link #value} is the C number, {@link #cName} the C constant's name.
 */
public enum Status {
  /** Success (never thrown). */
  OK(tinker_status_t.TINKER_OK),
  /** The operation was cancelled (a future's cancel, a closed client, an interrupt). */
  CANCELLED(tinker_status_t.TINKER_E_CANCELLED),
  /** An error with no better code, or a number this version does not know. */
  UNKNOWN(tinker_status_t.TINKER_E_UNKNOWN),
  /** An argument libtinker or the server refuses; the message names it. */
  INVALID_ARGUMENT(tinker_status_t.TINKER_E_INVALID_ARGUMENT),
  /** The client's deadline for the operation passed. */
  DEADLINE_EXCEEDED(tinker_status_t.TINKER_E_DEADLINE_EXCEEDED),
  /** What the call names does not exist (HTTP 404). */
  NOT_FOUND(tinker_status_t.TINKER_E_NOT_FOUND),
  /** What the call would create exists already (HTTP 409). */
  ALREADY_EXISTS(tinker_status_t.TINKER_E_ALREADY_EXISTS),
  /** The API key may not do this (HTTP 403). */
  PERMISSION_DENIED(tinker_status_t.TINKER_E_PERMISSION_DENIED),
  /** A limit was reached (rate limit, capacity, a size limit). */
  RESOURCE_EXHAUSTED(tinker_status_t.TINKER_E_RESOURCE_EXHAUSTED),
  /** The call does not fit the object's state (a closed handle, a used step). */
  FAILED_PRECONDITION(tinker_status_t.TINKER_E_FAILED_PRECONDITION),
  /** The operation was abandoned (a conflict, or its worker ended). */
  ABORTED(tinker_status_t.TINKER_E_ABORTED),
  /** An index or value outside the valid range. */
  OUT_OF_RANGE(tinker_status_t.TINKER_E_OUT_OF_RANGE),
  /** The server or this library does not offer the operation. */
  UNIMPLEMENTED(tinker_status_t.TINKER_E_UNIMPLEMENTED),
  /** A bug in libtinker or the server. */
  INTERNAL(tinker_status_t.TINKER_E_INTERNAL),
  /** The server cannot be reached or is overloaded; retrying may help. */
  UNAVAILABLE(tinker_status_t.TINKER_E_UNAVAILABLE),
  /** A response was lost or corrupted. */
  DATA_LOSS(tinker_status_t.TINKER_E_DATA_LOSS),
  /** No valid API key (HTTP 401). */
  UNAUTHENTICATED(tinker_status_t.TINKER_E_UNAUTHENTICATED),
  /** The operation has not finished yet (a poll's answer, never thrown). */
  PENDING(tinker_status_t.TINKER_PENDING),
  /** A wait ended before the operation finished. */
  TIMEOUT(tinker_status_t.TINKER_E_TIMEOUT),
  /** A wait was interrupted. */
  INTERRUPTED(tinker_status_t.TINKER_E_INTERRUPTED),
  /** The server refused the request; the message is the server's. */
  REQUEST_FAILED(tinker_status_t.TINKER_E_REQUEST_FAILED);

  private final int value;

  Status(int value) {
    this.value = value;
  }

  /**
   * The C number.
   *
   * @return the tinker_status_t value
   */
  public int value() {
    return value;
  }

  /**
   * The C constant's name.
   *
   * @return e.g. "TINKER_E_NOT_FOUND"
   */
  public String cName() {
    return name(value);
  }

  /**
   * The status with a C number.
   *
   * @param value a tinker_status_t value
   * @return its constant; {@link #UNKNOWN} for a number this version does not know
   */
  public static Status of(int value) {
    for (Status s : values()) {
      if (s.value == value) {
        return s;
      }
    }
    return UNKNOWN;
  }

  /**
   * The C constant name of a status number (libtinker's {@code tinker_status_str}).
   *
   * @param status a tinker_status_t value
   * @return e.g. "TINKER_E_NOT_FOUND"
   */
  public static String name(int status) {
    Tinker.load();
    return TinkerRaw.tinker_status_str(status);
  }
}
