// The Hugging Face Hub's file endpoint, offline: GET and HEAD /{org}/{name}/resolve/{revision}/{file}
// with the headers libtinker's Hub fetcher reads (src/hub/, docs/hub.md): X-Repo-Commit, a
// quoted ETag, Content-Length. No authentication, as for a public repository.
//
// Repositories: "tinker-emulator/bytes" (the tokenizer_id model info reports) and every name in
// supported_models serve a generated tokenizer.json of the byte-token model and a
// tokenizer_config.json; with --hub-dir DIR, DIR/{org}/{name}/{file} are served as they are
// (real tokenizer files for tests), before the generated ones. A repository's commit is a hash
// of its id; revisions other than "main" and that commit are 404.
//
// --hub-redirect-host HOST answers every Hub request that did not come for HOST with a 302 to
// the same path on http://HOST:<port>: a redirect to another host name, so tests can check
// that a client does not carry its token there.
#include <sys/stat.h>

#include <algorithm>

#include "app.h"
#include "base_models.h"
#include "crypto.h"
#include "emu_model/checkpoint.h"  // read_whole_file

namespace emu {

namespace {

// The largest file --hub-dir serves (tokenizer files are a few MiB).
constexpr off_t kMaxHubFileBytes = off_t{512} << 20;

// GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the others for
// U+0100 onwards in byte order. Byte-level BPE tokenizers name their 256 byte symbols so.
std::string byte_symbol(int b) {
  auto printable = [](int c) { return (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF); };
  int cp = b;
  if (!printable(b)) {
    cp = 256;
    for (int c = 0; c < b; ++c)
      if (!printable(c)) ++cp;
  }
  std::string utf8;
  if (cp < 0x80) {
    utf8 += static_cast<char>(cp);
  } else {
    utf8 += static_cast<char>(0xC0 | (cp >> 6));
    utf8 += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return utf8;
}

cJSON* byte_level() {
  cJSON* o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "type", "ByteLevel");
  cJSON_AddBoolToObject(o, "add_prefix_space", 0);
  cJSON_AddBoolToObject(o, "trim_offsets", 1);
  cJSON_AddBoolToObject(o, "use_regex", 0);
  return o;
}

// The byte-token model's tokenizer (vocabulary 256, token id = byte value): byte-level BPE
// without merges, so every byte of the text is one token.
std::string make_tokenizer_json() {
  json::Ptr t = json::new_object();
  cJSON* root = t.get();
  cJSON_AddStringToObject(root, "version", "1.0");
  cJSON_AddNullToObject(root, "truncation");
  cJSON_AddNullToObject(root, "padding");
  cJSON_AddItemToObject(root, "added_tokens", cJSON_CreateArray());
  cJSON_AddNullToObject(root, "normalizer");
  cJSON_AddItemToObject(root, "pre_tokenizer", byte_level());
  cJSON_AddNullToObject(root, "post_processor");
  cJSON_AddItemToObject(root, "decoder", byte_level());
  cJSON* model = cJSON_AddObjectToObject(root, "model");
  cJSON_AddStringToObject(model, "type", "BPE");
  cJSON_AddNullToObject(model, "dropout");
  cJSON_AddNullToObject(model, "unk_token");
  cJSON_AddNullToObject(model, "continuing_subword_prefix");
  cJSON_AddNullToObject(model, "end_of_word_suffix");
  cJSON_AddBoolToObject(model, "fuse_unk", 0);
  cJSON_AddBoolToObject(model, "byte_fallback", 0);
  cJSON_AddBoolToObject(model, "ignore_merges", 0);
  cJSON* vocab = cJSON_AddObjectToObject(model, "vocab");
  for (int b = 0; b < kTinyVocab; ++b) cJSON_AddNumberToObject(vocab, byte_symbol(b).c_str(), b);
  cJSON_AddItemToObject(model, "merges", cJSON_CreateArray());
  return json::dump(root);
}

std::string make_tokenizer_config_json() {
  json::Ptr c = json::new_object();
  cJSON_AddStringToObject(c.get(), "tokenizer_class", "PreTrainedTokenizerFast");
  cJSON_AddBoolToObject(c.get(), "add_bos_token", 0);
  cJSON_AddBoolToObject(c.get(), "add_eos_token", 0);
  cJSON_AddBoolToObject(c.get(), "clean_up_tokenization_spaces", 0);
  cJSON_AddNumberToObject(c.get(), "model_max_length", 1000000);
  return json::dump(c.get());
}

// Path segments as the Hub allows them; nothing else reaches the file system.
bool safe_segment(const std::string& s) {
  return !s.empty() && s.size() <= 255 && s[0] != '.' && s[0] != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
         });
}

bool safe_file(const std::string& file) {
  size_t begin = 0;
  for (;;) {
    size_t end = file.find('/', begin);
    if (!safe_segment(file.substr(begin, end == std::string::npos ? end : end - begin))) return false;
    if (end == std::string::npos) return true;
    begin = end + 1;
  }
}

bool is_directory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool serves_generated(const App& app, const std::string& repo) {
  if (repo == kTokenizerId) return true;
  const cJSON* models = app.settings.supported_models.get();
  const cJSON* m = nullptr;
  cJSON_ArrayForEach(m, models) {
    auto name = json::get_string(m, "model_name");
    if (name && *name == repo) return true;
  }
  return false;
}

Response hub_error(int status, const std::string& code, const std::string& message) {
  Response r = Response::error(status, message, code);
  r.headers.emplace_back("X-Error-Code", code);
  return r;
}

// The host part of the request's Host header ("localhost:8080" → "localhost").
std::string request_host(const Exchange* ex) {
  const char* h = ex->header("host");
  std::string host = h ? h : "";
  if (!host.empty() && host[0] == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

void resolve(App& app, Exchange* ex) {
  const std::string& redirect_host = app.opts.hub_redirect_host;
  if (!redirect_host.empty() && request_host(ex) != redirect_host) {
    Response r = Response::json(302, "");
    r.content_type.clear();
    r.headers.emplace_back("Location", "http://" + redirect_host + ":" + std::to_string(app.server.port()) + ex->path);
    return app.reply(ex, r);
  }
  const std::string& org = ex->params.at("org");
  const std::string& name = ex->params.at("name");
  const std::string& revision = ex->params.at("revision");
  const std::string& file = ex->params.at("file");
  const std::string repo = org + "/" + name;
  if (!safe_segment(org) || !safe_segment(name)) return app.reply(ex, hub_error(404, "RepoNotFound", "no such repository"));
  const std::string dir = app.opts.hub_dir.empty() ? "" : app.opts.hub_dir + "/" + repo;
  const bool from_dir = !dir.empty() && is_directory(dir);
  if (!from_dir && !serves_generated(app, repo))
    return app.reply(ex, hub_error(404, "RepoNotFound", "repository " + repo + " not found"));
  const std::string commit = sha256_hex("tinker-emulator hub commit\n" + repo).substr(0, 40);
  if (revision != "main" && revision != commit)
    return app.reply(ex, hub_error(404, "RevisionNotFound", "revision " + revision + " of " + repo + " not found"));

  Response r;
  r.content_type = "application/octet-stream";
  bool found = false;
  if (from_dir) {
    struct stat st;
    const std::string path = dir + "/" + file;
    found = safe_file(file) && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxHubFileBytes &&
            tinker::emu::read_whole_file(path, &r.body).is_ok();
  } else if (file == "tokenizer.json") {
    static const std::string tokenizer = make_tokenizer_json();
    r.body = tokenizer;
    found = true;
  } else if (file == "tokenizer_config.json") {
    static const std::string config = make_tokenizer_config_json();
    r.body = config;
    found = true;
  }
  if (!found) return app.reply(ex, hub_error(404, "EntryNotFound", file + " not found in " + repo));
  if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0) r.content_type = "application/json";
  r.headers.emplace_back("X-Repo-Commit", commit);
  r.headers.emplace_back("ETag", "\"" + sha256_hex(r.body) + "\"");
  if (ex->method == "HEAD") {  // the length of the body a GET would carry, and no body
    r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
    r.body.clear();
  }
  app.reply(ex, std::move(r));
}

}  // namespace

void register_hub_routes(Router& r) {
  for (const char* method : {"GET", "HEAD"})
    r.add({method, "/{org}/{name}/resolve/{revision}/{file...}", AuthMode::kNone, BodyMode::kIgnore, resolve});
}

}  // namespace emu
