// The codec's error convention: functions return bool and, on false, leave a message naming
// the message/field at fault in *err. Every public function accepts a null err.
#pragma once

#include <string>

namespace tinker::wire {

inline bool fail(std::string* err, std::string msg) {
  if (err) *err = std::move(msg);
  return false;
}

}  // namespace tinker::wire
