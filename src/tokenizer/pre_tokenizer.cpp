#include "tokenizer/pre_tokenizer.h"

#include <algorithm>

#include "tokenizer/byte_level.h"
#include "tokenizer/error.h"
#include "tokenizer/sequence.h"

namespace tinker::tok {

namespace {

// GPT-2's pattern, which ByteLevel applies itself when use_regex is set.
constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

bool flag(json::Value config, const char* name, bool fallback) {
  json::Value v = config.get(name);
  if (v.is_null()) return fallback;
  if (!v.is_bool()) bad_file(std::string("pre_tokenizer.") + name + " is not a boolean");
  return v.boolean();
}

class Split final : public PreTokenizer {
 public:
  explicit Split(json::Value config) {
    json::Value pattern = config.get("pattern");
    json::Value regex = pattern.get("Regex"), literal = pattern.get("String");
    if (regex.is_string()) {
      regex_ = std::make_unique<Regex>(regex.str());
    } else if (literal.is_string()) {
      regex_ = std::make_unique<Regex>(Regex::escape(literal.str()));
    } else {
      bad_file("pre_tokenizer Split: pattern is neither {\"Regex\": ...} nor {\"String\": ...}");
    }
    json::Value behavior = config.get("behavior");
    std::string b = behavior.is_string() ? behavior.str() : "";
    if (b == "Removed") behavior_ = SplitBehavior::Removed;
    else if (b == "Isolated") behavior_ = SplitBehavior::Isolated;
    else if (b == "MergedWithPrevious") behavior_ = SplitBehavior::MergedWithPrevious;
    else if (b == "MergedWithNext") behavior_ = SplitBehavior::MergedWithNext;
    else if (b == "Contiguous") behavior_ = SplitBehavior::Contiguous;
    else bad_file("pre_tokenizer Split: unknown behavior \"" + b + "\"");
    invert_ = flag(config, "invert", false);
  }

  void apply(std::vector<std::string>& pieces, RegexScratch& scratch) const override {
    std::vector<std::string> out;
    out.reserve(pieces.size() * 4);
    for (const std::string& p : pieces) split_by_regex(p, *regex_, behavior_, invert_, scratch, out);
    pieces.swap(out);
  }

 private:
  std::unique_ptr<Regex> regex_;
  SplitBehavior behavior_ = SplitBehavior::Isolated;
  bool invert_ = false;
};

class ByteLevelPre final : public PreTokenizer {
 public:
  explicit ByteLevelPre(json::Value config) {
    add_prefix_space_ = flag(config, "add_prefix_space", true);
    if (flag(config, "use_regex", true)) regex_ = std::make_unique<Regex>(kGpt2Pattern);
  }

  void apply(std::vector<std::string>& pieces, RegexScratch& scratch) const override {
    if (add_prefix_space_) {
      for (std::string& p : pieces) {
        if (p.empty() || p[0] != ' ') p.insert(p.begin(), ' ');
      }
    }
    if (regex_) {
      std::vector<std::string> out;
      for (const std::string& p : pieces) split_by_regex(p, *regex_, SplitBehavior::Isolated, false, scratch, out);
      pieces.swap(out);
    }
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string mapped;
    for (std::string& p : pieces) {
      mapped.clear();
      alphabet.encode(p, mapped);
      p.swap(mapped);
    }
  }
  bool byte_level() const override { return true; }

 private:
  bool add_prefix_space_ = true;
  std::unique_ptr<Regex> regex_;
};

class SequencePre final : public PreTokenizer {
 public:
  explicit SequencePre(json::Value config)
      : steps_(sequence_steps<PreTokenizer>(config, "pre_tokenizer", "pretokenizers", [](json::Value item) { return make_pre_tokenizer(item); })) {}
  void apply(std::vector<std::string>& pieces, RegexScratch& scratch) const override {
    for (const auto& step : steps_) step->apply(pieces, scratch);
  }
  bool byte_level() const override {
    for (const auto& step : steps_) {
      if (step->byte_level()) return true;
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

void split_by_regex(const std::string& text, const Regex& regex, SplitBehavior behavior, bool invert,
                    RegexScratch& scratch, std::vector<std::string>& out) {
  // The cover of `text` by matches and the gaps between them, as Hugging Face's find_matches.
  struct Part {
    size_t start, end;
    bool match;
  };
  std::vector<Part> parts;
  if (text.empty()) {
    parts.push_back(Part{0, 0, false});
  } else {
    std::vector<std::pair<size_t, size_t>> found;
    regex.find_all(text, scratch, found);
    size_t prev = 0;
    for (auto [s, e] : found) {
      if (prev != s) parts.push_back(Part{prev, s, false});
      parts.push_back(Part{s, e, true});
      prev = e;
    }
    if (prev != text.size()) parts.push_back(Part{prev, text.size(), false});
  }
  if (invert) {
    for (Part& p : parts) p.match = !p.match;
  }
  std::vector<Part> kept;  // .match now means "remove"
  switch (behavior) {
    case SplitBehavior::Removed:
      kept = parts;
      break;
    case SplitBehavior::Isolated:
      for (Part p : parts) kept.push_back(Part{p.start, p.end, false});
      break;
    case SplitBehavior::Contiguous: {
      bool previous = false;
      for (const Part& p : parts) {
        if (p.match == previous && !kept.empty()) kept.back().end = p.end;
        else kept.push_back(Part{p.start, p.end, false});
        previous = p.match;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool previous = false;
      for (const Part& p : parts) {
        if (p.match && !previous && !kept.empty()) kept.back().end = p.end;
        else kept.push_back(Part{p.start, p.end, false});
        previous = p.match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous = false;
      for (size_t i = parts.size(); i-- > 0;) {
        const Part& p = parts[i];
        if (p.match && !previous && !kept.empty()) kept.back().start = p.start;
        else kept.push_back(Part{p.start, p.end, false});
        previous = p.match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
    }
  }
  for (const Part& p : kept) {
    if (!p.match && p.end > p.start) out.emplace_back(text, p.start, p.end - p.start);
  }
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(json::Value config) {
  if (!config.is_object()) bad_file("pre_tokenizer is not an object");
  json::Value type = config.get("type");
  std::string t = type.is_string() ? type.str() : "";
  if (t == "Split") return std::make_unique<Split>(config);
  if (t == "ByteLevel") return std::make_unique<ByteLevelPre>(config);
  if (t == "Sequence") return std::make_unique<SequencePre>(config);
  if (t.empty()) bad_file("pre_tokenizer has no \"type\"");
  unimplemented("pre_tokenizer type \"" + t + "\"");
}

}  // namespace tinker::tok
