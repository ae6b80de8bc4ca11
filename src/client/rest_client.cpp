#include "client/rest_client.h"

#include <ctime>

#include "client/api_results.h"
#include "core/jwt.h"
#include "core/printable.h"
#include "wire/json.h"
#include "wire/time_text.h"

namespace tinker {

namespace {

// The official client's expiry for a redirect without an Expires header (protocol.md §2.4).
constexpr int64_t kDefaultArchiveUrlSeconds = 15 * 60;
// A Location longer than this is no signed URL but a hostile server's padding.
constexpr size_t kMaxArchiveUrlBytes = 16 * 1024;

// The archive URL of a 302: Location made absolute against the server's origin (a relative
// Location names the server's own host), Expires read as an HTTP date.
bool archive_url_of_redirect(const std::string& what, const std::string& base_url, const http::Response& r,
                             std::unique_ptr<Result>* out, Error* err) {
  const std::string* location = r.header("location");
  std::string url = location ? *location : std::string();
  bool clean = !url.empty() && url.size() <= kMaxArchiveUrlBytes;
  for (const unsigned char c : url) clean = clean && c > 0x20 && c < 0x7f;
  const bool absolute = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  const bool rooted = url.rfind("/", 0) == 0 && url.rfind("//", 0) != 0;
  if (!clean || !(absolute || rooted)) {
    *err = make_error(TINKER_E_DATA_LOSS, what + ": the server's redirect (HTTP " + std::to_string(r.status) +
                                              ") has no usable Location: an http(s) URL or a path is expected");
    return false;
  }
  auto res = std::make_unique<tinker_checkpoint_archive_url>();
  res->m.url = absolute ? url : url_origin(base_url) + url;
  const std::string* expires = r.header("expires");
  std::optional<int64_t> when = expires ? wire::parse_http_date(*expires) : std::nullopt;
  res->m.expires = wire::rfc3339_seconds(when.value_or(static_cast<int64_t>(std::time(nullptr)) + kDefaultArchiveUrlSeconds));
  *out = std::move(res);
  return true;
}

}  // namespace

std::shared_ptr<FutureState> RestClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
}

std::shared_ptr<FutureState> RestClient::run_archive_url(const JsonOp& op, const BodyFn& body, std::string path) {
  CallSpec spec = json_call(op, body(0), std::move(path));
  const ClientOptions& o = ctx_->options();
  const double delay = static_cast<double>(o.archive_retry_delay_ms) / 1000.0;
  const int attempts = o.archive_retry_attempts;
  spec.ask_again = [delay, attempts](const http::Response& r, int rounds) -> std::optional<double> {
    if (r.status == 503 && rounds < attempts) return delay;  // the archive is being built
    return std::nullopt;
  };
  spec.redirect_is_answer = true;
  auto decode_json = std::move(spec.decode);
  spec.decode = [decode_json, what = std::string(op.what), base = o.base_url.value_or("")](
                    const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    if (r.status >= 300 && r.status < 400) return archive_url_of_redirect(what, base, r, out, err);
    return decode_json(r, out, err);  // the 200 form, {"url", "expires"}
  };
  return ctx_->start(std::move(spec), op.result);
}

std::shared_ptr<FutureState> RestClient::run_trace_export(const JsonOp& op, const BodyFn& body, std::string path) {
  CallSpec spec = json_call(op, body(0), std::move(path));
  const double interval = static_cast<double>(ctx_->options().trace_poll_interval_ms) / 1000.0;
  spec.ask_again = [interval](const http::Response& r, int) -> std::optional<double> {
    if (r.status < 200 || r.status >= 300) return std::nullopt;
    json::Ptr doc = json::parse(r.body);
    const bool pending = doc && json::get_string(doc.get(), "status").value_or("") == "pending";
    return pending ? std::optional<double>(interval) : std::nullopt;
  };
  auto decode_url = std::move(spec.decode);
  spec.decode = [decode_url, what = std::string(op.what)](const http::Response& r, std::unique_ptr<Result>* out,
                                                          Error* err) {
    wire::api::TraceExport answer;
    std::string msg;
    if (!wire::api::decode_json(r.body, &answer, &msg)) {
      *err = make_error(TINKER_E_DATA_LOSS, what + ": undecodable answer: " + msg);
      return false;
    }
    if (answer.status == "failed") {
      *err = make_error(TINKER_E_REQUEST_FAILED,
                        what + ": the server failed to export the trace: " + printable(answer.error.value_or("no reason given")));
      return false;
    }
    if (answer.status != "ready") {
      *err = make_error(TINKER_E_DATA_LOSS, what + ": unknown export status \"" + printable(answer.status, 64) + "\"");
      return false;
    }
    return decode_url(r, out, err);  // the url, which a ready export must have
  };
  return ctx_->start(std::move(spec), op.result);
}

std::shared_ptr<FutureState> RestClient::whoami(Error*) {
  CallSpec spec;
  spec.what = "whoami";
  // The configuration step is where the API key is exchanged for a JWT, when the server uses them.
  spec.prerequisite = Prerequisite::Config;
  spec.build = nullptr;
  ClientContext* ctx = ctx_.get();  // the call runs on the context's own IO thread
  spec.decode = [ctx](const http::Response&, std::unique_ptr<Result>* out, Error* err) {
    const std::optional<std::string> jwt = ctx->identity_jwt();
    if (!jwt) {
      *err = make_error(TINKER_E_UNIMPLEMENTED,
                        "whoami: the server does not use JWTs and the credential is a plain API key, which "
                        "carries no identity to read");
      return false;
    }
    auto res = std::make_unique<tinker_whoami>();
    std::string msg = "its payload is not JSON";
    const std::optional<std::string> payload = jwt_payload(*jwt);
    json::Ptr claims = payload ? json::parse(*payload) : nullptr;
    if (!claims || !wire::api::decode(claims.get(), "claims", &res->m, &msg)) {
      *err = make_error(TINKER_E_DATA_LOSS, "whoami: the JWT's claims are unreadable: " + msg);
      return false;
    }
    if (res->m.email && res->m.email->empty()) res->m.email.reset();  // principals without one send ""
    *out = std::move(res);
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::Whoami);
}

}  // namespace tinker
