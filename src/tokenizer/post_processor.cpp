#include "tokenizer/post_processor.h"

#include <map>

#include "tokenizer/error.h"
#include "tokenizer/sequence.h"

namespace tinker::tok {

namespace {

class ByteLevelPost final : public PostProcessor {
 public:
  void add_special_tokens(std::vector<int32_t>&) const override {}
};

class Template final : public PostProcessor {
 public:
  explicit Template(json::Value config) {
    json::Value specials = config.get("special_tokens");
    std::map<std::string, std::vector<int32_t>> ids_of;
    if (!specials.is_null()) {
      if (!specials.is_object()) bad_file("post_processor TemplateProcessing: special_tokens is not an object");
      specials.for_each_member([&](json::Value k, json::Value v) {
        json::Value ids = v.get("ids");
        if (!ids.is_array()) bad_file("post_processor TemplateProcessing: special token \"" + k.str() + "\" has no ids");
        std::vector<int32_t> list;
        json::Value id = ids.first_child();
        for (uint32_t j = 0; j < ids.size(); ++j, id = id.next_sibling()) {
          auto n = id.integer(0, INT32_MAX);
          if (!n) bad_file("post_processor TemplateProcessing: an id of \"" + k.str() + "\" is not an integer in [0, 2^31)");
          list.push_back(int32_t(*n));
        }
        ids_of[k.str()] = std::move(list);
        return false;
      });
    }
    json::Value single = config.get("single");
    if (!single.is_array()) bad_file("post_processor TemplateProcessing: \"single\" is not a list of pieces");
    json::Value piece = single.first_child();
    bool seen_sequence = false;
    for (uint32_t i = 0; i < single.size(); ++i, piece = piece.next_sibling()) {
      json::Value special = piece.get("SpecialToken"), sequence = piece.get("Sequence");
      if (special.is_object()) {
        std::string name = special.get("id").is_string() ? special.get("id").str() : "";
        auto it = ids_of.find(name);
        if (it == ids_of.end())
          bad_file("post_processor TemplateProcessing: template names \"" + name + "\", missing from special_tokens");
        items_.push_back(Item{false, it->second});
        (seen_sequence ? trailing_ : leading_) = name;
      } else if (sequence.is_object()) {
        std::string which = sequence.get("id").is_string() ? sequence.get("id").str() : "";
        if (which != "A") bad_file("post_processor TemplateProcessing: the single template uses sequence \"" + which + "\"");
        items_.push_back(Item{true, {}});
        seen_sequence = true;
      } else {
        bad_file("post_processor TemplateProcessing: a piece is neither SpecialToken nor Sequence");
      }
    }
  }

  void add_special_tokens(std::vector<int32_t>& ids) const override {
    std::vector<int32_t> out;
    out.reserve(ids.size() + 4);
    for (const Item& item : items_) {
      if (item.sequence) out.insert(out.end(), ids.begin(), ids.end());
      else out.insert(out.end(), item.ids.begin(), item.ids.end());
    }
    ids.swap(out);
  }
  std::optional<std::string> leading_special() const override { return leading_; }
  std::optional<std::string> trailing_special() const override { return trailing_; }

 private:
  struct Item {
    bool sequence;
    std::vector<int32_t> ids;
  };
  std::vector<Item> items_;
  std::optional<std::string> leading_, trailing_;
};

class SequencePost final : public PostProcessor {
 public:
  explicit SequencePost(json::Value config)
      : steps_(sequence_steps<PostProcessor>(config, "post_processor", "processors", [](json::Value item) { return make_post_processor(item); })) {}
  void add_special_tokens(std::vector<int32_t>& ids) const override {
    for (const auto& step : steps_) step->add_special_tokens(ids);
  }
  std::optional<std::string> leading_special() const override {
    for (const auto& step : steps_) {
      if (auto s = step->leading_special()) return s;
    }
    return std::nullopt;
  }
  std::optional<std::string> trailing_special() const override {
    for (const auto& step : steps_) {
      if (auto s = step->trailing_special()) return s;
    }
    return std::nullopt;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(json::Value config) {
  if (!config.is_object()) bad_file("post_processor is not an object");
  json::Value type = config.get("type");
  std::string t = type.is_string() ? type.str() : "";
  if (t == "ByteLevel") return std::make_unique<ByteLevelPost>();
  if (t == "TemplateProcessing") return std::make_unique<Template>(config);
  if (t == "Sequence") return std::make_unique<SequencePost>(config);
  if (t.empty()) bad_file("post_processor has no \"type\"");
  unimplemented("post_processor type \"" + t + "\"");
}

}  // namespace tinker::tok
