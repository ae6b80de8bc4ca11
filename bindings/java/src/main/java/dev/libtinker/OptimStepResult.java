package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_optim_step_result;
import dev.libtinker.raw.TinkerRaw;
import java.util.Map;

/** The result of an optimizer step: its metrics (e.g. "grad_norm:mean"). A plain Java value. */
public final class OptimStepResult {
  private final Map<String, Double> metrics;
  private final String json;

  private OptimStepResult(Map<String, Double> metrics, String json) {
    this.metrics = metrics;
    this.json = json;
  }

  /** The metrics by name (unmodifiable; empty when the server sent none). */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /** The server's answer as JSON, for logging. */
  public String json() {
    return json;
  }

  static OptimStepResult take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_optim_step_result[] out = new SWIGTYPE_p_tinker_optim_step_result[1];
    TinkerRaw.tinker_future_take_optim_step_result(future, out);
    try {
      String[] json = new String[1];
      TinkerRaw.tinker_optim_step_result_to_json(out[0], json);
      return new OptimStepResult(Metrics.copyOf(TinkerRaw.tinker_optim_step_result_metrics(out[0])), json[0]);
    } finally {
      TinkerRaw.tinker_optim_step_result_free(out[0]);
    }
  }

  @Override
  public String toString() {
    return "OptimStepResult" + metrics;
  }
}
