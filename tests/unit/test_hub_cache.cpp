// The Hugging Face cache as huggingface_hub lays it out (src/hub/hub_cache.h, docs/hub.md):
// blobs named by ETag, written through a temporary name; snapshot entries as relative links to
// them; refs naming the commit of a branch. Offline resolution through fetch_file reads only
// this layout. No network: offline fetches and refused inputs never reach the transport.
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <future>

#include "core/file_text.h"
#include "hub/hub_cache.h"
#include "hub/hub_fetch.h"
#include "unit_test.h"

using namespace tinker::hub;

namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kCommit2 = "89abcdef0123456789abcdef0123456789abcdef";

std::string temp_dir() {
  char tmpl[] = "/tmp/test_hub_cache-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return tmpl;
}

void remove_tree(const std::string& path) {
  std::string cmd = "rm -rf '" + path + "'";
  assert_int_equal(system(cmd.c_str()), 0);
}

std::string read_file(const std::string& path) {
  tinker::FileText file = tinker::read_file_text(path, size_t{1} << 30);
  return file.ok() ? file.text : "<missing>";
}

std::string link_target(const std::string& path) {
  char buf[512];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "<not a link>" : std::string(buf, static_cast<size_t>(n));
}

size_t entries(const std::string& dir) {
  size_t n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
    closedir(d);
  }
  return n;
}

void etags_become_safe_blob_names_or_nothing(void** state) {
  (void)state;
  assert_string_equal(normalize_etag("\"abc123\"")->c_str(), "abc123");
  assert_string_equal(normalize_etag("W/\"abc-1.2_3\"")->c_str(), "abc-1.2_3");
  assert_string_equal(normalize_etag("deadbeef")->c_str(), "deadbeef");
  for (const char* bad : {"", "\"\"", "\"../../x\"", "a/b", "..", ".hidden", "a b", "\"x\ny\"", "W/"})
    assert_false(normalize_etag(bad).has_value());
  assert_false(normalize_etag(std::string(129, 'a')).has_value());
  assert_true(normalize_etag(std::string(128, 'a')).has_value());
}

void layout_is_huggingface_hubs(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  RepoCache c(cache, "org/name");
  assert_string_equal(c.folder().c_str(), (cache + "/models--org--name").c_str());
  std::string error;
  assert_true(c.store_blob("etag1", "{\"a\":1}", &error));
  assert_true(c.link("main", kCommit, "tokenizer.json", "etag1", &error));

  const std::string folder = cache + "/models--org--name";
  assert_string_equal(read_file(folder + "/blobs/etag1").c_str(), "{\"a\":1}");
  assert_string_equal(link_target(folder + "/snapshots/" + kCommit + "/tokenizer.json").c_str(), "../../blobs/etag1");
  assert_string_equal(read_file(folder + "/snapshots/" + kCommit + "/tokenizer.json").c_str(), "{\"a\":1}");
  assert_string_equal(read_file(folder + "/refs/main").c_str(), kCommit.c_str());
  assert_int_equal(entries(folder + "/blobs"), 1);  // no temporary file left behind
  assert_int_equal(entries(folder + "/refs"), 1);

  // A file in a directory links one level further up; a branch with '/' is a ref in a directory.
  assert_true(c.store_blob("etag2", "x", &error));
  assert_true(c.link("refs/pr/1", kCommit, "sub/file.txt", "etag2", &error));
  assert_string_equal(link_target(folder + "/snapshots/" + kCommit + "/sub/file.txt").c_str(), "../../../blobs/etag2");
  assert_string_equal(read_file(folder + "/snapshots/" + kCommit + "/sub/file.txt").c_str(), "x");
  assert_string_equal(read_file(folder + "/refs/refs/pr/1").c_str(), kCommit.c_str());
  remove_tree(cache);
}

void a_commit_revision_writes_no_ref(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  RepoCache c(cache, "org/name");
  std::string error;
  assert_true(c.store_blob("e", "bytes", &error));
  assert_true(c.link(kCommit, kCommit, "f.json", "e", &error));
  assert_int_equal(entries(c.folder() + "/refs"), 0);
  assert_string_equal(c.cached_file(kCommit, "f.json")->c_str(), c.snapshot_path(kCommit, "f.json").c_str());
  remove_tree(cache);
}

void cached_file_follows_the_ref_to_the_snapshot(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  RepoCache c(cache, "org/name");
  std::string error;
  assert_false(c.cached_file("main", "tokenizer.json").has_value());  // nothing cached
  assert_true(c.store_blob("e1", "old", &error));
  assert_true(c.link("main", kCommit, "tokenizer.json", "e1", &error));
  assert_string_equal(c.cached_file("main", "tokenizer.json")->c_str(), c.snapshot_path(kCommit, "tokenizer.json").c_str());
  assert_false(c.cached_file("main", "other.json").has_value());
  assert_false(c.cached_file("dev", "tokenizer.json").has_value());

  // main moves to a new commit: the ref follows, the old snapshot stays for its commit.
  assert_true(c.store_blob("e2", "new", &error));
  assert_true(c.link("main", kCommit2, "tokenizer.json", "e2", &error));
  assert_string_equal(read_file(*c.cached_file("main", "tokenizer.json")).c_str(), "new");
  assert_string_equal(read_file(*c.cached_file(kCommit, "tokenizer.json")).c_str(), "old");

  // A ref that does not hold a commit is no ref; a link to a missing blob is no file.
  FILE* f = fopen((c.folder() + "/refs/main").c_str(), "wb");
  fputs("../../etc/passwd", f);
  fclose(f);
  assert_false(c.cached_file("main", "tokenizer.json").has_value());
  unlink(c.blob_path("e1").c_str());
  assert_false(c.cached_file(kCommit, "tokenizer.json").has_value());
  remove_tree(cache);
}

void a_snapshot_link_is_replaced_when_the_blob_changes(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  RepoCache c(cache, "org/name");
  std::string error;
  assert_true(c.store_blob("e1", "one", &error));
  assert_true(c.link("main", kCommit, "t.json", "e1", &error));
  assert_true(c.store_blob("e2", "two", &error));
  assert_true(c.link("main", kCommit, "t.json", "e2", &error));
  assert_string_equal(link_target(c.snapshot_path(kCommit, "t.json")).c_str(), "../../blobs/e2");
  assert_int_equal(entries(c.folder() + "/snapshots/" + kCommit), 1);  // no temporary link left
  remove_tree(cache);
}

void a_cached_blob_is_reused_not_rewritten(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  RepoCache c(cache, "org/name");
  std::string error;
  assert_false(c.has_blob("e1"));
  assert_true(c.store_blob("e1", "bytes", &error));
  assert_true(c.has_blob("e1"));
  struct stat before, after;
  assert_int_equal(stat(c.blob_path("e1").c_str(), &before), 0);
  // Another revision naming the same blob: only a link and a ref, the blob's inode unchanged.
  assert_true(c.link("v2", kCommit2, "t.json", "e1", &error));
  assert_int_equal(stat(c.blob_path("e1").c_str(), &after), 0);
  assert_int_equal(before.st_ino, after.st_ino);
  assert_string_equal(read_file(*c.cached_file("v2", "t.json")).c_str(), "bytes");
  remove_tree(cache);
}

// ---- fetch_file without the network ----

struct Outcome {
  tinker_status_t status = TINKER_OK;
  std::string message, path;
};

Outcome fetch(const HubSettings& s, FileRef file) {
  tinker::Runtime rt(tinker::http::Settings{}, tinker::Logger{});
  auto result = std::make_shared<std::promise<Outcome>>();
  fetch_file(rt, tinker::Logger{}, std::move(file), s, 5000, [result](const tinker::Error* e, const std::string& path) {
    Outcome o;
    if (e) {
      o.status = e->code;
      o.message = e->message;
    }
    o.path = path;
    result->set_value(o);
  });
  auto fut = result->get_future();
  assert_true(fut.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return fut.get();
}

HubSettings offline_settings(const std::string& cache) {
  HubSettings s;
  s.endpoint = "http://127.0.0.1:9";  // never asked: offline
  s.cache_dir = cache;
  s.offline = true;
  s.token = "hf_unit_secret_token";
  return s;
}

void offline_reads_the_cache_or_says_what_is_missing(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  Outcome o = fetch(offline_settings(cache), {"org/name", "main", "tokenizer.json"});
  assert_status(o.status, TINKER_E_UNAVAILABLE);
  assert_contains(o.message, "offline");
  assert_contains(o.message, "tokenizer.json");
  assert_contains(o.message, "org/name");
  assert_not_contains(o.message, "hf_unit_secret_token");

  RepoCache c(cache, "org/name");
  std::string error;
  assert_true(c.store_blob("e1", "{}", &error));
  assert_true(c.link("main", kCommit, "tokenizer.json", "e1", &error));
  o = fetch(offline_settings(cache), {"org/name", "main", "tokenizer.json"});
  assert_status(o.status, TINKER_OK);
  assert_string_equal(o.path.c_str(), c.snapshot_path(kCommit, "tokenizer.json").c_str());
  o = fetch(offline_settings(cache), {"org/name", kCommit, "tokenizer.json"});
  assert_status(o.status, TINKER_OK);
  remove_tree(cache);
}

void unusable_inputs_are_refused_before_any_request(void** state) {
  (void)state;
  const std::string cache = temp_dir();
  HubSettings s = offline_settings(cache);
  s.offline = false;
  assert_status(fetch(s, {"../etc", "main", "f"}).status, TINKER_E_INVALID_ARGUMENT);
  assert_status(fetch(s, {"org/name", "../main", "f"}).status, TINKER_E_INVALID_ARGUMENT);
  assert_status(fetch(s, {"org/name", "main", "../../f"}).status, TINKER_E_INVALID_ARGUMENT);
  HubSettings bad = s;
  bad.endpoint = "ftp://h";
  assert_status(fetch(bad, {"org/name", "main", "f"}).status, TINKER_E_INVALID_ARGUMENT);
  bad = s;
  bad.endpoint = "http://user:pw@h";
  assert_status(fetch(bad, {"org/name", "main", "f"}).status, TINKER_E_INVALID_ARGUMENT);
  bad = s;
  bad.token = "hf_abc\r\nX-Evil: 1";
  Outcome o = fetch(bad, {"org/name", "main", "f"});
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT);
  assert_contains(o.message, "token");
  assert_not_contains(o.message, "hf_abc");
  remove_tree(cache);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(etags_become_safe_blob_names_or_nothing),
      cmocka_unit_test(layout_is_huggingface_hubs),
      cmocka_unit_test(a_commit_revision_writes_no_ref),
      cmocka_unit_test(cached_file_follows_the_ref_to_the_snapshot),
      cmocka_unit_test(a_snapshot_link_is_replaced_when_the_blob_changes),
      cmocka_unit_test(a_cached_blob_is_reused_not_rewritten),
      cmocka_unit_test(offline_reads_the_cache_or_says_what_is_missing),
      cmocka_unit_test(unusable_inputs_are_refused_before_any_request),
  };
  return cmocka_run_group_tests_name("hub_cache", tests, nullptr, nullptr);
}
