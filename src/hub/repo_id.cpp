#include "hub/repo_id.h"

#include <algorithm>
#include <iterator>

namespace tinker::hub {

namespace {

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// Splits on '/' and checks each segment: non-empty, only name characters, and whatever
// `segment_ok` adds.
template <class SegmentOk>
bool segments_ok(const std::string& s, SegmentOk segment_ok) {
  if (s.empty() || s.size() > 512) return false;
  size_t begin = 0;
  for (;;) {
    size_t end = s.find('/', begin);
    std::string seg = s.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (seg.empty() || !std::all_of(seg.begin(), seg.end(), name_char) || !segment_ok(seg)) return false;
    if (end == std::string::npos) return true;
    begin = end + 1;
  }
}

bool not_hidden_or_option(const std::string& seg) { return seg[0] != '.' && seg[0] != '-'; }

// The SDK's own rule for Llama 3 models: one tokenizer repository serves them all.
constexpr const char* kLlama3Prefix = "meta-llama/Llama-3";
constexpr const char* kLlama3Tokenizer = "thinkingmachineslabinc/meta-llama-3-instruct-tokenizer";

// Tokenizers whose loading runs Python code from the repository (trust_remote_code) or that
// the SDK loads by code of its own: nothing here can load them.
constexpr const char* kRemoteCodeRepos[] = {"moonshotai/Kimi-K2-Thinking", "moonshotai/Kimi-K2.5-Text-Only",
                                            "moonshotai/Kimi-K2.5", "moonshotai/Kimi-K2.6"};
constexpr const char* kPythonOnlyPrefixes[] = {"TML/", "thinkingmachines/"};

bool needs_python(const std::string& repo) {
  for (const char* p : kPythonOnlyPrefixes)
    if (repo.rfind(p, 0) == 0) return true;
  return std::find(std::begin(kRemoteCodeRepos), std::end(kRemoteCodeRepos), repo) != std::end(kRemoteCodeRepos);
}

}  // namespace

bool valid_repo_id(const std::string& repo) {
  if (std::count(repo.begin(), repo.end(), '/') != 1 || repo.find("..") != std::string::npos) return false;
  return segments_ok(repo, not_hidden_or_option);
}

bool valid_revision(const std::string& revision) {
  return revision.find("..") == std::string::npos && segments_ok(revision, not_hidden_or_option);
}

bool valid_filename(const std::string& filename) {
  return segments_ok(filename, [](const std::string& seg) { return seg != "." && seg != ".."; });
}

bool is_commit_hash(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool tokenizer_repo_for(const std::string& model_name, const std::string& tokenizer_id, std::string* repo,
                        Error* error) {
  std::string id = tokenizer_id;
  if (id.empty()) {
    const std::string name = model_name.substr(0, model_name.find(':'));
    if (name.rfind(kLlama3Prefix, 0) == 0) {
      id = kLlama3Tokenizer;
    } else if (std::count(name.begin(), name.end(), '/') == 2) {
      id = name.substr(0, name.rfind('/'));  // "org/model/variant": the variant shares the model's tokenizer
    } else {
      id = name;
    }
  }
  if (needs_python(id)) {
    *error = make_error(TINKER_E_UNIMPLEMENTED,
                        "get_tokenizer: the tokenizer of model '" + model_name + "' (" + id +
                            ") is loaded by Python code that libtinker does not run");
    return false;
  }
  if (!valid_repo_id(id)) {
    *error = make_error(TINKER_E_INVALID_ARGUMENT, "get_tokenizer: '" + id + "', the tokenizer repository of model '" +
                                                       model_name + "', is not a valid Hugging Face repository id");
    return false;
  }
  *repo = id;
  return true;
}

}  // namespace tinker::hub
