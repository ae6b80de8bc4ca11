#include "samplers.h"

#include <algorithm>

namespace emu {

SamplerTable::SamplerTable(Db& db) : db_(db) {
  Db::Use use(db_);
  Db::Stmt s(db_,
             "SELECT id, user_id, session_id, base_model, model_path, created_unix, created_by, "
             "requested_model_path, requested_base_model FROM samplers ORDER BY created_unix, rowid");
  while (s.step()) {
    SamplerEntry e;
    e.id = s.text(0);
    e.user = s.text(1);
    e.session_id = s.text(2);
    e.base_model = s.text(3);
    e.model_path = s.opt_text(4);
    e.created_unix = s.f64(5);
    e.created_by = s.text(6);
    e.requested_model_path = s.opt_text(7);
    e.requested_base_model = s.opt_text(8);
    e.seq = ++next_seq_;
    std::string id = e.id;
    by_id_.emplace(std::move(id), std::move(e));
  }
}

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
  {
    Db::Use use(db_);
    Db::Stmt(db_,
             "INSERT OR REPLACE INTO samplers (id, user_id, session_id, base_model, model_path, "
             "created_unix, created_by, requested_model_path, requested_base_model) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind(1, e.id)
        .bind(2, e.user)
        .bind(3, e.session_id)
        .bind(4, e.base_model)
        .bind(5, e.model_path)
        .bind(6, e.created_unix)
        .bind(7, e.created_by)
        .bind(8, e.requested_model_path)
        .bind(9, e.requested_base_model)
        .run();
  }
  reserved_.erase(e.id);
  e.seq = ++next_seq_;
  std::string id = e.id;
  by_id_[id] = std::move(e);
}

void SamplerTable::set_model(const std::string& id, std::shared_ptr<const tinker::emu::Model> model) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(id);
  if (it != by_id_.end() && !it->second.model) it->second.model = std::move(model);
}

std::vector<SamplerEntry> SamplerTable::of_session(const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SamplerEntry> out;
  for (const auto& kv : by_id_) {
    if (kv.second.session_id == session_id) out.push_back(kv.second);
  }
  std::sort(out.begin(), out.end(), [](const SamplerEntry& a, const SamplerEntry& b) { return a.seq < b.seq; });
  return out;
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
