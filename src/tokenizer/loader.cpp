// Tokenizer::load: tokenizer.json (and tokenizer_config.json) into the pipeline's components.
// Every component type is checked here, so an unsupported one fails the load, never an encode.
#include <unordered_set>

#include "tokenizer/error.h"
#include "tokenizer/tokenizer.h"

namespace tinker::tok {

namespace {

json::Document parse_or_throw(std::string_view text, const char* what) {
  json::Document doc;
  std::string error;
  if (!doc.parse(text, &error)) {
    if (text.size() > json::Document::kMaxText) throw TokenizerError(TINKER_E_RESOURCE_EXHAUSTED, std::string(what) + ": " + error);
    bad_file(std::string(what) + " is not valid JSON: " + error);
  }
  if (!doc.root().is_object()) bad_file(std::string(what) + " is not a JSON object");
  return doc;
}

bool token_flag(json::Value token, const char* name, bool fallback, size_t index) {
  json::Value v = token.get(name);
  if (v.is_null()) return fallback;
  if (!v.is_bool()) bad_file("added_tokens[" + std::to_string(index) + "]." + name + " is not a boolean");
  return v.boolean();
}

// A token named in tokenizer_config.json: a string, or an AddedToken object with "content".
std::optional<std::string> config_token(json::Value v) {
  if (v.is_string()) return v.str();
  if (v.is_object() && v.get("content").is_string()) return v.get("content").str();
  return std::nullopt;
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::load(std::string_view text, const std::string_view* config_text) {
  json::Document doc = parse_or_throw(text, "tokenizer.json");
  json::Value root = doc.root();
  std::unique_ptr<Tokenizer> t(new Tokenizer());

  json::Value model = root.get("model");
  if (!model.is_object()) bad_file("tokenizer.json has no \"model\" object");
  json::Value type = model.get("type");
  // Files written before "type" was serialized describe BPE by its merges.
  std::string model_type = type.is_string() ? type.str() : (model.get("merges").missing() ? "" : "BPE");
  if (model_type != "BPE") unimplemented("model type \"" + model_type + "\"");
  t->model_ = std::make_unique<Bpe>(model);

  if (!root.get("normalizer").is_null()) t->normalizer_ = make_normalizer(root.get("normalizer"));
  if (!root.get("pre_tokenizer").is_null()) t->pre_tokenizer_ = make_pre_tokenizer(root.get("pre_tokenizer"));
  if (!root.get("post_processor").is_null()) t->post_processor_ = make_post_processor(root.get("post_processor"));
  t->decoder_ = make_decoder(root.get("decoder"));
  // Settings that would change encode's ids and are not implemented.
  if (!root.get("truncation").is_null()) unimplemented("truncation");
  if (!root.get("padding").is_null() && !root.get("padding").is_object()) bad_file("padding is not an object");

  t->load_added_tokens(root.get("added_tokens"));

  std::optional<json::Document> config_doc;
  json::Value config;
  if (config_text) {
    config_doc.emplace(parse_or_throw(*config_text, "tokenizer_config.json"));
    config = config_doc->root();
  }
  t->load_named_tokens(root, config_text ? &config : nullptr);
  return t;
}

void Tokenizer::load_added_tokens(json::Value list) {
  std::vector<AddedToken> tokens;
  if (!list.is_null()) {
    if (!list.is_array()) bad_file("added_tokens is not an array");
    const size_t model_size = model_->vocab().size();
    int64_t max_added = -1;
    std::unordered_map<std::string, int32_t> assigned;
    json::Value item = list.first_child();
    for (uint32_t i = 0; i < list.size(); ++i, item = item.next_sibling()) {
      json::Value content = item.get("content");
      if (!content.is_string()) bad_file("added_tokens[" + std::to_string(i) + "] has no string \"content\"");
      AddedToken a;
      a.content = content.str();
      a.special = token_flag(item, "special", false, i);
      a.single_word = token_flag(item, "single_word", false, i);
      a.lstrip = token_flag(item, "lstrip", false, i);
      a.rstrip = token_flag(item, "rstrip", false, i);
      a.normalized = token_flag(item, "normalized", !a.special, i);
      if (!item.get("id").is_null() && !item.get("id").integer(0, INT32_MAX))
        bad_file("added_tokens[" + std::to_string(i) + "].id is not an integer in [0, 2^31)");
      if (a.content.empty()) continue;  // Hugging Face ignores empty tokens
      // Ids as Hugging Face's AddedVocabulary::add_tokens assigns them: the model's id for a
      // token it has, the id given before to the same text, else the next id after the model's
      // vocabulary and the added tokens so far. (The file's "id" only draws a warning there.)
      auto seen = assigned.find(a.content);
      int32_t model_id = model_->vocab().find(a.content);
      if (model_id >= 0) {
        a.id = model_id;
      } else if (seen != assigned.end()) {
        a.id = seen->second;
      } else {
        int64_t next = max_added < 0 ? int64_t(model_size)
                       : (max_added >= int64_t(model_size) || model_size == 0) ? max_added + 1
                                                                              : int64_t(model_size);
        if (next > INT32_MAX) bad_file("added_tokens: too many tokens");
        a.id = int32_t(next);
      }
      if (a.id > max_added) max_added = a.id;
      if (seen != assigned.end()) {
        // The same text again replaces the earlier entry's flags.
        for (AddedToken& earlier : tokens) {
          if (earlier.content == a.content) earlier = a;
        }
        continue;
      }
      assigned.emplace(a.content, a.id);
      tokens.push_back(std::move(a));
    }
  }
  std::vector<std::string> normalized_contents;
  for (const AddedToken& a : tokens)
    normalized_contents.push_back(a.normalized && normalizer_ ? normalizer_->normalize(a.content) : a.content);
  // The vocabulary's distinct ids: the model's and the added tokens' not already among them.
  std::unordered_set<int32_t> extra;
  for (const AddedToken& a : tokens) {
    if (!model_->vocab().token(a.id).data()) extra.insert(a.id);
  }
  vocab_size_ = model_->vocab().size() + extra.size();
  added_.build(std::move(tokens), normalized_contents);
}

void Tokenizer::load_named_tokens(json::Value root, const json::Value* config) {
  auto resolve = [&](NamedToken& out, const char* key, std::optional<std::string> fallback) {
    std::optional<std::string> content = fallback;
    if (config && !config->get(key).missing()) content = config_token(config->get(key));  // null: none
    out.content = content;
    out.id = content ? token_to_id(*content) : -1;
  };
  std::optional<std::string> lead, trail, pad;
  if (post_processor_) {
    lead = post_processor_->leading_special();
    trail = post_processor_->trailing_special();
  }
  json::Value padding = root.get("padding");
  if (padding.is_object() && padding.get("pad_token").is_string()) pad = padding.get("pad_token").str();
  resolve(bos_, "bos_token", lead);
  resolve(eos_, "eos_token", trail);
  resolve(pad_, "pad_token", pad);
}

}  // namespace tinker::tok
