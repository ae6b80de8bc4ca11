package dev.libtinker;


/**
 * libtinker status codes (the numbers are frozen by tinker.h). {@link TinkerException#code}
 * gives one; {@link #value} is the C number, {@link #cName} the C constant's name.
 */
public enum Status {
  OK(tinker_status_t.TINKER_OK),
  CANCELLED(tinker_status_t.TINKER_E_CANCELLED),
  UNKNOWN(tinker_status_t.TINKER_E_UNKNOWN),
  INVALID_ARGUMENT(tinker_status_t.TINKER_E_INVALID_ARGUMENT),
  DEADLINE_EXCEEDED(tinker_status_t.TINKER_E_DEADLINE_EXCEEDED),
  NOT_FOUND(tinker_status_t.TINKER_E_NOT_FOUND),
  ALREADY_EXISTS(tinker_status_t.TINKER_E_ALREADY_EXISTS),
  PERMISSION_DENIED(tinker_status_t.TINKER_E_PERMISSION_DENIED),
  RESOURCE_EXHAUSTED(tinker_status_t.TINKER_E_RESOURCE_EXHAUSTED),
  FAILED_PRECONDITION(tinker_status_t.TINKER_E_FAILED_PRECONDITION),
  ABORTED(tinker_status_t.TINKER_E_ABORTED),
  OUT_OF_RANGE(tinker_status_t.TINKER_E_OUT_OF_RANGE),
  UNIMPLEMENTED(tinker_status_t.TINKER_E_UNIMPLEMENTED),
  INTERNAL(tinker_status_t.TINKER_E_INTERNAL),
  UNAVAILABLE(tinker_status_t.TINKER_E_UNAVAILABLE),
  DATA_LOSS(tinker_status_t.TINKER_E_DATA_LOSS),
  UNAUTHENTICATED(tinker_status_t.TINKER_E_UNAUTHENTICATED),
  PENDING(tinker_status_t.TINKER_PENDING),
  TIMEOUT(tinker_status_t.TINKER_E_TIMEOUT),
  INTERRUPTED(tinker_status_t.TINKER_E_INTERRUPTED),
  REQUEST_FAILED(tinker_status_t.TINKER_E_REQUEST_FAILED);

  private final int value;

  Status(int value) {
    this.value = value;
  }

  /** The C number (tinker_status_t). */
  public int value() {
    return value;
  }

  /** The C constant's name, e.g. "TINKER_E_NOT_FOUND". */
  public String cName() {
    return name(value);
  }

  /** The status with C number {@code value}; {@link #UNKNOWN} for a number this version does not know. */
  public static Status of(int value) {
    for (Status s : values()) {
      if (s.value == value) {
        return s;
      }
    }
    return UNKNOWN;
  }

  /** The C constant name of a status number, e.g. "TINKER_E_NOT_FOUND". */
  public static String name(int status) {
    Tinker.load();
    return TinkerRaw.tinker_status_str(status);
  }
}
