// The retry rules of protocol.md §3.3 and §4, as pure functions so that unit tests can check
// the exact schedules. Used by the call engine (core/call.cpp) and the Hub fetcher's HTTP retries
// (hub/hub_fetch.cpp).
#pragma once

#include <optional>
#include <string>

#include "http/transport.h"

namespace tinker::retry {

// ---- Layer 1: HTTP retries of one request (protocol.md §4.1) --------------------------------

// Whether the HTTP layer retries this outcome: never a transport failure that cannot heal (TLS
// verification, a response over its size limit); else `x-should-retry: true/false` decides
// when present; else 408, 409, 429, >= 500 and every network failure.
bool http_layer_retries(const http::Response& r);

// Server-requested delay from `retry-after-ms` (ms) or `retry-after` (seconds or HTTP date),
// used only when 0 < d <= 60 s.
std::optional<double> retry_after_seconds(const http::Response& r);

// Delay before HTTP retry number `retries_taken` (0-based):
// retry-after when given, else min(0.5 * 2^n, 10) * (1 - 0.25 * jitter01).
double http_retry_delay_seconds(int retries_taken, std::optional<double> retry_after, double jitter01);

// ---- Layer 2: submission retries (protocol.md §4.2) -----------------------------------------

// Whether a finished request (after layer 1) is retried as a new submission: network
// failures, 408, 409, 429, 5xx.
bool submission_retryable(const http::Response& r);

// Backoff before submission attempt `attempt` + 1: min(2^attempt, 30) seconds.
double submission_backoff_seconds(int attempt);

// The sleep actually taken: the backoff truncated so that the total stays within the budget.
// Returns nullopt when the budget is already used up (no more attempts).
std::optional<double> submission_sleep_seconds(int attempt, double elapsed_seconds, double budget_seconds);

// ---- Polling retrieve_future (protocol.md §3.3) ---------------------------------------------

enum class PollAction {
  Success,           // 2xx: interpret the body (§3.2)
  RepollNow,         // 408, 5xx
  RepollAfterBackoff,// 429, connection error / timeout, empty-body 400
  RepollIfBudget,    // 400 with a body: at most 3 times
  Expired,           // 410
  BillingPause,      // 402
  Fatal,             // anything else
};

// A transport failure that cannot heal is Fatal; other outcomes as listed above.
PollAction classify_poll(const http::Response& r);

// Backoff for the k-th consecutive backoff-kind outcome: min(2^k, 30) seconds.
double poll_backoff_seconds(int k);

// The protocol re-polls at once after try_again, 408 and 5xx (§3.1), trusting the server to
// hold each poll open. One that answers at once instead (a broken proxy) would be polled
// thousands of times a second. So a re-poll is immediate only while fewer than
// kFreeRapidRepolls answers in a row came back faster than kRapidAnswerSeconds; after that it
// waits 10 ms, doubling per rapid answer up to 1 s. Returns the wait before the re-poll that
// follows the `rapid`-th rapid answer in a row (1-based).
double rapid_repoll_delay_seconds(int rapid);
constexpr int kFreeRapidRepolls = 5;
constexpr double kRapidAnswerSeconds = 1.0;
constexpr double kMaxRapidRepollDelaySeconds = 1.0;

constexpr int kPollBadRequestBudget = 3;

// Layer 3 (§4.3): the wait before retry number `attempt` + 1 of a whole sample (0-based):
// min(base × 2^attempt, max), varied by ± jitter_factor (jitter01 uniform in [0, 1)), then
// clamped to [0, max].
double sample_retry_delay_seconds(int attempt, double base, double max, double jitter_factor, double jitter01);

constexpr double kBillingPauseSleepSeconds = 5.0;
constexpr double kBillingIncidentResetSeconds = 300.0;

// A delay for a message: "1.5 s".
std::string seconds_text(double seconds);

}  // namespace tinker::retry
