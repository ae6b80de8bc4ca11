#include "wire/tinker_path.h"

namespace tinker::wire {

namespace {

constexpr const char* kScheme = "tinker://";

// The kind of a "weights" / "sampler_weights" kind or a "training" / "sampler" type.
std::optional<std::string> kind_of(const std::string& k) {
  if (k == "weights" || k == "training") return std::string("weights");
  if (k == "sampler_weights" || k == "sampler") return std::string("sampler_weights");
  return std::nullopt;
}

bool check_parts(const std::string& run, const std::string& kind, const std::string& name, std::string* why) {
  if (run.empty()) return *why = "the training run id is empty", false;
  if (run.find('/') != std::string::npos) return *why = "the training run id contains '/'", false;
  if (kind != "weights" && kind != "sampler_weights")
    return *why = "the kind \"" + kind + "\" is neither weights nor sampler_weights", false;
  if (name.empty()) return *why = "the checkpoint name is empty", false;
  if (name.find('/') != std::string::npos) return *why = "the checkpoint name contains '/'", false;
  return true;
}

}  // namespace

std::optional<TinkerPath> parse_tinker_path(const std::string& path, std::string* why) {
  if (path.rfind(kScheme, 0) != 0) return *why = "it does not start with tinker://", std::nullopt;
  const std::string rest = path.substr(std::char_traits<char>::length(kScheme));
  // Exactly three '/'-separated parts, as the official client requires.
  const size_t a = rest.find('/');
  const size_t b = a == std::string::npos ? a : rest.find('/', a + 1);
  if (b == std::string::npos || rest.find('/', b + 1) != std::string::npos)
    return *why = "it is not tinker://<training_run_id>/<kind>/<name>", std::nullopt;
  TinkerPath p;
  p.training_run_id = rest.substr(0, a);
  p.kind = rest.substr(a + 1, b - a - 1);
  p.name = rest.substr(b + 1);
  if (!check_parts(p.training_run_id, p.kind, p.name, why)) return std::nullopt;
  p.checkpoint_type = p.kind == "weights" ? "training" : "sampler";
  p.checkpoint_id = p.kind + "/" + p.name;
  return p;
}

bool valid_checkpoint_id(const std::string& id, std::string* why) {
  const size_t slash = id.find('/');
  if (slash == std::string::npos) return *why = "it is not <kind>/<name>", false;
  return check_parts("run", id.substr(0, slash), id.substr(slash + 1), why);
}

std::optional<std::string> format_tinker_path(const std::string& training_run_id, const std::string& kind,
                                              const std::string& name, std::string* why) {
  const auto k = kind_of(kind);
  if (!k) return *why = "the kind \"" + kind + "\" is none of weights, sampler_weights, training, sampler", std::nullopt;
  if (!check_parts(training_run_id, *k, name, why)) return std::nullopt;
  return kScheme + training_run_id + "/" + *k + "/" + name;
}

}  // namespace tinker::wire
