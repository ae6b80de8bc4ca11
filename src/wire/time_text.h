// Times as the protocol writes them: RFC 3339 in requests and results (billing windows, expiry
// dates), "YYYY-MM-DD" days (the audit log), and HTTP dates (RFC 9110 §5.6.7: the Expires header
// of an archive redirect).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tinker::wire {

// "2026-12-01T00:00:00Z", "2026-12-01T00:00:00.5+01:00": a full date and time with an offset.
// False with *why naming the part at fault.
bool valid_rfc3339(const std::string& text, std::string* why);
// "2026-12-01": a calendar day that exists.
bool valid_day(const std::string& text, std::string* why);
// `unix_seconds` as "YYYY-MM-DDTHH:MM:SSZ".
std::string rfc3339_utc(int64_t unix_seconds);
// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as seconds since the epoch; none when it is
// not one. The obsolete RFC 850 and asctime forms are not read (servers must not send them).
std::optional<int64_t> parse_http_date(const std::string& text);

}  // namespace tinker::wire
