package dev.libtinker;

/** Small conversions of result getters' values shared by the generated result records. */
final class Results {
  private Results() {}

  /** A getter's -1 (the server did not say), 0 or 1 as null, false or true. */
  static Boolean optionalBoolean(int value) {
    return value < 0 ? null : value != 0;
  }
}
