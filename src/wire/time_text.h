// Times as the protocol writes them, for the library and the emulator alike: RFC 3339 in
// requests and results (billing windows, checkpoint and audit times, expiry dates), "YYYY-MM-DD"
// days (the audit log), and HTTP dates (RFC 9110 §5.6.7: the Expires header of an archive
// redirect).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tinker::wire {

// An RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('T' and 'Z' in either
// case): *unix_seconds the instant, *offset_seconds the offset it was written with (0 for Z);
// either may be null. False with *why (may be null) naming the part at fault, e.g. "has no such
// day in its month".
bool parse_rfc3339(const std::string& text, double* unix_seconds, int* offset_seconds, std::string* why);
// A calendar day "YYYY-MM-DD" that exists: *start_unix (may be null) is its midnight in UTC.
bool parse_day(const std::string& text, int64_t* start_unix, std::string* why);

// `unix_seconds` as "YYYY-MM-DDTHH:MM:SSZ".
std::string rfc3339_seconds(int64_t unix_seconds);
// `unix_seconds` as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds), clamped to the years RFC 3339
// can write (0 to the last second of 9999).
std::string rfc3339(double unix_seconds);
// `unix_seconds` as an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(int64_t unix_seconds);
// An IMF-fixdate as seconds since the epoch; none when it is not one. The obsolete RFC 850 and
// asctime forms are not read (servers must not send them).
std::optional<int64_t> parse_http_date(const std::string& text);

}  // namespace tinker::wire
