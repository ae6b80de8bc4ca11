#include "hub/hub_fetch.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "core/printable.h"
#include "core/retry_policy.h"
#include "core/uuid.h"
#include "hub/hub_cache.h"
#include "hub/hub_url.h"
#include "hub/repo_id.h"
#include "tinker/tinker.h"

namespace tinker::hub {

namespace {

constexpr int kMaxRedirects = 5;
constexpr long kHeadTimeoutMs = 30000;
constexpr long kGetTimeoutMs = 600000;  // a large file on a slow link; the deadline bounds it too
constexpr long kConnectTimeoutMs = 10000;

// What a commit and a blob name the Hub gave for the file.
struct Metadata {
  std::string commit, etag;
};

// The commit and blob name of an answer, when it carries both and they are well formed.
std::optional<Metadata> metadata_of(const http::Response& r) {
  const std::string* commit = r.header("x-repo-commit");
  const std::string* etag = r.header("x-linked-etag");
  if (!etag) etag = r.header("etag");
  if (!commit || !is_commit_hash(*commit) || !etag) return std::nullopt;
  auto name = normalize_etag(*etag);
  if (!name) return std::nullopt;
  return Metadata{*commit, *name};
}

// The size the Hub announced for the file (X-Linked-Size for large files), when it gave one.
std::optional<long long> announced_size(const http::Response& r, bool content_length_is_file) {
  const std::string* v = r.header("x-linked-size");
  if (!v && content_length_is_file) v = r.header("content-length");
  if (!v || v->empty() || v->size() > 18 || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoll(*v);
}

class Fetch final : public Operation, public std::enable_shared_from_this<Fetch> {
 public:
  Fetch(Runtime& rt, const Logger& logger, FileRef file, HubSettings settings, int64_t deadline_ms, FetchDone done)
      : rt_(rt), log_(logger), f_(std::move(file)), s_(std::move(settings)), deadline_ms_(deadline_ms),
        done_(std::move(done)), cache_(s_.cache_dir, valid_repo_id(f_.repo) ? f_.repo : "invalid/invalid") {
    what_ = "Hugging Face Hub: " + f_.filename + " of " + f_.repo + " (revision " + f_.revision + ")";
    secrets_.add(s_.token);  // redacted from every message and log line while the fetch lives
  }

  void begin() {
    guarded([this] { begin_unguarded(); });
  }
  void cancel() { finish(make_error(TINKER_E_CANCELLED, what_ + ": cancelled"), ""); }
  void abort(const Error& why) override { finish(why, ""); }

 private:
  template <class F>
  void guarded(F&& body) noexcept {
    try {
      body();
    } catch (...) {
      finish_noexcept(current_exception_error(what_));
    }
  }
  // A fetch must end, never stay pending: when its message cannot be made printable, it ends
  // with the bare code (no allocation).
  void finish_noexcept(Error error) noexcept {
    const tinker_status_t code = error.code;
    try {
      finish(std::move(error), "");
    } catch (...) {
      try {
        Error bare;
        bare.code = code;
        finish(std::move(bare), "");
      } catch (...) {
      }
    }
  }

  // The inputs are checked before any of them reaches a URL, a header or a path.
  std::optional<Error> invalid_input() const {
    auto bad = [&](const std::string& why) { return make_error(TINKER_E_INVALID_ARGUMENT, what_ + ": " + why); };
    if (!valid_repo_id(f_.repo)) return bad("not a valid repository id (\"org/name\")");
    if (!valid_revision(f_.revision)) return bad("not a valid revision");
    if (!valid_filename(f_.filename)) return bad("not a valid file name");
    if (!origin_of(s_.endpoint).ok)
      return bad("the endpoint (HF_ENDPOINT) is not an http(s) URL with a host and without user information");
    if (std::any_of(s_.token.begin(), s_.token.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
      return bad("the token (HF_TOKEN or the token file) holds control characters");
    if (s_.cache_dir.empty()) return bad("no cache directory (HF_HUB_CACHE or HF_HOME)");
    return std::nullopt;
  }

  void begin_unguarded() {
    if (auto e = invalid_input()) return finish(*e, "");
    rt_.track(shared_from_this());
    tracked_ = true;
    // A commit's files never change: a cached one needs no network at all.
    if (is_commit_hash(f_.revision))
      if (auto path = cache_.cached_file(f_.revision, f_.filename)) return finish_ok(*path);
    if (s_.offline) {
      if (auto path = cache_.cached_file(f_.revision, f_.filename)) return finish_ok(*path);
      return finish(make_error(TINKER_E_UNAVAILABLE, what_ + ": offline mode (HF_HUB_OFFLINE or the hub_offline option) and the file is not in "
                                                         "the cache " + s_.cache_dir),
                    "");
    }
    endpoint_ = origin_of(s_.endpoint);
    started_ = rt_.now();
    if (deadline_ms_ > 0) {
      std::weak_ptr<Fetch> weak = shared_from_this();
      deadline_timer_ = rt_.add_timer(deadline_ms_ / 1000.0, [weak] {
        if (auto self = weak.lock()) {
          self->deadline_timer_ = 0;
          std::string why = self->what_ + ": deadline of " + std::to_string(self->deadline_ms_) + " ms exceeded";
          if (!self->last_failure_.empty()) why += " (last failure: " + self->last_failure_ + ")";
          self->finish(make_error(TINKER_E_DEADLINE_EXCEEDED, why), "");
        }
      });
    }
    start(Phase::Head);
  }

  enum class Phase { Head, Get };

  // Each phase starts at the resolve URL; a retry starts its phase again.
  void start(Phase p) {
    phase_ = p;
    url_ = resolve_url(s_.endpoint, f_.repo, f_.revision, f_.filename);
    hops_ = 0;
    send();
  }

  void send() {
    http::Request req;
    req.method = phase_ == Phase::Head ? "HEAD" : "GET";
    req.url = url_;
    req.timeout_ms = phase_ == Phase::Head ? kHeadTimeoutMs : kGetTimeoutMs;
    req.connect_timeout_ms = kConnectTimeoutMs;
    req.max_response_bytes = s_.max_file_bytes;
    // The bytes as stored, so that the ETag names them.
    req.headers.emplace_back("Accept-Encoding", "identity");
    req.headers.emplace_back("User-Agent", "libtinker/" TINKER_VERSION_STRING);
    // The credential goes to the endpoint's origin only: never to a CDN or any other host a
    // redirect names.
    if (!s_.token.empty() && origin_of(url_) == endpoint_) req.headers.emplace_back("Authorization", "Bearer " + s_.token);
    std::weak_ptr<Fetch> weak = shared_from_this();
    transfer_ = rt_.http(std::move(req), [weak](http::Response&& r) {
      if (auto self = weak.lock()) {
        self->transfer_ = 0;
        if (!self->finished_) self->guarded([&] { self->on_response(r); });
      }
    });
  }

  void on_response(const http::Response& r) {
    if (!r.has_response()) {
      if (r.failure == http::Failure::Network) return retry_or_fallback(r, r.transport_error);
      if (r.failure == http::Failure::TooLarge) return finish(too_large(), "");
      return finish(error_from_transport(what_, r.failure, r.transport_error), "");
    }
    if (r.status >= 300 && r.status <= 399) return on_redirect(r);
    if (r.status >= 200 && r.status <= 299) return phase_ == Phase::Head ? on_metadata(r, true) : on_file(r);
    if (r.status >= 500 || r.status == 408 || r.status == 429) return retry_or_fallback(r, "HTTP " + std::to_string(r.status));
    Error e = error_from_http(what_, r.status, r.body);
    if (r.status == 404) e.message = what_ + ": not found (HTTP 404): no such repository, revision or file";
    if (r.status == 401 || r.status == 403)
      e.message += s_.token.empty() ? "; the repository may be gated or private: a token is needed (HF_TOKEN, or "
                                      "`huggingface-cli login`)"
                                    : "; the repository may be gated or private, and the token was refused: accept "
                                      "the model's terms on the Hub with the token's account, or use another token";
    finish(e, "");
  }

  void on_redirect(const http::Response& r) {
    if (hops_ >= kMaxRedirects)
      return finish(make_error(TINKER_E_DATA_LOSS, what_ + ": more than " + std::to_string(kMaxRedirects) +
                                                       " redirects in a row"),
                    "");
    const std::string* location = r.header("location");
    std::string next, why;
    if (!resolve_location(url_, location ? *location : "", &next, &why))
      return finish(make_error(TINKER_E_DATA_LOSS, what_ + ": the server answered with " + why), "");
    // The Hub answers a large file's HEAD with a redirect to its CDN that already carries the
    // file's commit and blob name (huggingface_hub reads them there too).
    if (phase_ == Phase::Head && !(origin_of(next) == origin_of(url_)) && metadata_of(r)) return on_metadata(r, false);
    ++hops_;
    log_.debug(what_ + ": redirected to " + url_origin(next));
    url_ = next;
    send();
  }

  // The HEAD's answer: reuse the blob when the cache has it, else download it.
  void on_metadata(const http::Response& r, bool content_length_is_file) {
    auto m = metadata_of(r);
    if (!m)
      return finish(make_error(TINKER_E_DATA_LOSS, what_ + ": the answer lacks a valid X-Repo-Commit (40 hex digits) "
                                                       "or ETag"),
                    "");
    if (auto size = announced_size(r, content_length_is_file); size && *size > s_.max_file_bytes)
      return finish(too_large(), "");
    meta_ = *m;
    if (cache_.has_blob(meta_.etag)) {
      log_.debug(what_ + ": blob " + meta_.etag + " already cached");
      return store_and_finish(nullptr);
    }
    start(Phase::Get);
  }

  void on_file(const http::Response& r) {
    // An answer from the Hub itself names the bytes it sent (they may be newer than the HEAD's);
    // a CDN's answer does not, and the HEAD's names stand.
    if (auto m = metadata_of(r)) meta_ = *m;
    store_and_finish(&r.body);
  }

  void store_and_finish(const std::string* bytes) {
    std::string error;
    if ((bytes && !cache_.store_blob(meta_.etag, *bytes, &error)) ||
        !cache_.link(f_.revision, meta_.commit, f_.filename, meta_.etag, &error))
      return finish(make_error(TINKER_E_FAILED_PRECONDITION, what_ + ": the cache cannot be written: " + error +
                                                                 " (HF_HUB_CACHE names another directory)"),
                    "");
    finish_ok(cache_.snapshot_path(meta_.commit, f_.filename));
  }

  void retry_or_fallback(const http::Response& r, const std::string& failure) {
    last_failure_ = failure;
    ++attempts_;
    if (retries_ < s_.max_retries) {
      double delay = retry::http_retry_delay_seconds(retries_, retry::retry_after_seconds(r), random_unit());
      ++retries_;
      log_.info(what_ + ": " + failure + "; attempt " + std::to_string(retries_ + 1) + " in " +
                retry::seconds_text(delay));
      std::weak_ptr<Fetch> weak = shared_from_this();
      const Phase phase = phase_;
      sleep_timer_ = rt_.add_timer(delay, [weak, phase] {
        if (auto self = weak.lock()) {
          self->sleep_timer_ = 0;
          if (!self->finished_) self->guarded([&] { self->start(phase); });
        }
      });
      return;
    }
    if (auto path = cache_.cached_file(f_.revision, f_.filename)) {
      log_.warning(what_ + ": " + failure + " after " + std::to_string(attempts_) + " attempts; using the cached copy");
      return finish_ok(*path);
    }
    Error e = make_error(TINKER_E_UNAVAILABLE, what_ + ": " + failure + " (gave up after " +
                                                   std::to_string(attempts_) + " attempts in " +
                                                   retry::seconds_text(seconds_since_start()) +
                                                   "; the file is not in the cache)");
    e.retryable = true;
    if (r.has_response()) e.http_status = static_cast<int>(r.status);
    finish(e, "");
  }

  Error too_large() const {
    return make_error(TINKER_E_RESOURCE_EXHAUSTED,
                      what_ + ": larger than the limit of " + std::to_string(s_.max_file_bytes) + " bytes");
  }

  double seconds_since_start() const { return std::chrono::duration<double>(rt_.now() - started_).count(); }

  void finish_ok(const std::string& path) { finish(Error{}, path); }

  // The one end of a fetch: stops its transfer and timers, then tells `done` once.
  void finish(Error e, const std::string& path) {
    if (finished_) return;
    // First what may throw (out of memory), so that a failure here leaves the fetch unfinished
    // for finish_noexcept's bare retry.
    if (e.code != TINKER_OK) e.message = printable(std::move(e.message));
    finished_ = true;
    if (transfer_) rt_.cancel_http(transfer_);
    if (sleep_timer_) rt_.cancel_timer(sleep_timer_);
    if (deadline_timer_) rt_.cancel_timer(deadline_timer_);
    transfer_ = sleep_timer_ = deadline_timer_ = 0;
    auto keep = shared_from_this();  // untrack drops the runtime's reference
    if (tracked_) rt_.untrack(this);
    FetchDone done = std::move(done_);
    if (e.code != TINKER_OK) {
      done(&e, "");
    } else {
      done(nullptr, path);
    }
  }

  Runtime& rt_;
  Logger log_;
  FileRef f_;
  HubSettings s_;
  int64_t deadline_ms_;
  FetchDone done_;
  SecretSet secrets_;
  RepoCache cache_;
  std::string what_;
  Origin endpoint_;
  Phase phase_ = Phase::Head;
  std::string url_;
  int hops_ = 0, retries_ = 0, attempts_ = 0;
  Metadata meta_;
  std::string last_failure_;
  Clock::time_point started_;
  bool finished_ = false, tracked_ = false;
  uint64_t transfer_ = 0;
  Runtime::TimerId sleep_timer_ = 0, deadline_timer_ = 0;
};

}  // namespace

std::function<void()> fetch_file(Runtime& rt, const Logger& logger, FileRef file, HubSettings settings,
                                 int64_t deadline_ms, FetchDone done) {
  auto fetch = std::make_shared<Fetch>(rt, logger, std::move(file), std::move(settings), deadline_ms, done);
  std::weak_ptr<Fetch> weak = fetch;
  Runtime* runtime = &rt;
  if (!rt.post([fetch] { fetch->begin(); })) {
    Error e = make_error(TINKER_E_FAILED_PRECONDITION, "Hugging Face Hub: the client runtime has shut down");
    done(&e, "");
    return [] {};
  }
  return [weak, runtime] {
    runtime->post([weak] {
      if (auto self = weak.lock()) self->cancel();
    });
  };
}

}  // namespace tinker::hub
