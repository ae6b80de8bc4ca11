#include "timefmt.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace emu {

namespace {

// Past year 9999 there is no RFC 3339 form: later times read as the last second of 9999.
constexpr double kLast = 253402300799.0;  // 9999-12-31T23:59:59Z

std::tm utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

bool digits(const std::string& s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// The unix time of a calendar date and time in UTC; false when the date does not exist
// (2026-02-30) or a field is out of range.
bool to_unix(int y, int mo, int d, int h, int mi, int s, int64_t* out) {
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm);
  // timegm normalises (Feb 30 -> Mar 2): a date that moved did not exist.
  if (tm.tm_mday != d || tm.tm_mon != mo - 1) return false;
  *out = static_cast<int64_t>(t);
  return true;
}

}  // namespace

std::string rfc3339(double unix_seconds) {
  if (unix_seconds > kLast) unix_seconds = kLast;
  if (unix_seconds < 0) unix_seconds = 0;
  double whole = std::floor(unix_seconds);
  auto micros = static_cast<long>(std::lround((unix_seconds - whole) * 1e6));
  if (micros >= 1000000) {
    whole += 1;
    micros -= 1000000;
  }
  std::tm tm = utc(static_cast<int64_t>(whole));
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

std::string rfc3339_seconds(int64_t unix_seconds) {
  std::tm tm = utc(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string http_date(int64_t unix_seconds) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm = utc(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool parse_rfc3339(const std::string& s, double* unix_seconds, int* offset_seconds,
                   std::string* error) {
  int y, mo, d, h, mi, sec;
  bool ok = digits(s, 0, 4, &y) && s.size() > 4 && s[4] == '-' && digits(s, 5, 2, &mo) &&
            s.size() > 7 && s[7] == '-' && digits(s, 8, 2, &d) && s.size() > 10 &&
            (s[10] == 'T' || s[10] == 't') && digits(s, 11, 2, &h) && s.size() > 13 && s[13] == ':' &&
            digits(s, 14, 2, &mi) && s.size() > 16 && s[16] == ':' && digits(s, 17, 2, &sec);
  size_t i = 19;
  double frac = 0;
  if (ok && i < s.size() && s[i] == '.') {
    size_t start = ++i;
    double scale = 0.1;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    ok = i > start;
  }
  int offset = 0;
  if (ok && i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (ok && i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    ok = digits(s, i + 1, 2, &oh) && s.size() > i + 3 && s[i + 3] == ':' && digits(s, i + 4, 2, &om) &&
         oh <= 23 && om <= 59;
    offset = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    ok = false;
  }
  int64_t t = 0;
  if (!ok || i != s.size()) {
    *error = "'" + s + "' is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)";
    return false;
  }
  if (!to_unix(y, mo, d, h, mi, sec, &t)) {
    *error = "'" + s + "' is not a valid date and time";
    return false;
  }
  *unix_seconds = static_cast<double>(t - offset) + frac;
  *offset_seconds = offset;
  return true;
}

bool parse_day(const std::string& s, int64_t* start_unix, std::string* error) {
  int y, mo, d;
  bool ok = s.size() == 10 && digits(s, 0, 4, &y) && s[4] == '-' && digits(s, 5, 2, &mo) &&
            s[7] == '-' && digits(s, 8, 2, &d);
  if (!ok || !to_unix(y, mo, d, 0, 0, 0, start_unix)) {
    *error = "day must be a date YYYY-MM-DD (got '" + s + "')";
    return false;
  }
  return true;
}

}  // namespace emu
