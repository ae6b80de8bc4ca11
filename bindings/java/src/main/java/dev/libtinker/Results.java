package dev.libtinker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small conversions of result getters' values shared by the generated result records. */
final class Results {
  private Results() {}

  /** A getter's -1 (the server did not say), 0 or 1 as null, false or true. */
  static Boolean optionalBoolean(int value) {
    return value < 0 ? null : value != 0;
  }

  /**
   * Each of the {@code count} items' part of a list's JSON: the elements of its array member
   * {@code name} (libtinker writes the list's JSON from the same result, so the two agree).
   */
  static List<String> itemJson(String listJson, String name, long count) {
    List<String> items = Json.elementTexts(listJson, name);
    if (items.size() != count) {
      throw new IllegalStateException(
          "the JSON of the list has " + items.size() + " items in \"" + name + "\", the result " + count);
    }
    return items;
  }

  /** A result's borrowed string map copied into an unmodifiable map, in its (key) order. */
  static Map<String, String> stringMap(SWIGTYPE_p_tinker_metadata map) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>();
    for (long i = 0, n = TinkerRaw.tinker_metadata_count(map); i < n; i++) {
      copy.put(TinkerRaw.tinker_metadata_key(map, i), TinkerRaw.tinker_metadata_value(map, i));
    }
    return Collections.unmodifiableMap(copy);
  }
}
