#include "rest_common.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "app.h"
#include "wire/time_text.h"

namespace emu {

namespace {

constexpr int64_t kMaxLimit = 1000;

// A non-negative decimal integer query parameter: `fallback` when absent, none when malformed.
std::optional<int64_t> query_int(const Exchange* ex, const char* name, int64_t fallback) {
  std::optional<std::string> v = ex->query_param(name);
  if (!v) return fallback;
  int64_t n = 0;
  const char* end = v->data() + v->size();
  auto [p, ec] = std::from_chars(v->data(), end, n);
  if (v->empty() || ec != std::errc() || p != end) return std::nullopt;
  return n;
}

}  // namespace

tinker::wire::api::Checkpoint checkpoint_to_wire(const CheckpointRecord& r) {
  tinker::wire::api::Checkpoint c;
  c.checkpoint_id = r.kind + "/" + r.name;
  c.checkpoint_type = r.kind == kTrainingKind ? "training" : "sampler";
  c.time = tinker::wire::rfc3339(r.created_unix);
  c.tinker_path = r.tinker_path;
  c.size_bytes = r.size_bytes;
  c.is_public = r.is_public;
  if (r.expires_unix) c.expires_at = tinker::wire::rfc3339(*r.expires_unix);
  return c;
}

// Listings leave out the ephemeral sampler checkpoints of unnamed saves: the server makes one
// per save_weights_and_get_sampling_client (an RL loop calls it every step) and the user never
// named them. They can still be addressed by id.
std::vector<CheckpointRecord> listed_checkpoints(App& app, const std::string& user, const std::string* run_id) {
  std::vector<CheckpointRecord> out;
  for (CheckpointRecord& r : app.checkpoints.list()) {
    if (r.owner != user || r.ephemeral) continue;
    if (run_id != nullptr && r.model_id != *run_id) continue;
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(),
            [](const CheckpointRecord& a, const CheckpointRecord& b) { return a.seq < b.seq; });
  return out;
}

bool checkpoint_path(App& app, Exchange* ex, const std::string& run_id, const std::string& id,
                     std::string* path) {
  std::string kind, name, err;
  if (!parse_checkpoint_id(id, &kind, &name, &err)) {
    app.reply(ex, Response::bad_request(err));
    return false;
  }
  *path = make_tinker_path(run_id, kind, name);
  return true;
}

bool page_params(App& app, Exchange* ex, int64_t default_limit, int64_t* limit, int64_t* offset) {
  std::optional<int64_t> l = query_int(ex, "limit", default_limit);
  std::optional<int64_t> o = query_int(ex, "offset", 0);
  if (!l || *l < 1 || *l > kMaxLimit) {
    app.reply(ex, Response::bad_request("limit must be an integer from 1 to " + std::to_string(kMaxLimit)));
    return false;
  }
  if (!o || *o < 0) {
    app.reply(ex, Response::bad_request("offset must be an integer >= 0"));
    return false;
  }
  *limit = *l;
  *offset = *o;
  return true;
}

bool access_scope(App& app, Exchange* ex, bool* accessible) {
  std::optional<std::string> scope = ex->query_param("access_scope");
  if (!scope || *scope == "owned" || *scope == "accessible") {
    *accessible = scope && *scope == "accessible";
    return true;
  }
  app.reply(ex, Response::bad_request("access_scope must be \"owned\" or \"accessible\" (got \"" + *scope + "\")"));
  return false;
}

std::string absolute_url(App& app, const Exchange* ex, const std::string& path) {
  const char* host = ex->header("host");
  if (host != nullptr && *host != '\0') return std::string("http://") + host + path;
  const std::string& h = app.server.host();
  std::string bracketed = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return "http://" + bracketed + ":" + std::to_string(app.server.port()) + path;
}

bool ask_again_shortly(App& app, double until_ms, std::function<void()> again) {
  if (app.loop.now_ms() >= until_ms) return false;
  app.loop.after(10, std::move(again));
  return true;
}

}  // namespace emu
