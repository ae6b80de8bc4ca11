#include "router.h"

namespace emu {

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
  e.route = std::move(r);
  entries_.push_back(std::move(e));
}

bool Router::match_segments(const std::vector<std::string>& pattern,
                            const std::vector<std::string>& path,
                            std::map<std::string, std::string>* params) {
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    bool is_param = p.size() >= 2 && p.front() == '{' && p.back() == '}';
    if (is_param && p.size() > 5 && p.compare(p.size() - 4, 4, "...}") == 0) {
      if (i >= path.size()) return false;
      std::string rest;
      for (size_t k = i; k < path.size(); ++k) rest += (k == i ? "" : "/") + path[k];
      (*params)[p.substr(1, p.size() - 5)] = rest;
      return true;
    }
    if (i >= path.size()) return false;
    if (is_param) {
      (*params)[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  return i == path.size();
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch m;
  std::vector<std::string> segs = split(path);
  for (const Entry& e : entries_) {
    std::map<std::string, std::string> params;
    if (!match_segments(e.segments, segs, &params)) continue;
    m.path_known = true;
    m.allowed.push_back(e.route.method);
    if (m.route == nullptr && e.route.method == method) {
      m.route = &e.route;
      m.params = std::move(params);
    }
  }
  return m;
}

}  // namespace emu
