#include "router.h"

namespace emu {

namespace {

enum class SegmentKind { kLiteral, kParam, kRest };

SegmentKind kind_of(const std::string& p) {
  if (p.size() < 2 || p.front() != '{' || p.back() != '}') return SegmentKind::kLiteral;
  if (p.size() > 5 && p.compare(p.size() - 4, 4, "...}") == 0) return SegmentKind::kRest;
  return SegmentKind::kParam;
}

std::string param_name(const std::string& p, SegmentKind k) {
  return k == SegmentKind::kRest ? p.substr(1, p.size() - 5) : p.substr(1, p.size() - 2);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Router::percent_decode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string> Router::split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::add(Route r) {
  Entry e;
  e.segments = split(r.pattern);
  for (const std::string& s : e.segments) {
    if (kind_of(s) == SegmentKind::kLiteral) ++e.literals;
  }
  e.route = std::move(r);
  entries_.push_back(std::move(e));
}

// Whether pattern[pi..] matches path[si..]. Parameters are stored only on the way back out of
// a successful match, so a failed attempt of a "{name...}" length leaves nothing behind.
bool Router::match_from(const std::vector<std::string>& pattern, size_t pi,
                        const std::vector<std::string>& path, size_t si,
                        std::map<std::string, std::string>* params) {
  if (pi == pattern.size()) return si == path.size();
  const std::string& p = pattern[pi];
  SegmentKind k = kind_of(p);
  if (k == SegmentKind::kRest) {
    // Shortest first: "{id...}/publish" on ".../weights/x/publish" gives id = "weights/x".
    for (size_t end = si + 1; end <= path.size(); ++end) {
      if (!match_from(pattern, pi + 1, path, end, params)) continue;
      std::string value;
      for (size_t s = si; s < end; ++s) {
        if (s > si) value += '/';
        value += percent_decode(path[s]);
      }
      (*params)[param_name(p, k)] = std::move(value);
      return true;
    }
    return false;
  }
  if (si >= path.size()) return false;
  if (k == SegmentKind::kLiteral && p != path[si]) return false;
  if (!match_from(pattern, pi + 1, path, si + 1, params)) return false;
  if (k == SegmentKind::kParam) (*params)[param_name(p, k)] = percent_decode(path[si]);
  return true;
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch m;
  std::vector<std::string> segs = split(path);
  size_t best_literals = 0;
  for (const Entry& e : entries_) {
    std::map<std::string, std::string> params;
    if (!match_from(e.segments, 0, segs, 0, &params)) continue;
    m.path_known = true;
    m.allowed.push_back(e.route.method);
    if (e.route.method != method) continue;
    if (m.route == nullptr || e.literals > best_literals) {
      m.route = &e.route;
      m.params = std::move(params);
      best_literals = e.literals;
    }
  }
  return m;
}

}  // namespace emu
