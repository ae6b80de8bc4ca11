#include "core/file_text.h"

#include <cerrno>
#include <cstdio>

namespace tinker {

FileText read_file_text(const std::string& path, size_t max_bytes) {
  FileText r;
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    r.error = errno;
    r.outcome = r.error == ENOENT || r.error == ENOTDIR ? FileText::Outcome::Missing
                : r.error == EACCES                     ? FileText::Outcome::Denied
                                                        : FileText::Outcome::Unreadable;
    return r;
  }
  char buffer[1 << 16];
  size_t n;
  r.outcome = FileText::Outcome::Ok;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    if (n > max_bytes - r.text.size()) {  // text.size() <= max_bytes: no wrap-around
      r.outcome = FileText::Outcome::TooLarge;
      break;
    }
    r.text.append(buffer, n);
  }
  if (r.outcome == FileText::Outcome::Ok && std::ferror(f) != 0) {
    r.error = errno;
    r.outcome = FileText::Outcome::Unreadable;
  }
  std::fclose(f);
  if (!r.ok()) r.text.clear();
  return r;
}

}  // namespace tinker
