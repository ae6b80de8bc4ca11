// Where and how the Hub fetcher works: endpoint, credential, cache, offline mode and limits.
// Filled from the environment once, with huggingface_hub's variables and defaults, so that a
// Python program and libtinker on one machine share one cache and one login (docs/hub.md);
// every field may then be overridden by code (the client's options).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace tinker::hub {

struct HubSettings {
  std::string endpoint = "https://huggingface.co";  // HF_ENDPOINT, without a trailing '/'
  // HF_TOKEN, else the file HF_TOKEN_PATH, else $HF_HOME/token; "" = anonymous. Sent only to
  // the endpoint's origin; never logged, never in a message.
  std::string token;
  std::string cache_dir;  // HF_HUB_CACHE, else $HF_HOME/hub
  bool offline = false;   // HF_HUB_OFFLINE
  // The largest file fetched: tokenizer files are a few MiB; a larger answer is refused before
  // it fills memory.
  int64_t max_file_bytes = int64_t{128} << 20;
  // Attempts after a 5xx, 408, 429 or a network failure, before the cached copy (if any) is used.
  int max_retries = 3;

  // Reads the variables through `getenv` (tests pass their own table). Never fails: an unreadable
  // token file means no token.
  static HubSettings from_environment(const std::function<const char*(const char*)>& getenv);
  // The process environment, read on first use and kept.
  static const HubSettings& environment_defaults();
};

// huggingface_hub's truth values: "1", "ON", "YES", "TRUE" in any case.
bool env_truthy(const char* value);

}  // namespace tinker::hub
