// The request log behind GET /_emulator/log: what the SDK actually sent (headers that the
// protocol defines, body ids) so tests can assert on retries, poll iterations and ordering.
// API keys are never stored here; each key is represented by an anonymous user id.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu {

struct LogEntry {
  uint64_t seq = 0;
  double t_ms = 0;  // arrival, ms since emulator start (monotonic)
  std::string method;
  std::string path;
  int status = 0;  // status sent; stays 0 for dropped (or not yet answered) requests
  std::optional<std::string> fault;
  bool has_api_key = false;
  std::optional<std::string> user;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::optional<int64_t> seq_id;
  std::optional<std::string> model_id;
  std::optional<std::string> request_id;
  std::optional<std::string> session_id;
  std::optional<std::string> sampling_session_id;  // JSON body "sampling_session_id" (asample)
  std::optional<std::string> model_path;  // JSON body "model_path" (create_sampling_session)
};

class RequestLog {
 public:
  // Bounded so a long benchmark run cannot grow memory without limit; seq keeps counting.
  static constexpr size_t kMaxEntries = 100000;

  // Records the entry and returns its seq (>= 1).
  uint64_t add(LogEntry e);
  // The live entry with that seq, or nullptr if it was cleared or rotated out.
  LogEntry* find(uint64_t seq);
  void clear() { entries_.clear(); }
  // {"entries": [...]}, optionally only those whose path equals `path_filter`.
  std::string to_json(const std::optional<std::string>& path_filter) const;
  // {"entries": [...]} of the entries `keep` accepts (a session's trace export).
  std::string to_json_where(const std::function<bool(const LogEntry&)>& keep) const;

  // The request headers recorded verbatim (x-api-key is deliberately not among them).
  static const std::vector<const char*>& recorded_headers();

 private:
  uint64_t next_seq_ = 1;
  std::deque<LogEntry> entries_;
};

}  // namespace emu
