// GET /api/v1/audit?event_type=all|checkpoints[&day=YYYY-MM-DD] (protocol.md §2.6, §7.17;
// docs/emulator.md "Audit log"): the caller's own audit entries (audit.h), oldest first. The
// service asks for an admin role; in the emulator every user is the admin of its own entries.
// event_type absent means all; anything but "all" or "checkpoints", or a day that is not a
// date, is a 400.
#include "api_routes.h"
#include "app.h"
#include "wire/time_text.h"

namespace emu {

void handle_get_audit_log(App& app, Exchange* ex) {
  std::string type = ex->query_param("event_type").value_or("all");
  if (type != "all" && type != "checkpoints") {
    return app.reply(ex, Response::bad_request("event_type must be \"all\" or \"checkpoints\" (got \"" + type + "\")"));
  }
  std::optional<double> from, to;
  if (std::optional<std::string> day = ex->query_param("day")) {
    int64_t start = 0;
    std::string err;
    if (!tinker::wire::parse_day(*day, &start, &err))
      return app.reply(ex, Response::bad_request("day must be a date YYYY-MM-DD: '" + *day + "' " + err));
    from = static_cast<double>(start);
    to = static_cast<double>(start + 86400);
  }
  // Expired checkpoints are deleted (and their expiry entered) before the log is read.
  app.checkpoints.sweep_expired();
  tinker::wire::api::AuditLog out;
  for (const AuditRecord& r : app.audit.entries(ex->user, type == "checkpoints", from, to)) {
    tinker::wire::api::AuditEntry e;
    e.timestamp = tinker::wire::rfc3339(r.time_unix);
    e.event = r.event;
    e.model_id = r.model_id;
    e.tinker_path = r.tinker_path;
    e.purpose = r.purpose;
    out.entries.push_back(std::move(e));
  }
  app.reply(ex, Response::json(200, tinker::wire::api::encode_json(out)));
}

}  // namespace emu
