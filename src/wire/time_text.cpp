#include "wire/time_text.h"

#include <cmath>
#include <cstdio>

namespace tinker::wire {

namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // from 1970-01-01
constexpr int64_t kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z

// The value of the `n` digits at text[pos...], or -1 when they are not all digits.
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

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), and back.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, weekday;  // weekday: index into kWeekdays
};

Civil civil_from_unix(int64_t unix_seconds) {
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
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 7) % 7);
  return c;
}

}  // namespace

bool parse_day(const std::string& text, int64_t* start_unix, std::string* why) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail(why, "is not YYYY-MM-DD");
  const int y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) return fail(why, "is not YYYY-MM-DD");
  if (m < 1 || m > 12) return fail(why, "has no such month");
  if (d < 1 || d > days_in_month(y, m)) return fail(why, "has no such day in its month");
  if (start_unix) *start_unix = days_from_civil(y, m, d) * 86400;
  return true;
}

bool parse_rfc3339(const std::string& text, double* unix_seconds, int* offset_seconds, std::string* why) {
  if (text.size() < 20) return fail(why, "is too short for YYYY-MM-DDTHH:MM:SS and an offset");
  int64_t day = 0;
  if (!parse_day(text.substr(0, 10), &day, why)) return false;
  if (text[10] != 'T' && text[10] != 't') return fail(why, "has no 'T' between the date and the time");
  if (text[13] != ':' || text[16] != ':') return fail(why, "has no HH:MM:SS time");
  const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (h < 0 || mi < 0 || s < 0) return fail(why, "has no HH:MM:SS time");
  if (h > 23 || mi > 59 || s > 60) return fail(why, "has an hour, minute or second out of range");
  size_t pos = 19;
  double fraction = 0;
  if (text[pos] == '.') {
    const size_t start = ++pos;
    for (double scale = 0.1; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, scale /= 10)
      fraction += (text[pos] - '0') * scale;
    if (pos == start) return fail(why, "has a '.' with no fraction after it");
  }
  int offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    offset = 0;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':' &&
             digits(text, pos + 1, 2) >= 0 && digits(text, pos + 1, 2) <= 23 && digits(text, pos + 4, 2) >= 0 &&
             digits(text, pos + 4, 2) <= 59) {
    offset = (text[pos] == '-' ? -1 : 1) * (digits(text, pos + 1, 2) * 3600 + digits(text, pos + 4, 2) * 60);
  } else {
    return fail(why, "has no offset: it must end in Z or +HH:MM / -HH:MM");
  }
  if (unix_seconds) *unix_seconds = static_cast<double>(day + h * 3600 + mi * 60 + s - offset) + fraction;
  if (offset_seconds) *offset_seconds = offset;
  return true;
}

std::string rfc3339_seconds(int64_t unix_seconds) {
  const Civil c = civil_from_unix(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(c.year), c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}

std::string rfc3339(double unix_seconds) {
  if (!(unix_seconds >= 0)) unix_seconds = 0;  // NaN too
  if (unix_seconds > static_cast<double>(kLastSecond)) unix_seconds = static_cast<double>(kLastSecond);
  auto whole = static_cast<int64_t>(std::floor(unix_seconds));
  auto micros = static_cast<long>(std::lround((unix_seconds - static_cast<double>(whole)) * 1e6));
  if (micros >= 1000000) {
    ++whole;
    micros -= 1000000;
  }
  std::string text = rfc3339_seconds(whole);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06ldZ", micros);
  return text.substr(0, text.size() - 1) + frac;
}

std::string http_date(int64_t unix_seconds) {
  const Civil c = civil_from_unix(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04lld %02d:%02d:%02d GMT", kWeekdays[c.weekday], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::optional<int64_t> parse_http_date(const std::string& text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions.
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
