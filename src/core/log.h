// Logging: the user's callback and threshold, or stderr when TINKER_LOG asks for it.
#pragma once

#include <string>

#include "tinker/tinker.h"

namespace tinker {

class Logger {
 public:
  Logger() = default;
  Logger(tinker_log_callback_t cb, void* user_data, tinker_log_level_t level);

  bool enabled(tinker_log_level_t level) const { return level >= level_ && level_ != TINKER_LOG_OFF; }
  // Delivers printable(message) (core/printable.h): no credential, no control characters.
  void log(tinker_log_level_t level, const std::string& message) const;
  void debug(const std::string& m) const { if (enabled(TINKER_LOG_DEBUG)) log(TINKER_LOG_DEBUG, m); }
  void info(const std::string& m) const { if (enabled(TINKER_LOG_INFO)) log(TINKER_LOG_INFO, m); }
  void warning(const std::string& m) const { if (enabled(TINKER_LOG_WARNING)) log(TINKER_LOG_WARNING, m); }
  void error(const std::string& m) const { if (enabled(TINKER_LOG_ERROR)) log(TINKER_LOG_ERROR, m); }

  // Level named by env TINKER_LOG (debug/info/warning/error), OFF when unset or unknown.
  static tinker_log_level_t level_from_env();

 private:
  tinker_log_callback_t cb_ = nullptr;
  void* user_data_ = nullptr;
  tinker_log_level_t level_ = TINKER_LOG_OFF;
};

}  // namespace tinker
