#include "core/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace tinker::retry {

static bool is_empty_400(const http::Response& r) { return r.status == 400 && r.body.empty(); }

bool http_layer_retries(const http::Response& r) {
  if (r.permanent_failure()) return false;
  if (const std::string* h = r.header("x-should-retry")) {
    if (*h == "true") return true;
    if (*h == "false") return false;
  }
  if (!r.has_response() || is_empty_400(r)) return true;  // empty 400 = connection reset (§1.5)
  return r.status == 408 || r.status == 409 || r.status == 429 || r.status >= 500;
}

// Parses an HTTP date (RFC 7231 IMF-fixdate) into seconds from now; nullopt if malformed.
static std::optional<double> seconds_until_http_date(const std::string& s) {
  struct tm tm {};
  if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  time_t when = timegm(&tm);
  return std::difftime(when, std::time(nullptr));
}

std::optional<double> retry_after_seconds(const http::Response& r) {
  std::optional<double> d;
  if (const std::string* ms = r.header("retry-after-ms")) {
    char* end = nullptr;
    double v = std::strtod(ms->c_str(), &end);
    if (end != ms->c_str()) d = v / 1000.0;
  }
  if (!d) {
    if (const std::string* s = r.header("retry-after")) {
      char* end = nullptr;
      double v = std::strtod(s->c_str(), &end);
      if (end != s->c_str() && *end == '\0') d = v;
      else d = seconds_until_http_date(*s);
    }
  }
  if (d && *d > 0 && *d <= 60) return d;
  return std::nullopt;
}

double http_retry_delay_seconds(int retries_taken, std::optional<double> retry_after, double jitter01) {
  if (retry_after) return *retry_after;
  double base = std::min(0.5 * std::pow(2.0, retries_taken), 10.0);
  return base * (1.0 - 0.25 * jitter01);
}

bool submission_retryable(const http::Response& r) {
  if (r.permanent_failure()) return false;
  if (!r.has_response() || is_empty_400(r)) return true;
  return r.status == 408 || r.status == 409 || r.status == 429 || (r.status >= 500 && r.status <= 599);
}

double submission_backoff_seconds(int attempt) { return std::min(std::pow(2.0, attempt), 30.0); }

std::optional<double> submission_sleep_seconds(int attempt, double elapsed, double budget) {
  double left = budget - elapsed;
  if (left <= 0) return std::nullopt;
  return std::min(submission_backoff_seconds(attempt), left);
}

PollAction classify_poll(const http::Response& r) {
  if (r.permanent_failure()) return PollAction::Fatal;
  if (!r.has_response()) return PollAction::RepollAfterBackoff;
  long s = r.status;
  if (s >= 200 && s < 300) return PollAction::Success;
  if (s == 408 || (s >= 500 && s <= 599)) return PollAction::RepollNow;
  if (s == 429) return PollAction::RepollAfterBackoff;
  if (s == 400) return r.body.empty() ? PollAction::RepollAfterBackoff : PollAction::RepollIfBudget;
  if (s == 410) return PollAction::Expired;
  if (s == 402) return PollAction::BillingPause;
  return PollAction::Fatal;
}

double poll_backoff_seconds(int k) { return std::min(std::pow(2.0, k), 30.0); }

double rapid_repoll_delay_seconds(int rapid) {
  if (rapid <= kFreeRapidRepolls) return 0;
  return std::min(0.01 * std::pow(2.0, std::min(rapid - kFreeRapidRepolls - 1, 30)), kMaxRapidRepollDelaySeconds);
}

double sample_retry_delay_seconds(int attempt, double base, double max, double jitter_factor, double jitter01) {
  const double delay = std::min(base * std::pow(2.0, std::min(attempt, 1000)), max);  // 2^1000 is finite
  const double jitter = delay * jitter_factor * (2 * jitter01 - 1);
  return std::max(0.0, std::min(delay + jitter, max));
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  return buf;
}

}  // namespace tinker::retry
