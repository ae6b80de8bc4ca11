#include "samplers.h"

namespace emu {

bool SamplerTable::reserve(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (by_id_.count(id) != 0 || reserved_.count(id) != 0) return false;
  reserved_.insert(id);
  return true;
}

void SamplerTable::release(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_.erase(id);
}

void SamplerTable::put(SamplerEntry e) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_.erase(e.id);
  std::string id = e.id;
  by_id_[id] = std::move(e);
}

std::optional<SamplerEntry> SamplerTable::find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<SamplerEntry> SamplerTable::list() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SamplerEntry> out;
  for (const auto& kv : by_id_) out.push_back(kv.second);
  return out;
}

}  // namespace emu
