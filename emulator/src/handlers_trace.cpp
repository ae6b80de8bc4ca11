// GET /api/v1/sessions/{session_id}/trace_export (protocol.md §2.6; docs/emulator.md "Trace
// exports"): the session's requests, as the request log recorded them, written to a JSON file
// on a worker and handed out at a signed URL (downloads.h). The client polls every 5 s: the
// call that starts an export answers {"status": "pending"}, later ones "pending" until the file
// is written, then {"status": "ready", "url"} once, or {"status": "failed", "error"} once; the
// call after either starts a new export (a fresh trace).
//
// A request belongs to the session when its body names the session, or a training run or
// sampler made in it (their ids start with "<session_id>:"), or its path names the session.
// Test settings: trace_export_pending_polls (polls after the first still answered "pending")
// and trace_export_failures (the next exports fail).
#include <cmath>

#include "api_routes.h"
#include "app.h"
#include "emu_model/checkpoint.h"
#include "ids.h"
#include "rest_common.h"
#include "wire/time_text.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;
namespace wapi = ::tinker::wire::api;

bool in_session(const LogEntry& e, const std::string& sid) {
  const std::string prefix = sid + ":";
  auto names = [&](const std::optional<std::string>& v) {
    return v && (*v == sid || v->compare(0, prefix.size(), prefix) == 0);
  };
  auto in_path = [&](const std::optional<std::string>& v) {  // tinker://<sid>:train:0/...
    return v && v->find("//" + prefix) != std::string::npos;
  };
  return names(e.session_id) || names(e.model_id) || names(e.sampling_session_id) || in_path(e.model_path) ||
         e.path.find("/" + sid) != std::string::npos;
}

void start_export(App& app, const std::string& sid) {
  Export& e = app.traces.start(sid);
  e.polls_left = app.settings.trace_export_pending_polls;
  bool fail = app.settings.trace_export_failures > 0;
  if (fail) --app.settings.trace_export_failures;
  // The snapshot is taken now, on the loop thread that owns the log; the worker only writes it.
  // {"session_id", "exported_at", "entries": [...]}: the log's own {"entries": [...]} document
  // with the two fields put in front.
  std::string entries = app.log.to_json_where([&](const LogEntry& le) { return in_session(le, sid); });
  std::string body = "{\"session_id\":" + json::dump(json::Ptr(cJSON_CreateString(sid.c_str())).get()) +
                     ",\"exported_at\":\"" + tinker::wire::rfc3339(unix_now()) + "\"," + entries.substr(1);
  std::string file = app.downloads.dir() + "/trace-" + random_hex(8) + ".json";
  App* a = &app;
  uint64_t generation = e.generation;
  app.workers.submit([a, sid, generation, body = std::move(body), file, fail] {
    std::string error;
    if (fail) {
      error = "the trace export failed (trace_export_failures, an emulator test setting)";
    } else if (!make_dirs(file.substr(0, file.rfind('/')), &error)) {
      // error set
    } else if (mdl::Status st = mdl::write_file_atomically(file, body); !st.is_ok()) {
      error = st.message();
    }
    a->loop.post([a, sid, generation, error, file] {
      Export* e = a->traces.current(sid, generation);
      if (e == nullptr) return;
      if (error.empty()) {
        e->token = a->downloads.add(Downloads::File{file, "application/json", "trace-" + sid + ".json"});
        e->state = Export::State::kReady;
      } else {
        e->error = error;
        e->state = Export::State::kFailed;
      }
    });
  });
}

void answer_trace(App& app, Exchange* ex, const std::string& session_id, double hold_until_ms) {
  const Session* s = app.sessions.find(session_id);
  if (s == nullptr || s->user != ex->user) {
    return app.reply(ex, Response::not_found("session " + session_id + " not found"));
  }
  wapi::TraceExport out;
  out.status = "pending";
  Export* e = app.traces.find(session_id);
  if (e == nullptr || (e->state == Export::State::kWorking && e->polls_left == 0)) {
    if (e == nullptr) start_export(app, session_id);
    auto again = [&app, ex, session_id, hold_until_ms] { answer_trace(app, ex, session_id, hold_until_ms); };
    if (ask_again_shortly(app, hold_until_ms, again)) return;
  } else if (e->polls_left > 0) {
    --e->polls_left;
  } else if (e->state == Export::State::kFailed) {
    out.status = "failed";
    out.error = e->error;
    app.traces.forget(session_id);
  } else if (e->state == Export::State::kReady) {
    const std::string token = e->token;
    const auto expires = static_cast<int64_t>(std::floor(unix_now())) + app.settings.download_url_ttl_sec;
    out.status = "ready";
    out.url = absolute_url(app, ex, app.downloads.signed_path(token, expires));
    app.traces.forget(session_id);
    // The file goes when its URL expires: nothing can download it after that.
    App* a = &app;
    app.loop.after((app.settings.download_url_ttl_sec + 1) * 1000, [a, token] { a->downloads.remove(token); });
  }
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

}  // namespace

void handle_export_session_trace(App& app, Exchange* ex, const std::string& session_id) {
  const bool hold = app.settings.trace_export_pending_polls == 0;
  answer_trace(app, ex, session_id, hold ? app.loop.now_ms() + kPreparedFileHoldMs : 0);
}

}  // namespace emu
