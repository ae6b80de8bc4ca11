// tinker::json::parse (every small JSON document the server sends: client/config, futures,
// errors, tokens) on any bytes. What it accepts nests no deeper than cJSON's limit (parsing
// recurses, so the limit is what bounds the stack), prints to text that parses back and prints
// the same again, and trailing whitespace changes nothing.
#include <algorithm>
#include <string>

#include "wire/json.h"
#include "fuzz_check.h"

namespace {

// Deepest [ / { nesting outside strings.
int max_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  tinker::json::Ptr doc = tinker::json::parse(text);
  FUZZ_CHECK(!tinker::json::parse(text + " \t\r\n") == !doc, "trailing whitespace changed the outcome");
  if (!doc) return 0;
  FUZZ_CHECK(max_depth(text) <= CJSON_NESTING_LIMIT, "accepted nesting " + std::to_string(max_depth(text)));

  const std::string printed = tinker::json::dump(doc.get());
  FUZZ_CHECK(!printed.empty(), "printing failed");
  tinker::json::Ptr again = tinker::json::parse(printed);
  FUZZ_CHECK(again != nullptr, "printed text does not parse: " + printed.substr(0, 200));
  FUZZ_CHECK(tinker::json::dump(again.get()) == printed, "printing is not stable: " + printed.substr(0, 200));
  return 0;
}
