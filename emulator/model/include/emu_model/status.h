// Outcome of a model call: ok, a user error (the request is wrong) or an internal error (the
// emulator failed). The HTTP layer turns a failure into RequestFailedResponse
// {"error": message, "category": "user" | "server"} (protocol.md §7.17).
#pragma once

#include <string>
#include <utility>

namespace tinker::emu {

class [[nodiscard]] Status {
 public:
  enum class Kind { kOk, kUser, kInternal };

  Status() = default;
  static Status ok() { return Status(); }
  static Status user_error(std::string message) { return Status(Kind::kUser, std::move(message)); }
  static Status internal_error(std::string message) {
    return Status(Kind::kInternal, std::move(message));
  }

  bool is_ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  // Empty when ok; otherwise a sentence naming the offending input.
  const std::string& message() const { return message_; }
  // "user" or "server", the `category` of a failed future (§3.2); "" when ok.
  const char* category() const {
    return kind_ == Kind::kOk ? "" : (kind_ == Kind::kUser ? "user" : "server");
  }

 private:
  Status(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
};

}  // namespace tinker::emu
