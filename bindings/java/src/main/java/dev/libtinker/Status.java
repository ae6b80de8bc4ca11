package dev.libtinker;

import dev.libtinker.raw.TinkerRaw;
import dev.libtinker.raw.tinker_status_t;

/** libtinker status codes (the numbers are frozen by tinker.h). */
public final class Status {
  private Status() {}

  public static final int OK = tinker_status_t.TINKER_OK;
  public static final int CANCELLED = tinker_status_t.TINKER_E_CANCELLED;
  public static final int UNKNOWN = tinker_status_t.TINKER_E_UNKNOWN;
  public static final int INVALID_ARGUMENT = tinker_status_t.TINKER_E_INVALID_ARGUMENT;
  public static final int DEADLINE_EXCEEDED = tinker_status_t.TINKER_E_DEADLINE_EXCEEDED;
  public static final int NOT_FOUND = tinker_status_t.TINKER_E_NOT_FOUND;
  public static final int ALREADY_EXISTS = tinker_status_t.TINKER_E_ALREADY_EXISTS;
  public static final int PERMISSION_DENIED = tinker_status_t.TINKER_E_PERMISSION_DENIED;
  public static final int RESOURCE_EXHAUSTED = tinker_status_t.TINKER_E_RESOURCE_EXHAUSTED;
  public static final int FAILED_PRECONDITION = tinker_status_t.TINKER_E_FAILED_PRECONDITION;
  public static final int ABORTED = tinker_status_t.TINKER_E_ABORTED;
  public static final int OUT_OF_RANGE = tinker_status_t.TINKER_E_OUT_OF_RANGE;
  public static final int UNIMPLEMENTED = tinker_status_t.TINKER_E_UNIMPLEMENTED;
  public static final int INTERNAL = tinker_status_t.TINKER_E_INTERNAL;
  public static final int UNAVAILABLE = tinker_status_t.TINKER_E_UNAVAILABLE;
  public static final int DATA_LOSS = tinker_status_t.TINKER_E_DATA_LOSS;
  public static final int UNAUTHENTICATED = tinker_status_t.TINKER_E_UNAUTHENTICATED;
  public static final int PENDING = tinker_status_t.TINKER_PENDING;
  public static final int TIMEOUT = tinker_status_t.TINKER_E_TIMEOUT;
  public static final int INTERRUPTED = tinker_status_t.TINKER_E_INTERRUPTED;
  public static final int REQUEST_FAILED = tinker_status_t.TINKER_E_REQUEST_FAILED;

  /** The constant name of a status, e.g. "TINKER_E_NOT_FOUND". */
  public static String name(int status) {
    Tinker.load();
    return TinkerRaw.tinker_status_str(status);
  }
}
