// A list of named metrics, in the order the server gave them; a repeated name keeps its last
// value (docs/protocol.md §6.3, §7.4).
//
// Also the object behind the C API's tinker_metrics_t: results hand out a pointer to their own
// metrics, so the codecs fill the very object the caller reads, with no copy.
#pragma once

#include <string>
#include <utility>
#include <vector>

struct tinker_metrics {
  std::vector<std::pair<std::string, double>> items;
};
