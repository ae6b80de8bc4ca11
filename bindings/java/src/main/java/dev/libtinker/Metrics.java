package dev.libtinker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies a result's borrowed metrics ("name:reduction" → value) into a Java map. */
final class Metrics {
  private Metrics() {}

  static Map<String, Double> copyOf(SWIGTYPE_p_tinker_metrics metrics) {
    LinkedHashMap<String, Double> map = new LinkedHashMap<>();
    long n = TinkerRaw.tinker_metrics_count(metrics);
    for (long i = 0; i < n; i++) {
      map.put(TinkerRaw.tinker_metrics_name(metrics, i), TinkerRaw.tinker_metrics_value(metrics, i));
    }
    return Collections.unmodifiableMap(map);
  }
}
