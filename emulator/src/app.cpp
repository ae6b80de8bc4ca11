#include "app.h"

#include <cstdio>
#include <thread>

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

// Always-invalid JSON, for the "corrupt" fault: looks like the start of a real reply.
const char* kCorruptBody = "{\"type\": \"try_again\", \"request_id\": \x01\x02 <corrupted";

}  // namespace

App::App(EventLoop& l, const Options& o)
    : loop(l),
      opts(o),
      workers(o.workers > 0 ? o.workers : default_workers()),
      jobs(l, workers, &settings.result_retention_ms),
      polls(*this),
      server(l, [this](Exchange* ex) { on_request(ex); }) {
  settings.poll_hold_ms = o.poll_hold_ms;
  settings.metadata_threshold_bytes = o.metadata_threshold_bytes;
  if (o.jwt) cJSON_AddBoolToObject(settings.client_config.get(), "pjwt_auth_enabled", 1);
  jobs.set_on_done([this](Job& job) { polls.job_done(job); });
  register_service_routes(router);
  register_future_routes(router);
  register_admin_routes(router);
}

App::~App() { shutdown(); }

bool App::listen(std::string* error) { return server.listen(opts.host, opts.port, error); }

void App::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  workers.stop();
  polls.clear();
  server.shutdown();
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
  // Body ids for ordering assertions; protobuf bodies are not inspected here.
  const char* ct = ex->header("content-type");
  bool proto = ct != nullptr && std::string(ct).find("protobuf") != std::string::npos;
  if (!proto && !ex->body.empty() && ex->body.size() < (64u << 20)) {
    ex->json = json_parse(ex->body, nullptr);
    const cJSON* b = ex->json.get();
    if (b != nullptr && cJSON_IsObject(b)) {
      e.seq_id = json_int(b, "seq_id");
      if (ex->path == "/api/v1/retrieve_future") e.request_id = json_string(b, "request_id");
      e.session_id = json_string(b, "session_id");
    }
  }
  ex->log_seq = log.add(std::move(e));
}

void App::on_request(Exchange* ex) {
  if (!is_admin_path(ex->path)) {
    start_log_entry(ex);
    if (auto fault = faults.take(ex->path)) {
      if (LogEntry* e = log.find(ex->log_seq)) e->fault = fault_action_name(fault->action);
      if (fault->action == FaultAction::kStatus) {
        Response r;
        r.status = fault->status;
        if (fault->body) {
          r.body = *fault->body;
          if (r.body.empty()) r.content_type.clear();  // the Cloudflare-style empty reply
        } else {
          r.body = json_error_body("emulator fault " + std::to_string(fault->id) +
                                       ": HTTP " + std::to_string(fault->status),
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
        return;
      }
      if (fault->action == FaultAction::kDrop) {
        access_log(ex, 0, "dropped");
        server.drop(ex);
        return;
      }
      ex->fault = std::move(fault);
    }
  }

  RouteMatch m = router.match(ex->method, ex->path);
  if (m.route == nullptr) {
    if (m.path_known) {
      Response r = Response::error(405, "method " + ex->method + " not allowed on " + ex->path,
                                   "method_not_allowed");
      r.headers.emplace_back("Allow", join(m.allowed));
      reply(ex, r);
    } else {
      reply(ex, Response::error(404, "no such endpoint: " + ex->path, "not_found"));
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

  if (route.body == BodyMode::kJson) {
    if (ex->json == nullptr) {
      if (ex->body.empty()) {
        ex->json = json_object();
      } else {
        std::string err;
        ex->json = json_parse(ex->body, &err);
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
