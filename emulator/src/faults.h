// Fault injection (docs/emulator.md "Faults": 408/410/429/5xx/empty 400/402, slow
// responses, dropped connections, lost answers, truncated and malformed bodies, paused queue
// states, expired futures). A fault targets one exact path, optionally narrowed (for
// retrieve_future) to one request id or to futures of one request type, and is used up one
// hit at a time, oldest matching fault first.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cjson/cJSON.h>

namespace emu {

enum class FaultAction {
  kStatus,      // answer a given status at once; the handler does not run
  kDrop,        // close the connection at once; the handler does not run
  kDropReply,   // run the handler, then close the connection instead of sending its answer
  kTruncate,    // run the handler, send half its body
  kCorrupt,     // run the handler, replace its body by invalid JSON
  kDelay,       // run the handler, send its answer later
  kQueueState,  // retrieve_future of a pending job: try_again with a given queue state
  kExpire,      // retrieve_future: forget the polled job first, so the poll answers 410
};

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
  // Narrowing, retrieve_future only: the body's request_id, and the request type (job kind,
  // e.g. "Sample") of the future it names. A fault with either matches nothing else.
  std::optional<std::string> request_id;
  std::optional<std::string> request_type;
  int64_t hits = 0;
};

// What a request offers to the narrowing fields: for retrieve_future, the polled request id
// and the kind of its job (null when unknown).
struct FaultTarget {
  const std::string* request_id = nullptr;
  const std::string* request_type = nullptr;
};

inline constexpr const char* kRetrieveFuturePath = "/api/v1/retrieve_future";

// Parses the POST /_emulator/faults body; false with *error set when invalid.
bool parse_fault(const cJSON* body, Fault* out, std::string* error);

class FaultTable {
 public:
  int64_t add(Fault f);
  // The first live fault for `path` that `target` matches, with its count decremented
  // (removed when used up). Faults that do not match are left untouched.
  std::optional<Fault> take(const std::string& path, const FaultTarget& target = {});
  void clear() { faults_.clear(); }
  // {"faults": [...]} for GET /_emulator/faults.
  std::string to_json() const;

 private:
  int64_t next_id_ = 1;
  std::deque<Fault> faults_;
};

}  // namespace emu
