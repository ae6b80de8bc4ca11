// A .tar.gz writer for checkpoint archives (docs/emulator.md "Checkpoint archives"): POSIX
// ustar, regular files only, names relative and without "." or ".." parts, compressed with
// zlib's gzip wrapper. Enough for Python's tarfile and GNU tar; nothing else is needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emu {

struct TarFile {
  std::string name;   // relative, '/'-separated, < 100 bytes (no ustar prefix field needed)
  std::string bytes;  // the file's content
  int64_t mtime = 0;  // unix seconds
};

// The .tar.gz of `files`, in order; false with *error for a name the format or the rules above
// do not allow, or when compression fails.
bool make_tar_gz(const std::vector<TarFile>& files, std::string* out, std::string* error);

}  // namespace emu
