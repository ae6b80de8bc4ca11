// GET /api/v1/billing/usage/events?starting_on=<RFC 3339>&ending_before=<RFC 3339>
// (protocol.md §2.6, §7.18; docs/emulator.md "Billing"): the caller's usage (usage.h) in hourly
// UTC buckets: training tokens, sampling prefill and sampled tokens, checkpoint saves and the
// gigabyte-hours of stored checkpoint files, with the metadata of every session named.
//
// The window: both times RFC 3339 in UTC (Z or +00:00), on a whole hour, ending after it starts,
// at most 14 days long, not starting in the future and ending at the latest at the end of the
// current hour (so the hour in progress can be read). Anything else is a 400 saying which rule.
#include <cmath>
#include <set>

#include "api_routes.h"
#include "app.h"
#include "wire/time_text.h"

namespace emu {

namespace {

namespace wapi = ::tinker::wire::api;

constexpr int64_t kMaxWindowSeconds = 14 * 24 * 3600;

// A window bound: present, RFC 3339, UTC, on a whole hour. False after answering 400.
bool hour_param(App& app, Exchange* ex, const char* name, int64_t* out) {
  std::optional<std::string> v = ex->query_param(name);
  if (!v) {
    app.reply(ex, Response::bad_request(std::string(name) + " is required (an RFC 3339 time on a whole UTC hour, "
                                        "e.g. 2026-04-14T09:00:00Z)"));
    return false;
  }
  double t = 0;
  int offset = 0;
  std::string err;
  if (!tinker::wire::parse_rfc3339(*v, &t, &offset, &err)) {
    app.reply(ex, Response::bad_request(std::string(name) + ": '" + *v + "' is not an RFC 3339 date-time "
                                        "(YYYY-MM-DDTHH:MM:SSZ): it " + err));
    return false;
  }
  if (offset != 0) {
    app.reply(ex, Response::bad_request(std::string(name) + " must be in UTC (Z or +00:00), got '" + *v + "'"));
    return false;
  }
  if (std::fmod(t, static_cast<double>(UsageLedger::kHour)) != 0) {
    app.reply(ex, Response::bad_request(std::string(name) + " must be a whole hour (minutes, seconds and "
                                        "fraction zero), got '" + *v + "'"));
    return false;
  }
  *out = static_cast<int64_t>(t);
  return true;
}

// The session's user_metadata as {str: str}: strings as they are, other values as JSON text.
tinker_metadata metadata_of(const Session* s) {
  tinker_metadata out;
  for (const cJSON* v = s && s->user_metadata ? s->user_metadata->child : nullptr; v != nullptr; v = v->next) {
    out.values[v->string] = cJSON_IsString(v) ? std::string(v->valuestring) : json::dump(v);
  }
  return out;
}

}  // namespace

void handle_get_billing_usage(App& app, Exchange* ex) {
  int64_t start = 0, end = 0;
  if (!hour_param(app, ex, "starting_on", &start) || !hour_param(app, ex, "ending_before", &end)) return;
  if (end <= start) {
    return app.reply(ex, Response::bad_request("ending_before must be after starting_on"));
  }
  if (end - start > kMaxWindowSeconds) {
    return app.reply(ex, Response::bad_request("the window from starting_on to ending_before must be at most 14 days"));
  }
  const double now = unix_now();
  const int64_t hour_end = static_cast<int64_t>(std::floor(now / UsageLedger::kHour)) * UsageLedger::kHour +
                           UsageLedger::kHour;
  if (static_cast<double>(start) > now) {
    return app.reply(ex, Response::bad_request("starting_on is in the future"));
  }
  if (end > hour_end) {
    return app.reply(ex, Response::bad_request("ending_before is in the future: the latest allowed is the end of the "
                                               "current hour, " + tinker::wire::rfc3339_seconds(hour_end)));
  }
  // Expired checkpoints' storage ends at their expiry: make the store notice every expiry first.
  app.checkpoints.sweep_expired();

  wapi::BillingUsage out;
  std::set<std::string> sessions;
  for (const UsageRow& r : app.usage.rows(ex->user, start, end, now)) {
    wapi::BillingEvent e;
    e.bucket_start = tinker::wire::rfc3339_seconds(r.hour);
    e.bucket_end = tinker::wire::rfc3339_seconds(r.hour + UsageLedger::kHour);
    if (!r.base_model.empty()) e.base_model = r.base_model;
    e.user_id = ex->user;
    e.user_name = ex->user;
    if (!r.session_id.empty()) {
      e.session_id = r.session_id;
      sessions.insert(r.session_id);
      if (const Session* s = app.sessions.find(r.session_id); s != nullptr && s->project_id) e.project_id = s->project_id;
    }
    e.event_type = r.event_type;
    if (r.event_type == usage_type::kCheckpoint) {
      e.checkpoint_count = r.amount;
    } else if (r.event_type == usage_type::kStorage) {
      e.gigabyte_hours = r.gigabyte_hours;
    } else {
      e.token_count = r.amount;
      if (r.event_type == usage_type::kSamplingPrefill) e.cached = r.cached == 1;
    }
    out.events.push_back(std::move(e));
  }
  for (const std::string& sid : sessions) {
    wapi::BillingSession bs;
    bs.session_id = sid;
    bs.user_metadata = metadata_of(app.sessions.find(sid));
    out.sessions.push_back(std::move(bs));
  }
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

}  // namespace emu
