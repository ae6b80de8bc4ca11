package dev.libtinker;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text into plain Java values: objects become {@code Map<String, Object>} (in their
 * order), arrays {@code List<Object>}, strings {@code String}, numbers {@link BigDecimal}, true
 * and false {@code Boolean}, null null. Numbers stay exact decimals, so a float32 that libtinker
 * wrote in its shortest round-trip form reads back as the very same float ({@link #float32}).
 *
 * <p>For libtinker's JSON forms of results whose arrays the raw layer cannot copy out (see
 * {@link SampleResponse}); text that is not one JSON value throws {@link
 * IllegalArgumentException}.
 */
final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** The value {@code text} holds. */
  static Object parse(String text) {
    Json reader = new Json(text);
    Object value = reader.value();
    reader.skipSpace();
    if (reader.pos != text.length()) {
      throw reader.error("text after the value");
    }
    return value;
  }

  /**
   * The text of each element of the array that is member {@code name} of the object {@code text},
   * exactly as written there (a listed result's part of its list's JSON); empty when the object has
   * no such member.
   */
  static List<String> elementTexts(String text, String name) {
    Json reader = new Json(text);
    if (reader.next() != '{') {
      throw reader.error("an object expected");
    }
    reader.pos++;
    if (reader.next() == '}') {
      return List.of();
    }
    while (true) {
      if (reader.next() != '"') {
        throw reader.error("a member name expected");
      }
      String member = reader.string();
      reader.expect(':');
      if (member.equals(name)) {
        if (reader.next() != '[') {
          throw reader.error(name + " is not an array");
        }
        return reader.elementTexts();
      }
      reader.value(); // another member: read past it
      if (reader.next() == ',') {
        reader.pos++;
      } else {
        reader.expect('}');
        return List.of();
      }
    }
  }

  // ---- typed access, each naming what it read in its error ----------------------------------

  /** {@code value} as an object; {@code what} names it in the error. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value, String what) {
    if (value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw new IllegalArgumentException(what + " is not an object");
  }

  /** {@code value} as an array; {@code what} names it in the error. */
  @SuppressWarnings("unchecked")
  static List<Object> array(Object value, String what) {
    if (value instanceof List) {
      return (List<Object>) value;
    }
    throw new IllegalArgumentException(what + " is not an array");
  }

  /** {@code value} as the float32 it was written from (correctly rounded). */
  static float float32(Object value, String what) {
    return number(value, what).floatValue();
  }

  /** {@code value} as an int32 (a whole number in range). */
  static int int32(Object value, String what) {
    try {
      return number(value, what).intValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is not an int32: " + value, e);
    }
  }

  private static BigDecimal number(Object value, String what) {
    if (value instanceof BigDecimal) {
      return (BigDecimal) value;
    }
    throw new IllegalArgumentException(what + " is not a number: " + value);
  }

  // ---- the reader ---------------------------------------------------------------------------

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("a value expected");
    }
    return switch (text.charAt(pos)) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    Map<String, Object> members = new LinkedHashMap<>();
    pos++; // '{'
    if (next() == '}') {
      pos++;
      return members;
    }
    while (true) {
      if (next() != '"') {
        throw error("a member name expected");
      }
      String name = string();
      expect(':');
      members.put(name, value());
      if (next() == ',') {
        pos++;
      } else {
        expect('}');
        return members;
      }
    }
  }

  private List<Object> array() {
    List<Object> items = new ArrayList<>();
    pos++; // '['
    if (next() == ']') {
      pos++;
      return items;
    }
    while (true) {
      items.add(value());
      if (next() == ',') {
        pos++;
      } else {
        expect(']');
        return items;
      }
    }
  }

  /** The text of each element of the array at {@code pos}. */
  private List<String> elementTexts() {
    List<String> items = new ArrayList<>();
    pos++; // '['
    if (next() == ']') {
      pos++;
      return items;
    }
    while (true) {
      skipSpace();
      int start = pos;
      value();
      items.add(text.substring(start, pos));
      if (next() == ',') {
        pos++;
      } else {
        expect(']');
        return items;
      }
    }
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    pos++; // '"'
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw error("a bad escape \\" + e);
      }
    }
    throw error("an unterminated string");
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("a short \\u escape");
    }
    try {
      char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
      pos += 4;
      return c;
    } catch (NumberFormatException e) {
      throw error("a bad \\u escape");
    }
  }

  private BigDecimal number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a value expected");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("a value expected");
    }
    pos += word.length();
    return value;
  }

  /** The next character that is not white space (0 at the end). */
  private char next() {
    skipSpace();
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("'" + c + "' expected");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("JSON: " + problem + " at offset " + pos);
  }
}
