// A map of strings to strings: user metadata, sent with create_session and create_model and read
// back from training runs and billing sessions (docs/protocol.md §7.15, §7.18).
//
// Also the object behind the C API's tinker_metadata_t: the caller builds one for a request
// (tinker_metadata_new/_set), and results hand out a pointer to their own, with no copy.
#pragma once

#include <map>
#include <string>

struct tinker_metadata {
  std::map<std::string, std::string> values;  // key order; a repeated key keeps its last value
};
