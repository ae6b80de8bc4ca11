// File helpers declared in emu_model/checkpoint.h.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "emu_model/checkpoint.h"

namespace tinker::emu {

namespace {

Status io_error(const std::string& what, const std::string& path) {
  return Status::internal_error(what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& bytes) {
  // A unique temporary name (pid + counter), so two writers of one path never share it;
  // the last rename wins, and readers only ever see a complete file.
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return io_error("cannot create", tmp);
  const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool flushed = std::fflush(f) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !flushed || !closed) {
    Status st = io_error("cannot write", tmp);
    std::remove(tmp.c_str());
    return st;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = io_error("cannot rename to", path);
    std::remove(tmp.c_str());
    return st;
  }
  return Status::ok();
}

Status read_whole_file(const std::string& path, std::string* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return io_error("cannot open", path);
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return io_error("cannot read", path);
  *bytes = std::move(data);
  return Status::ok();
}

}  // namespace tinker::emu
