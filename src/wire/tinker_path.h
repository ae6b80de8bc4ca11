// tinker:// paths of checkpoints (protocol.md §8): tinker://<training_run_id>/<kind>/<name>,
// where <kind> is "weights" (a training checkpoint) or "sampler_weights" (a sampler checkpoint).
// The run id is the server's (it may contain ':'); the name may not contain '/'.
#pragma once

#include <optional>
#include <string>

namespace tinker::wire {

struct TinkerPath {
  std::string training_run_id;
  std::string kind;             // "weights" or "sampler_weights"
  std::string name;
  std::string checkpoint_type;  // "training" or "sampler"
  std::string checkpoint_id;    // "<kind>/<name>": how the REST endpoints name it
};

// The parts of `path`, or nullopt with `why` saying what is wrong.
std::optional<TinkerPath> parse_tinker_path(const std::string& path, std::string* why);

// "<kind>/<name>" checked the same way (the checkpoint ids of the REST endpoints).
bool valid_checkpoint_id(const std::string& id, std::string* why);

// tinker://<run>/<kind>/<name>; `kind` is a kind or a checkpoint type ("training", "sampler").
// nullopt with `why` when a part is empty, the kind unknown, or the name contains '/'.
std::optional<std::string> format_tinker_path(const std::string& training_run_id, const std::string& kind,
                                              const std::string& name, std::string* why);

}  // namespace tinker::wire
