#include "options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "settings.h"

namespace emu {

namespace {

const char* kUsage =
    "usage: tinker-emulator --port PORT [--host 127.0.0.1] [--data-dir DIR]\n"
    "                       [--poll-hold-ms 25000] [--metadata-threshold-bytes 1048576]\n"
    "                       [--jwt] [--workers N] [--record-inputs N] [--quiet]\n"
    "                       [--hub-dir DIR] [--hub-redirect-host HOST]\n"
    "\n"
    "A local server speaking the Tinker HTTP protocol. --port 0 picks a free port; the\n"
    "chosen address is printed as 'listening on http://HOST:PORT'. See docs/emulator.md.\n";

bool parse_int(const char* s, int64_t min, int64_t max, int64_t* out) {
  if (s == nullptr || *s == '\0') return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

bool parse_options(int argc, char** argv, Options* out, int* exit_code) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto need_value = [&](const char** v) -> bool {
      if (has_inline) {
        *v = value.c_str();
        return true;
      }
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tinker-emulator: %s needs a value\n", arg.c_str());
        return false;
      }
      *v = argv[++i];
      return true;
    };
    const char* v = nullptr;
    int64_t n = 0;
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      *exit_code = 0;
      return false;
    } else if (arg == "--jwt") {
      o.jwt = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else if (arg == "--port") {
      if (!need_value(&v)) goto bad;
      if (!parse_int(v, 0, 65535, &n)) {
        std::fprintf(stderr, "tinker-emulator: bad --port '%s'\n", v);
        goto bad;
      }
      o.port = static_cast<int>(n);
    } else if (arg == "--host") {
      if (!need_value(&v)) goto bad;
      o.host = v;
    } else if (arg == "--hub-dir") {
      if (!need_value(&v)) goto bad;
      o.hub_dir = v;
    } else if (arg == "--hub-redirect-host") {
      if (!need_value(&v)) goto bad;
      o.hub_redirect_host = v;
    } else if (arg == "--data-dir") {
      if (!need_value(&v)) goto bad;
      o.data_dir = v;
    } else if (arg == "--poll-hold-ms") {
      if (!need_value(&v)) goto bad;
      if (!parse_int(v, 0, 3600 * 1000, &n)) {
        std::fprintf(stderr, "tinker-emulator: bad --poll-hold-ms '%s'\n", v);
        goto bad;
      }
      o.poll_hold_ms = n;
    } else if (arg == "--metadata-threshold-bytes") {
      if (!need_value(&v)) goto bad;
      if (!parse_int(v, 0, INT64_C(1) << 40, &n)) {
        std::fprintf(stderr, "tinker-emulator: bad --metadata-threshold-bytes '%s'\n", v);
        goto bad;
      }
      o.metadata_threshold_bytes = n;
    } else if (arg == "--workers") {
      if (!need_value(&v)) goto bad;
      if (!parse_int(v, 1, 256, &n)) {
        std::fprintf(stderr, "tinker-emulator: bad --workers '%s'\n", v);
        goto bad;
      }
      o.workers = static_cast<int>(n);
    } else if (arg == "--record-inputs") {
      if (!need_value(&v)) goto bad;
      if (!parse_int(v, 0, Settings::kMaxRecordInputs, &n)) {
        std::fprintf(stderr, "tinker-emulator: bad --record-inputs '%s'\n", v);
        goto bad;
      }
      o.record_inputs = n;
    } else {
      std::fprintf(stderr, "tinker-emulator: unknown option '%s'\n", argv[i]);
      goto bad;
    }
  }
  if (o.port < 0) {
    std::fprintf(stderr, "tinker-emulator: --port is required (0 picks a free port)\n");
    goto bad;
  }
  *out = o;
  return true;
bad:
  std::fputs(kUsage, stderr);
  *exit_code = 2;
  return false;
}

}  // namespace emu
