// Command-line options of tinker-emulator (docs/emulator.md lists them).
#pragma once

#include <cstdint>
#include <string>

namespace emu {

struct Options {
  int port = -1;  // required; 0 = pick a free port
  std::string host = "127.0.0.1";
  std::string data_dir;
  int64_t poll_hold_ms = 25000;
  int64_t metadata_threshold_bytes = 1 << 20;
  bool jwt = false;
  int workers = 0;  // 0 = number of CPUs (at least 2)
  int64_t record_inputs = 0;  // requests kept per model for GET /_emulator/inputs; 0 = off
  bool quiet = false;
  // The Hub file endpoint (handlers_hub.cpp): files served as they are from DIR/{org}/{name}/,
  // and a host name Hub requests are redirected to when they came for another one.
  std::string hub_dir;
  std::string hub_redirect_host;
};

// Parses argv. True to go on; false to exit with *exit_code (0 after --help, 2 after a usage
// error, whose message is already on stderr).
bool parse_options(int argc, char** argv, Options* out, int* exit_code);

}  // namespace emu
