#include "exports.h"

namespace emu {

Export* ExportTable::find(const std::string& key) {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

Export& ExportTable::start(const std::string& key) {
  Export& e = by_key_[key] = Export{};
  e.generation = ++next_generation_;
  return e;
}

Export* ExportTable::current(const std::string& key, uint64_t generation) {
  Export* e = find(key);
  return e != nullptr && e->generation == generation ? e : nullptr;
}

}  // namespace emu
