#include "usage.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace emu {

namespace {

int64_t hour_of(double t_unix) {
  return static_cast<int64_t>(std::floor(t_unix / UsageLedger::kHour)) * UsageLedger::kHour;
}

}  // namespace

void UsageLedger::add(const UsageSource& src, const char* event_type, int64_t amount,
                      double t_unix, int cached) {
  if (amount <= 0) return;
  Db::Use use(db_);
  Db::Stmt(db_,
           "INSERT INTO usage (user_id, hour, event_type, session_id, base_model, cached, amount) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
           "ON CONFLICT (user_id, hour, event_type, session_id, base_model, cached) "
           "DO UPDATE SET amount = amount + excluded.amount")
      .bind(1, src.user)
      .bind(2, hour_of(t_unix))
      .bind(3, event_type)
      .bind(4, src.session_id)
      .bind(5, src.base_model)
      .bind(6, cached)
      .bind(7, amount)
      .run();
}

void UsageLedger::storage_begin(const std::string& tinker_path, const UsageSource& src,
                                int64_t size_bytes, double t_unix) {
  Db::Use use(db_);
  Db::Stmt(db_,
           "INSERT INTO storage_spans (tinker_path, user_id, session_id, base_model, size_bytes, "
           "start_unix) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, tinker_path)
      .bind(2, src.user)
      .bind(3, src.session_id)
      .bind(4, src.base_model)
      .bind(5, size_bytes)
      .bind(6, t_unix)
      .run();
}

void UsageLedger::storage_end(const std::string& tinker_path, double t_unix) {
  Db::Use use(db_);
  // An expiry noticed late still ends the span at the expiry time, never before its start.
  Db::Stmt(db_,
           "UPDATE storage_spans SET end_unix = MAX(start_unix, ?2) "
           "WHERE tinker_path = ?1 AND end_unix IS NULL")
      .bind(1, tinker_path)
      .bind(2, t_unix)
      .run();
}

std::vector<UsageRow> UsageLedger::rows(const std::string& user, int64_t from_hour,
                                        int64_t to_hour, double now_unix) {
  std::vector<UsageRow> out;
  {
    Db::Use use(db_);
    Db::Stmt s(db_,
               "SELECT hour, event_type, session_id, base_model, cached, amount FROM usage "
               "WHERE user_id = ?1 AND hour >= ?2 AND hour < ?3");
    s.bind(1, user).bind(2, from_hour).bind(3, to_hour);
    while (s.step()) {
      UsageRow r;
      r.hour = s.i64(0);
      r.event_type = s.text(1);
      r.session_id = s.text(2);
      r.base_model = s.text(3);
      r.cached = static_cast<int>(s.i64(4));
      r.amount = s.i64(5);
      out.push_back(std::move(r));
    }
    storage_rows(user, from_hour, to_hour, now_unix, &out);
  }
  std::sort(out.begin(), out.end(), [](const UsageRow& a, const UsageRow& b) {
    return std::tie(a.hour, a.event_type, a.session_id, a.base_model, a.cached) <
           std::tie(b.hour, b.event_type, b.session_id, b.base_model, b.cached);
  });
  return out;
}

// Each span adds size x (the part of each hour it overlaps) to that hour's bucket of its
// session and base model.
void UsageLedger::storage_rows(const std::string& user, int64_t from_hour, int64_t to_hour,
                               double now_unix, std::vector<UsageRow>* out) {
  using Key = std::tuple<int64_t, std::string, std::string>;  // hour, session, base model
  std::map<Key, double> gbh;
  Db::Stmt s(db_,
             "SELECT session_id, base_model, size_bytes, start_unix, end_unix FROM storage_spans "
             "WHERE user_id = ?1 AND start_unix < ?3 AND (end_unix IS NULL OR end_unix > ?2)");
  s.bind(1, user).bind(2, static_cast<double>(from_hour)).bind(3, static_cast<double>(to_hour));
  while (s.step()) {
    const double gb = static_cast<double>(s.i64(2)) / 1e9;
    const double start = std::max(s.f64(3), static_cast<double>(from_hour));
    const double end = std::min(s.opt_f64(4).value_or(now_unix), static_cast<double>(to_hour));
    for (int64_t h = hour_of(start); static_cast<double>(h) < end; h += kHour) {
      const double a = std::max(start, static_cast<double>(h));
      const double b = std::min(end, static_cast<double>(h + kHour));
      if (b > a) gbh[Key(h, s.text(0), s.text(1))] += gb * (b - a) / kHour;
    }
  }
  for (const auto& [key, v] : gbh) {
    UsageRow r;
    r.hour = std::get<0>(key);
    r.event_type = usage_type::kStorage;
    r.session_id = std::get<1>(key);
    r.base_model = std::get<2>(key);
    r.gigabyte_hours = v;
    out->push_back(std::move(r));
  }
}

}  // namespace emu
