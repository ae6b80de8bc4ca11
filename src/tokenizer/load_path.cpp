#include "tokenizer/load_path.h"

#include <cstring>
#include <sys/stat.h>

#include "core/file_text.h"
#include "tokenizer/error.h"
#include "tokenizer/json_doc.h"

namespace tinker::tok {

namespace {

std::string read_file(const std::string& path) {
  FileText file = read_file_text(path, json::Document::kMaxText);
  switch (file.outcome) {
    case FileText::Outcome::Ok:
      return std::move(file.text);
    case FileText::Outcome::TooLarge:
      throw TokenizerError(TINKER_E_RESOURCE_EXHAUSTED, path + " is over the limit of 1 GiB");
    case FileText::Outcome::Missing:
      throw TokenizerError(TINKER_E_NOT_FOUND, "cannot open " + path + ": " + std::strerror(file.error));
    case FileText::Outcome::Denied:
      throw TokenizerError(TINKER_E_PERMISSION_DENIED, "cannot open " + path + ": " + std::strerror(file.error));
    case FileText::Outcome::Unreadable:
      break;
  }
  throw TokenizerError(TINKER_E_INVALID_ARGUMENT, "cannot read " + path + ": " + std::strerror(file.error));
}

}  // namespace

std::unique_ptr<Tokenizer> load_path(const std::string& path) {
  std::string file = path;
  std::string config_file;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    file = path + "/tokenizer.json";
    config_file = path + "/tokenizer_config.json";
  }
  const std::string json = read_file(file);
  if (config_file.empty() || ::stat(config_file.c_str(), &st) != 0) return Tokenizer::load(json, nullptr);
  const std::string config = read_file(config_file);
  const std::string_view config_view = config;
  return Tokenizer::load(json, &config_view);
}

}  // namespace tinker::tok
