// Fault injection (docs/emulator.md "Faults": 408/410/429/5xx/empty 400/402, slow
// responses, dropped connections, truncated and malformed bodies, paused queue states).
// A fault targets one exact path and is used up one hit at a time, oldest fault first.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cjson/cJSON.h>

namespace emu {

enum class FaultAction { kStatus, kDrop, kTruncate, kCorrupt, kDelay, kQueueState };

const char* fault_action_name(FaultAction a);

struct Fault {
  int64_t id = 0;
  std::string path;
  int64_t remaining = 1;  // -1 = never used up
  FaultAction action = FaultAction::kStatus;
  int status = 500;
  std::optional<std::string> body;  // absent = JSON error body; "" = empty body
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t delay_ms = 0;
  std::string queue_state = "paused_capacity";
  std::optional<std::string> queue_state_reason;
  int64_t hits = 0;
};

// Parses the POST /_emulator/faults body; false with *error set when invalid.
bool parse_fault(const cJSON* body, Fault* out, std::string* error);

class FaultTable {
 public:
  int64_t add(Fault f);
  // The first live fault for `path`, with its count decremented (removed when used up).
  std::optional<Fault> take(const std::string& path);
  void clear() { faults_.clear(); }
  // {"faults": [...]} for GET /_emulator/faults.
  std::string to_json() const;

 private:
  int64_t next_id_ = 1;
  std::deque<Fault> faults_;
};

}  // namespace emu
