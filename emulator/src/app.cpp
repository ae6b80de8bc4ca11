#include "app.h"

#include <strings.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "api_routes.h"
#include "fwdbwd_io.h"
#include "wire/zstd_codec.h"

namespace emu {

namespace {

int default_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n < 2 ? 2 : static_cast<int>(n);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (out.find(s) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// Where checkpoints go when --data-dir is not given: a fresh temporary directory.
std::string choose_data_dir(const Options& o) {
  if (!o.data_dir.empty()) return o.data_dir;
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                     "/tinker-emulator-XXXXXX";
  if (mkdtemp(&tmpl[0]) == nullptr) {
    std::fprintf(stderr, "tinker-emulator: cannot create a temporary data directory %s\n",
                 tmpl.c_str());
    std::exit(1);
  }
  return tmpl;
}

// Decompressed request bodies are capped (a zstd bomb must not exhaust memory).
constexpr size_t kMaxDecodedBody = size_t{1} << 30;

// Always-invalid JSON, for the "corrupt" fault: looks like the start of a real reply.
const char* kCorruptBody = "{\"type\": \"try_again\", \"request_id\": \x01\x02 <corrupted";

}  // namespace

std::string App::db_path(const Options& o) {
  return o.data_dir.empty() ? ":memory:" : o.data_dir + "/emulator.db";
}

App::App(EventLoop& l, const Options& o, Db& d)
    : loop(l),
      opts(o),
      data_dir(choose_data_dir(o)),
      db(d),
      audit(db),
      usage(db),
      auth(db),
      sessions(db, l.now_ms()),
      workers(o.workers > 0 ? o.workers : default_workers()),
      jobs(l, workers, &settings.result_retention_ms, &settings.seq_gap_timeout_ms),
      polls(l, jobs, settings, [this](Exchange* ex, Response r) { reply(ex, std::move(r)); }),
      runs(db, audit),
      checkpoints(data_dir, db, audit, usage),
      samplers(db),
      downloads(data_dir + "/downloads"),
      server(l, [this](Exchange* ex) { on_request(ex); }) {
  settings.poll_hold_ms = o.poll_hold_ms;
  settings.metadata_threshold_bytes = o.metadata_threshold_bytes;
  settings.record_inputs = o.record_inputs;
  if (o.jwt) cJSON_AddBoolToObject(settings.client_config.get(), "pjwt_auth_enabled", 1);
  jobs.set_on_done([this](Job& job) { polls.job_done(job); });
  register_service_routes(router);
  register_future_routes(router);
  register_admin_routes(router);
  register_training_routes(router);
  register_checkpoint_routes(router);
  register_api_routes(router);  // the registry's plain operations (api_routes.h, generated)
  register_sampling_routes(router);
  register_asample_routes(router);
  register_download_routes(router);
  register_hub_routes(router);
  owns_data_dir_ = o.data_dir.empty();
}

App::~App() { shutdown(); }

bool App::listen(std::string* error) { return server.listen(opts.host, opts.port, error); }

void App::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  workers.stop();
  // The last request times written at most once a second (touch_run) are written now.
  for (const auto& kv : models.all()) {
    if (kv.second->last_request_unix > kv.second->last_request_written) {
      runs.touch(kv.first, kv.second->last_request_unix);
    }
  }
  polls.clear();
  server.shutdown();
  if (owns_data_dir_) remove_tree(data_dir);
}

bool App::is_admin_path(const std::string& path) {
  // /_emulator/jobs behaves like a real future-returning call (API key, log, faults).
  return path.rfind("/_emulator/", 0) == 0 && path != "/_emulator/jobs";
}

void App::start_log_entry(Exchange* ex) {
  LogEntry e;
  e.t_ms = ex->arrival_ms;
  e.method = ex->method;
  e.path = ex->path;
  const char* key = ex->header("x-api-key");
  e.has_api_key = key != nullptr;
  std::string user = auth.peek_user(key);
  if (!user.empty()) e.user = user;
  for (const char* name : RequestLog::recorded_headers()) {
    if (const char* v = ex->header(name)) e.headers.emplace_back(name, v);
  }
  // Undo the Content-Encoding once, here: handlers read ex->payload().
  const char* ce = ex->header("content-encoding");
  if (ce != nullptr && *ce != '\0' && strcasecmp(ce, "identity") != 0 && !ex->body.empty()) {
    if (strcasecmp(ce, "zstd") == 0) {
      std::string out, err;
      if (tinker::wire::zstd_decompress(ex->body, kMaxDecodedBody, &out, &err)) {
        ex->decoded_body = std::move(out);
      } else {
        ex->body_error = "cannot decompress the zstd request body: " + err;
      }
    } else {
      ex->body_error = std::string("unsupported Content-Encoding '") + ce + "' (only zstd)";
      ex->body_error_status = 415;
    }
  }
  // Body ids for ordering assertions: from JSON bodies, and from the header fields of
  // protobuf forward_backward bodies (datums are skipped, not decoded).
  const char* ct = ex->header("content-type");
  bool proto = ct != nullptr && std::string(ct).find("protobuf") != std::string::npos;
  const std::string& payload = ex->payload();
  if (!ex->body_error.empty() || payload.empty()) {
    // nothing to read
  } else if (proto) {
    FwdBwdHeader h;
    if (scan_fwdbwd_header(payload, &h, nullptr)) {
      e.seq_id = h.seq_id;
      e.model_id = h.model_id;
    }
  } else if (payload.size() < (64u << 20)) {
    ex->json = parse_body(payload, nullptr);
    const cJSON* b = ex->json.get();
    if (b != nullptr && cJSON_IsObject(b)) {
      e.seq_id = json::get_int(b, "seq_id");
      e.model_id = json::get_string(b, "model_id");
      if (ex->path == kRetrieveFuturePath) e.request_id = json::get_string(b, "request_id");
      e.session_id = json::get_string(b, "session_id");
      e.sampling_session_id = json::get_string(b, "sampling_session_id");
      e.model_path = json::get_string(b, "model_path");
    }
  }
  ex->log_seq = log.add(std::move(e));
}

FaultTarget App::fault_target(const Exchange* ex, std::string* polled_id,
                               std::string* polled_kind) {
  FaultTarget target;
  if (ex->path != kRetrieveFuturePath || ex->json == nullptr) return target;
  auto id = json::get_string(ex->json.get(), "request_id");
  if (!id) return target;
  *polled_id = *id;
  target.request_id = polled_id;
  if (const Job* job = jobs.find(*id)) {
    *polled_kind = job->kind;
    target.request_type = polled_kind;
  }
  return target;
}

bool App::apply_immediate_fault(Exchange* ex) {
  std::string polled_id, polled_kind;
  std::optional<Fault> fault = faults.take(ex->path, fault_target(ex, &polled_id, &polled_kind));
  if (!fault) return false;
  if (LogEntry* e = log.find(ex->log_seq)) e->fault = fault_action_name(fault->action);
  switch (fault->action) {
    case FaultAction::kStatus: {
      Response r;
      r.status = fault->status;
      if (fault->body) {
        r.body = *fault->body;
        if (r.body.empty()) r.content_type.clear();  // the Cloudflare-style empty reply
      } else {
        r.body = json_error_body("emulator fault " + std::to_string(fault->id) + ": HTTP " +
                                     std::to_string(fault->status),
                                 "injected_fault");
      }
      for (const auto& h : fault->headers) {
        if (h.first == "content-type" || h.first == "Content-Type") {
          r.content_type = h.second;
        } else {
          r.headers.push_back(h);
        }
      }
      send_now(ex, r, HttpServer::SendMode::kNormal);
      return true;
    }
    case FaultAction::kDrop:
      access_log(ex, 0, "dropped");
      server.drop(ex);
      return true;
    case FaultAction::kExpire:
      // The poll then runs as usual and finds no job: the genuine 410 of an expired id.
      if (!polled_id.empty()) jobs.forget(polled_id);
      return false;
    default:
      ex->fault = std::move(fault);  // applied to the handler's answer (App::reply)
      return false;
  }
}

void App::on_request(Exchange* ex) {
  if (!is_admin_path(ex->path)) {
    start_log_entry(ex);
    if (apply_immediate_fault(ex)) return;
  }

  RouteMatch m = router.match(ex->method, ex->path);
  if (m.route == nullptr) {
    if (m.path_known) {
      Response r = Response::error(405, "method " + ex->method + " not allowed on " + ex->path,
                                   "method_not_allowed");
      r.headers.emplace_back("Allow", join(m.allowed));
      reply(ex, r);
    } else {
      reply(ex, Response::not_found("no such endpoint: " + ex->path));
    }
    return;
  }
  const Route& route = *m.route;
  ex->params = std::move(m.params);

  if (route.auth != AuthMode::kNone) {
    bool require_jwt = route.auth == AuthMode::kSession && settings.jwt_required();
    Auth::Result a = auth.check(ex->header("x-api-key"), require_jwt);
    if (!a.ok) {
      reply(ex, Response::error(401, a.error, "unauthorized"));
      return;
    }
    ex->user = a.user;
    if (LogEntry* e = log.find(ex->log_seq)) e->user = a.user;
  }

  if (!ex->body_error.empty()) {
    reply(ex, Response::error(ex->body_error_status, ex->body_error,
                              ex->body_error_status == 415 ? "unsupported_encoding" : "bad_body"));
    return;
  }
  if (route.body == BodyMode::kJson) {
    if (ex->json == nullptr) {
      if (ex->payload().empty()) {
        ex->json = json::new_object();
      } else {
        std::string err;
        ex->json = parse_body(ex->payload(), &err);
        if (ex->json == nullptr) {
          reply(ex, Response::error(400, "request body is not valid JSON: " + err, "bad_json"));
          return;
        }
      }
    }
    if (!cJSON_IsObject(ex->json.get())) {
      reply(ex, Response::error(400, "request body must be a JSON object", "bad_json"));
      return;
    }
  }
  route.handler(*this, ex);
}

void App::reply(Exchange* ex, Response r) {
  HttpServer::SendMode mode = HttpServer::SendMode::kNormal;
  if (ex->fault) {
    switch (ex->fault->action) {
      case FaultAction::kCorrupt:
        r.body = kCorruptBody;
        r.content_type = "application/json";
        break;
      case FaultAction::kTruncate:
        mode = HttpServer::SendMode::kTruncate;
        break;
      case FaultAction::kDropReply:
        // The handler has done its work (a session or sampler now exists); only the answer is
        // lost, which is what makes a client resend an identical request.
        access_log(ex, 0, "reply dropped");
        server.drop(ex);
        return;
      case FaultAction::kDelay: {
        int64_t d = ex->fault->delay_ms;
        ex->fault.reset();
        // A loop timer, not a sleep: other connections keep being served meanwhile.
        loop.after(d, [this, ex, r = std::move(r)] { send_now(ex, r, HttpServer::SendMode::kNormal); });
        return;
      }
      default:
        break;
    }
  }
  send_now(ex, r, mode);
}

void App::send_now(Exchange* ex, const Response& r, HttpServer::SendMode mode) {
  if (ex->log_seq != 0) {
    if (LogEntry* e = log.find(ex->log_seq)) e->status = r.status;
  }
  access_log(ex, r.status, mode == HttpServer::SendMode::kTruncate ? "truncated" : nullptr);
  server.send(ex, r, mode);
}

void App::access_log(const Exchange* ex, int status, const char* note) const {
  if (opts.quiet) return;
  // Never the API key: only the anonymous user id.
  std::fprintf(stderr, "%.3f %s %s %d %.1fms%s%s%s%s\n", ex->arrival_ms / 1000.0,
               ex->method.c_str(), ex->path.c_str(), status, loop.now_ms() - ex->arrival_ms,
               ex->user.empty() ? "" : " user=", ex->user.c_str(), note ? " " : "",
               note ? note : "");
}

}  // namespace emu
