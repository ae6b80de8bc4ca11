package tinker

import (
	"libtinker.dev/tinker/internal/raw"
)

// TinkerPath is a checkpoint's tinker:// path in its parts:
// tinker://<TrainingRunID>/<kind>/<Name>, where kind is "weights" (a training checkpoint, for
// LoadState) or "sampler_weights" (a sampler checkpoint, for sampling).
type TinkerPath struct {
	// TrainingRunID is the run's id, its TrainingClient.ModelID(); it may contain ':'.
	TrainingRunID string
	// CheckpointType is "training" (a weights/ path) or "sampler" (a sampler_weights/ path), as in
	// Checkpoint.CheckpointType.
	CheckpointType string
	// CheckpointID is "<kind>/<name>", as RestClient.DeleteCheckpoint, PublishCheckpoint and
	// UnpublishCheckpoint take it.
	CheckpointID string
	// Name is the checkpoint's name (the last part, no '/').
	Name string
}

// ParseTinkerPath splits a checkpoint's tinker:// path into its parts, without any I/O. A path
// that does not start with tinker://, has other than three '/'-separated parts, an empty part,
// another kind than weights or sampler_weights, or a NUL byte fails with StatusInvalidArgument
// and a message that says which ("ParseTinkerPath: not a checkpoint's tinker:// path: ...").
func ParseTinkerPath(path string) (TinkerPath, error) {
	const method = "ParseTinkerPath"
	if _, err := cString(path, "path"); err != nil {
		return TinkerPath{}, within(method, err)
	}
	var p uintptr
	if err := raw.Tinker_path_parse(path, &p); err != nil {
		return TinkerPath{}, fromRawAs(err, method)
	}
	parsed := raw.SwigcptrTinker_parsed_path(p)
	defer raw.Tinker_parsed_path_free(parsed)
	return TinkerPath{
		TrainingRunID:  raw.Tinker_parsed_path_training_run_id(parsed),
		CheckpointType: raw.Tinker_parsed_path_checkpoint_type(parsed),
		CheckpointID:   raw.Tinker_parsed_path_checkpoint_id(parsed),
		Name:           raw.Tinker_parsed_path_name(parsed),
	}, nil
}

// FormatTinkerPath makes tinker://<runID>/<kind>/<name>. kind is "weights" or "sampler_weights",
// or the checkpoint type "training" or "sampler" (TinkerPath.CheckpointType). An empty part, a
// runID or name holding '/', another kind or a NUL byte fails with StatusInvalidArgument
// ("FormatTinkerPath: ..."). ParseTinkerPath gives the parts back.
func FormatTinkerPath(runID, kind, name string) (string, error) {
	const method = "FormatTinkerPath"
	for _, a := range [][2]string{{runID, "training_run_id"}, {kind, "kind"}, {name, "name"}} {
		if _, err := cString(a[0], a[1]); err != nil {
			return "", within(method, err)
		}
	}
	var out string
	if err := raw.Tinker_path_format(runID, kind, name, &out); err != nil {
		return "", fromRawAs(err, method)
	}
	return out, nil
}
