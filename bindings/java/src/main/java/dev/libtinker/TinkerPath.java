package dev.libtinker;

import java.util.Objects;

/**
 * A checkpoint's {@code tinker://<training_run_id>/<kind>/<name>} path, split into its parts, where
 * the kind is {@code weights} (a training checkpoint, for {@code loadState}) or {@code
 * sampler_weights} (a sampler checkpoint, for sampling). libtinker's rules decide what is a path
 * ({@code tinker_path_parse}, {@code tinker_path_format}): it starts with {@code tinker://} and
 * has exactly three non-empty '/'-separated parts, so neither the run id nor the name contains
 * '/'; the run id may contain ':'. Anything else throws {@link TinkerException} with {@link
 * Status#INVALID_ARGUMENT}, before any request.
 *
 * <p>The REST operations name a checkpoint by its run id and its checkpoint id ({@code
 * restClient.deleteCheckpoint(p.trainingRunId(), p.checkpointId())}) or by the path itself (the
 * {@code ...FromTinkerPath} forms).
 *
 * @param trainingRunId the training run (model) id, e.g. "&lt;session&gt;:train:0"
 * @param checkpointType "training" (a weights/ path) or "sampler" (a sampler_weights/ path), as
 *     {@link CheckpointList.Checkpoint#checkpointType} says it
 * @param checkpointId the checkpoint's id within its run, "&lt;kind&gt;/&lt;name&gt;", as the REST
 *     operations take it
 * @param name the checkpoint's name, the last part
 */
public record TinkerPath(String trainingRunId, String checkpointType, String checkpointId, String name) {
  /**
   * Checks that the parts make one path: the constructor is public, and a value that could not
   * be formatted back would fail only later, far from where it was made.
   *
   * @param trainingRunId the training run's id
   * @param checkpointType "training" or "sampler"
   * @param checkpointId "&lt;kind&gt;/&lt;name&gt;"
   * @param name the checkpoint's name
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for parts that make no path
   */
  public TinkerPath {
    String kind = kindOf(checkpointType);
    if (checkpointId == null || !checkpointId.equals(kind + "/" + name)) {
      throw TinkerException.invalidArgument(
          "TinkerPath: checkpointId must be " + kind + "/<name> (\"" + kind + "/" + name + "\"), got "
              + (checkpointId == null ? "null" : "\"" + checkpointId + "\""));
    }
    try {
      format(trainingRunId, kind, name);
    } catch (TinkerException e) {
      // format's message names TinkerPath.format, which the caller did not call.
      String m = e.getMessage();
      throw TinkerException.invalidArgument("TinkerPath: " + m.substring(m.indexOf(": ") + 2));
    }
  }

  /**
   * Splits a checkpoint's path ({@code tinker_path_parse}); no I/O.
   *
   * @param path a tinker:// path
   * @return its parts
   * @throws NullPointerException for a null path
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for anything that is not a
   *     checkpoint's tinker:// path, the message saying why ("TinkerPath.parse: not a checkpoint's
   *     tinker:// path: it does not start with tinker://")
   */
  public static TinkerPath parse(String path) {
    Objects.requireNonNull(path, "path");
    Tinker.load();
    SWIGTYPE_p_tinker_parsed_path[] out = new SWIGTYPE_p_tinker_parsed_path[1];
    TinkerRaw.tinker_path_parse(path, out);
    try {
      return new TinkerPath(
          TinkerRaw.tinker_parsed_path_training_run_id(out[0]),
          TinkerRaw.tinker_parsed_path_checkpoint_type(out[0]),
          TinkerRaw.tinker_parsed_path_checkpoint_id(out[0]),
          TinkerRaw.tinker_parsed_path_name(out[0]));
    } finally {
      TinkerRaw.tinker_parsed_path_free(out[0]);
    }
  }

  /**
   * Makes {@code tinker://<trainingRunId>/<kind>/<name>} ({@code tinker_path_format}); no I/O.
   *
   * @param trainingRunId the training run's id
   * @param kind "weights" or "sampler_weights", or the checkpoint type "training" or "sampler"
   * @param name the checkpoint's name
   * @return the tinker:// path
   * @throws NullPointerException for a null part, naming it
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for an empty part, a run id or
   *     name with '/', or another kind
   */
  public static String format(String trainingRunId, String kind, String name) {
    Objects.requireNonNull(trainingRunId, "trainingRunId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Tinker.load();
    String[] out = new String[1];
    TinkerRaw.tinker_path_format(trainingRunId, kind, name, out);
    return out[0];
  }

  /**
   * The path's kind: "weights" or "sampler_weights".
   *
   * @return "weights" or "sampler_weights"
   */
  public String kind() {
    return kindOf(checkpointType);
  }

  /**
   * The tinker:// path these parts make.
   *
   * @return the path
   */
  public String path() {
    return format(trainingRunId, kind(), name);
  }

  /** The tinker:// path, as {@link #path}. */
  @Override
  public String toString() {
    return path();
  }

  private static String kindOf(String checkpointType) {
    if ("training".equals(checkpointType)) {
      return "weights";
    }
    if ("sampler".equals(checkpointType)) {
      return "sampler_weights";
    }
    throw TinkerException.invalidArgument(
        "TinkerPath: checkpointType must be training or sampler, got "
            + (checkpointType == null ? "null" : "\"" + checkpointType + "\""));
  }
}
