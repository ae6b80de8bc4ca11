#include "wire/time_text.h"

#include <cstdio>

namespace tinker::wire {

namespace {

// The number of `n` digits at text[pos...], or -1 when they are not all digits.
int digits(const std::string& text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool fail(std::string* why, const char* text) {
  if (why) *why = text;
  return false;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool valid_day(const std::string& text, std::string* why) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail(why, "is not YYYY-MM-DD");
  const int y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) return fail(why, "is not YYYY-MM-DD");
  if (m < 1 || m > 12) return fail(why, "has no such month");
  if (d < 1 || d > days_in_month(y, m)) return fail(why, "has no such day in its month");
  return true;
}

bool valid_rfc3339(const std::string& text, std::string* why) {
  if (text.size() < 20) return fail(why, "is too short for YYYY-MM-DDTHH:MM:SS and an offset");
  if (!valid_day(text.substr(0, 10), why)) return false;
  if (text[10] != 'T' && text[10] != 't') return fail(why, "has no 'T' between the date and the time");
  if (text[13] != ':' || text[16] != ':') return fail(why, "has no HH:MM:SS time");
  const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (h < 0 || mi < 0 || s < 0) return fail(why, "has no HH:MM:SS time");
  if (h > 23 || mi > 59 || s > 60) return fail(why, "has an hour, minute or second out of range");
  size_t pos = 19;
  if (text[pos] == '.') {
    const size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return fail(why, "has a '.' with no fraction after it");
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return true;
  if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':') {
    const int oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (oh >= 0 && om >= 0 && oh <= 23 && om <= 59) return true;
  }
  return fail(why, "has no offset: it must end in Z or +HH:MM / -HH:MM");
}

std::string rfc3339_utc(int64_t unix_seconds) {
  // civil_from_days, the inverse of days_from_civil.
  int64_t days = unix_seconds / 86400, secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::optional<int64_t> parse_http_date(const std::string& text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions.
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.compare(3, 2, ", ") != 0 || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.compare(25, 4, " GMT") != 0)
    return std::nullopt;
  int m = 0;
  while (m < 12 && text.compare(8, 3, kMonths[m]) != 0) ++m;
  const int d = digits(text, 5, 2), y = digits(text, 12, 4);
  const int h = digits(text, 17, 2), mi = digits(text, 20, 2), s = digits(text, 23, 2);
  if (m == 12 || d < 1 || y < 0 || d > days_in_month(y, m + 1) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 60)
    return std::nullopt;
  return days_from_civil(y, m + 1, d) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace tinker::wire
