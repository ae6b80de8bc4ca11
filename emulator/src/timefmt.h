// Times as the REST API writes and reads them: RFC 3339 in UTC (Checkpoint.time, TrainingRun
// last_request_time, audit and billing timestamps), the HTTP date of an Expires header
// (RFC 7231 IMF-fixdate), and the query parameters of billing (RFC 3339) and audit (a day).
#pragma once

#include <cstdint>
#include <string>

namespace emu {

// "2026-04-14T09:30:05.123456Z" (microseconds).
std::string rfc3339(double unix_seconds);
// "2026-04-14T09:00:00Z" (whole seconds).
std::string rfc3339_seconds(int64_t unix_seconds);
// "Tue, 14 Apr 2026 09:30:05 GMT".
std::string http_date(int64_t unix_seconds);

// An RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('t' and 'z' in
// either case): *unix_seconds is the instant, *offset_seconds the offset it was written with
// (0 for Z). False with *error saying what is wrong.
bool parse_rfc3339(const std::string& text, double* unix_seconds, int* offset_seconds,
                   std::string* error);
// A UTC day "YYYY-MM-DD": *start_unix is its midnight. False with *error.
bool parse_day(const std::string& text, int64_t* start_unix, std::string* error);

}  // namespace emu
