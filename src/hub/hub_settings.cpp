#include "hub/hub_settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "core/file_text.h"

namespace tinker::hub {

namespace {

std::string get(const std::function<const char*(const char*)>& getenv, const char* name) {
  const char* v = getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

// A token file holds the token and perhaps a newline (huggingface-cli login writes it so).
// A token file is small; anything past this is not a token.
constexpr size_t kMaxTokenFileBytes = 4096;

std::string read_token_file(const std::string& path) {
  FileText file = read_file_text(path, kMaxTokenFileBytes);
  return file.ok() ? trim(file.text) : "";
}

}  // namespace

bool env_truthy(const char* value) {
  if (value == nullptr) return false;
  std::string v = trim(value);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::toupper(c); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

HubSettings HubSettings::from_environment(const std::function<const char*(const char*)>& getenv) {
  HubSettings s;
  std::string endpoint = get(getenv, "HF_ENDPOINT");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (!endpoint.empty()) s.endpoint = endpoint;

  std::string home = get(getenv, "HF_HOME");
  if (home.empty()) {
    std::string xdg = get(getenv, "XDG_CACHE_HOME");
    if (xdg.empty()) xdg = get(getenv, "HOME") + "/.cache";
    home = xdg + "/huggingface";
  }
  s.cache_dir = get(getenv, "HF_HUB_CACHE");
  if (s.cache_dir.empty()) s.cache_dir = home + "/hub";

  // An empty HF_TOKEN counts as unset, as in huggingface_hub.
  s.token = trim(get(getenv, "HF_TOKEN"));
  if (s.token.empty()) {
    std::string path = get(getenv, "HF_TOKEN_PATH");
    s.token = read_token_file(path.empty() ? home + "/token" : path);
  }
  s.offline = env_truthy(getenv("HF_HUB_OFFLINE"));
  return s;
}

const HubSettings& HubSettings::environment_defaults() {
  static const HubSettings s = from_environment([](const char* name) { return std::getenv(name); });
  return s;
}

}  // namespace tinker::hub
