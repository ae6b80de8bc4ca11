#include "core/log.h"

#include "core/printable.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tinker {

Logger::Logger(tinker_log_callback_t cb, void* user_data, tinker_log_level_t level)
    : cb_(cb), user_data_(user_data), level_(level) {}

void Logger::log(tinker_log_level_t level, const std::string& message) const {
  if (!enabled(level)) return;
  const std::string line = printable(message);  // messages carry server text (printable.h)
  if (cb_) {
    cb_(level, line.c_str(), user_data_);
    return;
  }
  static const char* names[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "libtinker %s: %s\n", names[level], line.c_str());
}

tinker_log_level_t Logger::level_from_env() {
  const char* v = std::getenv("TINKER_LOG");
  if (!v) return TINKER_LOG_OFF;
  if (!std::strcmp(v, "debug")) return TINKER_LOG_DEBUG;
  if (!std::strcmp(v, "info")) return TINKER_LOG_INFO;
  if (!std::strcmp(v, "warning")) return TINKER_LOG_WARNING;
  if (!std::strcmp(v, "error")) return TINKER_LOG_ERROR;
  return TINKER_LOG_OFF;
}

}  // namespace tinker
