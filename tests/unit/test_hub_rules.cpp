// The Hub fetcher's pure rules (src/hub/, docs/hub.md): which repository holds a model's
// tokenizer (the SDK's rule) and which it refuses, the checks on repository ids, revisions and
// file names, the settings read from huggingface_hub's environment variables, and the URL rules
// that keep the token on the endpoint's origin.
#include <unistd.h>

#include <map>

#include "hub/hub_settings.h"
#include "hub/hub_url.h"
#include "hub/repo_id.h"
#include "unit_test.h"

using namespace tinker::hub;

namespace {

std::string repo_for(const std::string& model, const std::string& tokenizer_id = "") {
  std::string repo;
  tinker::Error e;
  if (!tokenizer_repo_for(model, tokenizer_id, &repo, &e)) return "error " + std::to_string(e.code) + ": " + e.message;
  return repo;
}

void tokenizer_repository_follows_the_sdk_rule(void** state) {
  (void)state;
  assert_string_equal(repo_for("Qwen/Qwen3-8B", "tinker-emulator/bytes").c_str(), "tinker-emulator/bytes");
  assert_string_equal(repo_for("Qwen/Qwen3-8B").c_str(), "Qwen/Qwen3-8B");
  assert_string_equal(repo_for("Qwen/Qwen3-8B:peft:123").c_str(), "Qwen/Qwen3-8B");
  assert_string_equal(repo_for("meta-llama/Llama-3.1-8B").c_str(), "thinkingmachineslabinc/meta-llama-3-instruct-tokenizer");
  assert_string_equal(repo_for("meta-llama/Llama-3.2-1B:x").c_str(), "thinkingmachineslabinc/meta-llama-3-instruct-tokenizer");
  assert_string_equal(repo_for("meta-llama/Llama-2-7b").c_str(), "meta-llama/Llama-2-7b");
  assert_string_equal(repo_for("org/model/variant").c_str(), "org/model");
  assert_string_equal(repo_for("org/model/variant:tag/with/slashes").c_str(), "org/model");
}

void python_only_tokenizers_are_refused_naming_the_model(void** state) {
  (void)state;
  for (const char* model : {"moonshotai/Kimi-K2-Thinking", "moonshotai/Kimi-K2.5-Text-Only", "moonshotai/Kimi-K2.5",
                            "moonshotai/Kimi-K2.6", "TML/some-model", "thinkingmachines/x", "moonshotai/Kimi-K2.5:v2"}) {
    std::string r = repo_for(model);
    assert_contains(r, "error " + std::to_string(TINKER_E_UNIMPLEMENTED));
    assert_contains(r, std::string(model));
  }
  // The refusal follows the repository, also when model info names it.
  assert_contains(repo_for("Qwen/Qwen3-8B", "TML/tok"), "error " + std::to_string(TINKER_E_UNIMPLEMENTED));
  assert_string_equal(repo_for("moonshotai/Kimi-K2").c_str(), "moonshotai/Kimi-K2");
}

void repository_ids_are_validated(void** state) {
  (void)state;
  for (const char* ok : {"org/name", "Qwen/Qwen3-8B", "a_b/c.d-e", "tinker-emulator/bytes"})
    assert_true(valid_repo_id(ok));
  for (const char* bad : {"", "name", "a/b/c", "/a", "a/", ".a/b", "a/.b", "-a/b", "a/-b", "a/b..c", "a b/c", "a/b?x",
                          "a/b#", "a/%2e", "a\\b/c", "a/b\n"})
    assert_false(valid_repo_id(bad));
  assert_contains(repo_for("bad id/x"), "error " + std::to_string(TINKER_E_INVALID_ARGUMENT));
  assert_contains(repo_for("x", "../../etc"), "error " + std::to_string(TINKER_E_INVALID_ARGUMENT));
}

void revisions_and_file_names_are_validated(void** state) {
  (void)state;
  for (const char* ok : {"main", "v1.0", "refs/pr/1", "0123456789abcdef0123456789abcdef01234567"})
    assert_true(valid_revision(ok));
  for (const char* bad : {"", "/main", "main/", "a//b", "..", "a/../b", ".hidden", "-x", "a b", "a?b"})
    assert_false(valid_revision(bad));
  for (const char* ok : {"tokenizer.json", "sub/dir/file.txt", ".gitattributes"}) assert_true(valid_filename(ok));
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", "x/", "a b", "a%2F..", "a\\b"})
    assert_false(valid_filename(bad));
  assert_true(is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  assert_false(is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));
  assert_false(is_commit_hash("0123456789abcdef0123456789abcdef0123456"));
  assert_false(is_commit_hash("main"));
}

// ---- settings from the environment ----

struct Env {
  std::map<std::string, std::string> vars;
  HubSettings read() const {
    return HubSettings::from_environment([this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    });
  }
};

std::string temp_dir() {
  char tmpl[] = "/tmp/test_hub_rules-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return tmpl;
}

void write_file(const std::string& path, const std::string& text) {
  FILE* f = fopen(path.c_str(), "wb");
  assert_non_null(f);
  fwrite(text.data(), 1, text.size(), f);
  fclose(f);
}

void settings_default_to_huggingface_hubs(void** state) {
  (void)state;
  Env env{{{"HOME", "/home/u"}}};
  HubSettings s = env.read();
  assert_string_equal(s.endpoint.c_str(), "https://huggingface.co");
  assert_string_equal(s.cache_dir.c_str(), "/home/u/.cache/huggingface/hub");
  assert_true(s.token.empty());  // no /home/u/.cache/huggingface/token here
  assert_false(s.offline);
  assert_int_equal(s.max_file_bytes, int64_t{128} << 20);

  env.vars["XDG_CACHE_HOME"] = "/xdg";
  assert_string_equal(env.read().cache_dir.c_str(), "/xdg/huggingface/hub");
  env.vars["HF_HOME"] = "/hf";
  assert_string_equal(env.read().cache_dir.c_str(), "/hf/hub");
  env.vars["HF_HUB_CACHE"] = "/cache";
  assert_string_equal(env.read().cache_dir.c_str(), "/cache");
}

void endpoint_comes_from_hf_endpoint(void** state) {
  (void)state;
  Env env{{{"HOME", "/h"}, {"HF_ENDPOINT", "http://mirror.example:8080/"}}};
  assert_string_equal(env.read().endpoint.c_str(), "http://mirror.example:8080");
  env.vars["HF_ENDPOINT"] = "";
  assert_string_equal(env.read().endpoint.c_str(), "https://huggingface.co");
}

void token_from_variable_then_token_path_then_hf_home(void** state) {
  (void)state;
  const std::string dir = temp_dir();
  write_file(dir + "/token", "hf_home_token\n");
  write_file(dir + "/other", "  hf_path_token \n");
  Env env{{{"HF_HOME", dir}}};
  assert_string_equal(env.read().token.c_str(), "hf_home_token");
  env.vars["HF_TOKEN_PATH"] = dir + "/other";
  assert_string_equal(env.read().token.c_str(), "hf_path_token");
  env.vars["HF_TOKEN"] = "hf_env_token";
  assert_string_equal(env.read().token.c_str(), "hf_env_token");
  env.vars["HF_TOKEN"] = "";  // empty counts as unset
  assert_string_equal(env.read().token.c_str(), "hf_path_token");
  env.vars["HF_TOKEN_PATH"] = dir + "/missing";
  assert_true(env.read().token.empty());
  // A "token file" far larger than a token is not read as one.
  write_file(dir + "/huge", std::string(10000, 'a'));
  env.vars["HF_TOKEN_PATH"] = dir + "/huge";
  assert_true(env.read().token.empty());
  for (const char* f : {"/token", "/other", "/huge"}) unlink((dir + f).c_str());
  rmdir(dir.c_str());
}

void offline_takes_huggingface_hubs_truth_values(void** state) {
  (void)state;
  for (const char* yes : {"1", "ON", "on", "YES", "yes", "TRUE", "True", " true "}) {
    Env env{{{"HOME", "/h"}, {"HF_HUB_OFFLINE", yes}}};
    assert_true(env.read().offline);
  }
  for (const char* no : {"0", "", "OFF", "no", "false", "2", "enabled"}) {
    Env env{{{"HOME", "/h"}, {"HF_HUB_OFFLINE", no}}};
    assert_false(env.read().offline);
  }
  assert_false(env_truthy(nullptr));
}

void code_overrides_what_the_environment_gave(void** state) {
  (void)state;
  Env env{{{"HOME", "/h"}, {"HF_HUB_OFFLINE", "1"}, {"HF_TOKEN", "t"}}};
  HubSettings s = env.read();
  s.offline = false;
  s.token.clear();
  s.endpoint = "http://127.0.0.1:1";
  assert_false(s.offline);
  assert_true(s.token.empty());
  // The process-wide defaults are read once and kept.
  assert_ptr_equal(&HubSettings::environment_defaults(), &HubSettings::environment_defaults());
}

// ---- URLs ----

void resolve_url_encodes_the_revision_as_one_segment(void** state) {
  (void)state;
  assert_string_equal(resolve_url("https://huggingface.co", "org/name", "main", "tokenizer.json").c_str(),
                      "https://huggingface.co/org/name/resolve/main/tokenizer.json");
  assert_string_equal(resolve_url("http://h:1", "o/n", "refs/pr/1", "a/b.json").c_str(),
                      "http://h:1/o/n/resolve/refs%2Fpr%2F1/a/b.json");
}

void origins_compare_scheme_host_and_port(void** state) {
  (void)state;
  assert_true(origin_of("https://huggingface.co/x") == origin_of("https://HuggingFace.co:443/y?z"));
  assert_true(origin_of("http://127.0.0.1:80/a") == origin_of("http://127.0.0.1"));
  assert_false(origin_of("http://127.0.0.1:8080/a") == origin_of("http://localhost:8080/a"));
  assert_false(origin_of("http://h:1/") == origin_of("https://h:1/"));
  assert_false(origin_of("http://h:1/") == origin_of("http://h:2/"));
  assert_true(origin_of("http://[::1]:5/x").ok);
  for (const char* bad : {"", "/path", "ftp://h/", "http://", "http://user:pw@h/", "http://h:99999/", "http://h:x/",
                          "file:///etc/passwd"})
    assert_false(origin_of(bad).ok);
}

void redirects_resolve_relative_locations_on_the_same_origin(void** state) {
  (void)state;
  std::string out, why;
  const std::string cur = "http://127.0.0.1:5/org/name/resolve/main/tokenizer.json";
  assert_true(resolve_location(cur, "/other/name/resolve/main/tokenizer.json", &out, &why));
  assert_string_equal(out.c_str(), "http://127.0.0.1:5/other/name/resolve/main/tokenizer.json");
  assert_true(resolve_location(cur, "x.json", &out, &why));
  assert_string_equal(out.c_str(), "http://127.0.0.1:5/org/name/resolve/main/x.json");
  assert_true(resolve_location(cur, "//cdn.example/f", &out, &why));
  assert_string_equal(out.c_str(), "http://cdn.example/f");
  assert_true(resolve_location(cur, "HTTPS://cdn.example/f?sig=1", &out, &why));
  assert_string_equal(out.c_str(), "HTTPS://cdn.example/f?sig=1");
  for (const char* bad : {"", "ftp://h/f", "file:///etc/passwd", "javascript:alert(1)", "data:,x", "/a b",
                          "/a\r\nX-Injected: 1", "http://user:pw@h/f", "http:///nohost"}) {
    assert_false(resolve_location(cur, bad, &out, &why));
    assert_false(why.empty());
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(tokenizer_repository_follows_the_sdk_rule),
      cmocka_unit_test(python_only_tokenizers_are_refused_naming_the_model),
      cmocka_unit_test(repository_ids_are_validated),
      cmocka_unit_test(revisions_and_file_names_are_validated),
      cmocka_unit_test(settings_default_to_huggingface_hubs),
      cmocka_unit_test(endpoint_comes_from_hf_endpoint),
      cmocka_unit_test(token_from_variable_then_token_path_then_hf_home),
      cmocka_unit_test(offline_takes_huggingface_hubs_truth_values),
      cmocka_unit_test(code_overrides_what_the_environment_gave),
      cmocka_unit_test(resolve_url_encodes_the_revision_as_one_segment),
      cmocka_unit_test(origins_compare_scheme_host_and_port),
      cmocka_unit_test(redirects_resolve_relative_locations_on_the_same_origin),
  };
  return cmocka_run_group_tests_name("hub_rules", tests, nullptr, nullptr);
}
