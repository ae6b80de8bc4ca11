// retrieve_future (protocol.md §2.7, §3) and the emulator's synthetic test job endpoint,
// which returns a future exactly like a real future-returning call (§2 "Future").
#include "app.h"
#include "json_body.h"
#include "wire/base64.h"

namespace emu {

namespace {

void retrieve_future(App& app, Exchange* ex) { app.polls.handle(ex); }

// POST /_emulator/jobs {"delay_ms", "result", "error", "category", "result_size_bytes",
// "request_type", "body_base64", "content_type", "ordering_key"} -> {"request_id": ...}.
void submit_test_job(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  auto bad = [&](const std::string& msg) {
    app.reply(ex, Response::bad_request(msg));
  };
  int64_t delay_ms = 0;
  if (json::get(b, "delay_ms") != nullptr) {
    auto d = json::get_int(b, "delay_ms");
    if (!d || *d < 0) return bad("\"delay_ms\" must be an integer >= 0");
    delay_ms = *d;
  }
  const cJSON* result = json::get(b, "result");
  if (result != nullptr && !cJSON_IsObject(result)) return bad("\"result\" must be an object");
  if (result != nullptr && json::get(result, "error") != nullptr) {
    // §3.2 row 4: an "error" key turns any success payload into a failure.
    return bad("\"result\" must not contain an \"error\" key; use the top-level \"error\"");
  }
  if (json::present_but_not(b, "error", cJSON_String)) return bad("\"error\" must be a string");
  if (json::present_but_not(b, "category", cJSON_String)) {
    return bad("\"category\" must be a string");
  }
  int64_t size = -1;
  if (json::get(b, "result_size_bytes") != nullptr) {
    auto s = json::get_int(b, "result_size_bytes");
    if (!s || *s < 0 || *s > (INT64_C(1) << 30)) {
      return bad("\"result_size_bytes\" must be an integer in [0, 2^30]");
    }
    size = *s;
  }
  std::optional<std::string> raw;
  if (json::get(b, "body_base64") != nullptr) {
    auto enc = json::get_string(b, "body_base64");
    std::string decoded;
    // Leniently, as always: either alphabet; '=' and line breaks are skipped wherever they are.
    namespace wire = ::tinker::wire;
    if (!enc || !wire::base64url_decode(*enc, wire::Base64Padding::kSkipped, &decoded)) {
      return bad("\"body_base64\" must be base64");
    }
    raw = std::move(decoded);
  }
  std::string content_type = json::get_string(b, "content_type").value_or("application/json");
  std::string kind = json::get_string(b, "request_type").value_or("Test");
  if (json::present_but_not(b, "ordering_key", cJSON_String)) {
    return bad("\"ordering_key\" must be a string");
  }
  std::optional<std::string> error = json::get_string(b, "error");
  std::string category = json::get_string(b, "category").value_or("unknown");
  std::string result_text = result != nullptr ? json::dump(result) : std::string("{}");

  JobSpec spec;
  spec.user = ex->user;
  spec.kind = kind;
  spec.delay_ms = delay_ms;
  spec.ordering_key = json::get_string(b, "ordering_key").value_or("");
  // The body is built on a worker: a multi-megabyte blob should not stall the loop.
  spec.run = [error, category, size, raw, content_type, result_text]() -> JobResult {
    if (error) return JobResult::failure(*error, category);
    JobResult r;
    r.content_type = content_type;
    if (raw) {
      r.body = *raw;
    } else if (size >= 0) {
      const std::string prefix = "{\"blob\":\"";
      const std::string suffix = "\"}";
      size_t overhead = prefix.size() + suffix.size();
      size_t n = static_cast<size_t>(size) > overhead ? static_cast<size_t>(size) - overhead : 0;
      r.body.reserve(overhead + n);
      r.body = prefix;
      r.body.append(n, 'x');
      r.body += suffix;
    } else {
      r.body = result_text;
    }
    return r;
  };
  std::string id = app.jobs.submit(std::move(spec));
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "request_id", id.c_str());
  app.reply(ex, Response::json(200, json::dump(o.get())));
}

}  // namespace

void register_future_routes(Router& r) {
  r.add({"POST", "/api/v1/retrieve_future", AuthMode::kSession, BodyMode::kJson,
         retrieve_future});
  r.add({"POST", "/_emulator/jobs", AuthMode::kSession, BodyMode::kJson, submit_test_job});
}

}  // namespace emu
