// Reading a whole file into memory, never without a bound: token files, cache refs and
// tokenizer files live where other programs write, so their size is not trusted either.
#pragma once

#include <cstddef>
#include <string>

namespace tinker {

struct FileText {
  enum class Outcome { Ok, Missing, Denied, TooLarge, Unreadable };
  Outcome outcome = Outcome::Unreadable;
  int error = 0;     // errno when the file could not be opened or read
  std::string text;  // the whole file when outcome == Ok
  bool ok() const { return outcome == Outcome::Ok; }
};

// Reads `path` whole when it holds at most `max_bytes` bytes (TooLarge otherwise, after reading
// at most max_bytes + 1 of them).
FileText read_file_text(const std::string& path, size_t max_bytes);

}  // namespace tinker
