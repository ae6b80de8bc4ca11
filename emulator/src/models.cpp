#include "models.h"

#include <functional>
#include <string_view>

namespace emu {

std::shared_ptr<ModelEntry> ModelTable::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::shared_ptr<ModelEntry> ModelTable::add(const std::string& id) {
  auto e = std::make_shared<ModelEntry>();
  e->id = id;
  by_id_[id] = e;
  return e;
}

const char* model_state_name(ModelEntry::State s) {
  switch (s) {
    case ModelEntry::State::kCreating: return "creating";
    case ModelEntry::State::kReady: return "ready";
    case ModelEntry::State::kFailed: return "failed";
    case ModelEntry::State::kUnloaded: return "unloaded";
  }
  return "unknown";
}

std::string training_model_id(const std::string& session_id, int64_t model_seq_id) {
  return session_id + ":train:" + std::to_string(model_seq_id);
}

std::string sampling_session_id(const std::string& session_id, int64_t seq) {
  return session_id + ":sample:" + std::to_string(seq);
}

std::string session_of(const std::string& id) {
  // rfind: a session id is a UUID, but nothing stops a test from naming one with ":train:".
  for (const char* sep : {":train:", ":sample:"}) {
    size_t at = id.rfind(sep);
    if (at != std::string::npos) return id.substr(0, at);
  }
  return "";
}

uint64_t request_digest(const std::string& a, const std::string& b) {
  // libstdc++'s string hash (murmur-style, several GB/s): bodies are up to megabytes and this
  // runs on the loop thread for every training request.
  std::hash<std::string_view> h;
  uint64_t x = h(std::string_view(a));
  uint64_t y = h(std::string_view(b));
  return x ^ (y + 0x9e3779b97f4a7c15ull + (x << 6) + (x >> 2));
}

}  // namespace emu
