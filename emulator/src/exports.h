// The state of the files the emulator prepares in the background for a client to download at a
// signed URL (downloads.h): checkpoint archives, one per checkpoint (GET …/archive), and trace
// exports, one at a time per session (GET sessions/{id}/trace_export). A request starts the
// work on a worker and is answered "not yet" (503 / pending) until the file is written.
// Loop-thread only; workers report back through EventLoop::post().
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace emu {

struct Export {
  enum class State { kWorking, kReady, kFailed };
  State state = State::kWorking;
  uint64_t generation = 0;  // which start() this is (a late worker's answer for an older one is dropped)
  uint64_t version = 0;     // archives: the checkpoint's save seq the archive was made from
  int64_t polls_left = 0;   // trace exports: polls still answered "pending" (a test setting)
  std::string token;        // the download's, once ready
  std::string error;        // once failed
};

// Exports by key: a checkpoint's tinker:// path, or a session id.
class ExportTable {
 public:
  Export* find(const std::string& key);
  // A fresh export for `key`, replacing any.
  Export& start(const std::string& key);
  void forget(const std::string& key) { by_key_.erase(key); }
  // The export of `key` if it is still the one `generation` started.
  Export* current(const std::string& key, uint64_t generation);

 private:
  std::map<std::string, Export> by_key_;
  uint64_t next_generation_ = 0;
};

}  // namespace emu
