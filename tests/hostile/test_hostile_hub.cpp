// The Hub fetcher (src/hub/hub_fetch.h, docs/hub.md) against a scripted Hub that redirects,
// lies and fails, and against tinker-emulator's Hub endpoint (started with
// --hub-redirect-host localhost and --hub-dir $HUB_FILES_DIR by CMake). What each test holds:
// the token reaches the endpoint's origin and nothing else, redirects are bounded and checked,
// every failure has its status, the cache is used as huggingface_hub uses it, and the token
// is in no error message and no log line.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>

#include <cjson/cJSON.h>

#include "core/file_text.h"
#include "fixture.h"
#include "hub/hub_fetch.h"
#include "hub/tokenizer_snapshot.h"

using hostile::Conn;
using hostile::Request;
using hostile::Rule;
using hostile::Server;
using tinker::hub::FileRef;
using tinker::hub::HubSettings;

// The status a fetch ended with, printing its message when it is not the expected one.
#define expect_status(actual, expected)                                                             \
  do {                                                                                              \
    const tinker_status_t a_ = (actual);                                                            \
    if (a_ != (expected)) {                                                                         \
      print_error("expected %s, got %s\n", tinker_status_str(expected), tinker_status_str(a_));   \
      fail();                                                                                       \
    }                                                                                               \
  } while (0)
#define expect_in(hay, needle)                                                                      \
  do {                                                                                              \
    if (!itest::contains((hay), (needle))) {                                                        \
      print_error("expected \"%s\" in \"%s\"\n", std::string(needle).c_str(), std::string(hay).c_str()); \
      fail();                                                                                       \
    }                                                                                               \
  } while (0)
#define expect_not_in(hay, needle)                                                                  \
  do {                                                                                              \
    if (itest::contains((hay), (needle))) {                                                         \
      print_error("a credential (or part of it) in a message or log line\n");                     \
      fail();                                                                                       \
    }                                                                                               \
  } while (0)

namespace {

const std::string kToken = "hf_HostileHubSecret7Qx2Lm9Vb4Kd8Wz";
const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kPath = "/org/name/resolve/main/tokenizer.json";
const std::string kBody = "{\"model\": {\"vocab\": {}}}";

std::mutex g_mu;
std::vector<std::string> g_evidence;  // every error message and log line of the program
std::string g_cache;                  // this test's cache directory

void note(const std::string& s) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_evidence.push_back(s);
}

void on_log(tinker_log_level_t, const char* message, void*) { note(message ? message : ""); }

struct Outcome {
  tinker_status_t status = TINKER_OK;
  std::string message, path;
};

// One fetch on a fresh runtime with a skipping clock (retry waits pass at once; a transfer in
// flight is real time). `control` receives the cancel while the fetch runs.
using Start = std::function<std::function<void()>(tinker::Runtime&, const tinker::Logger&, tinker::hub::FetchDone)>;

Outcome run(const Start& start, const std::function<void(const std::function<void()>&)>& control = nullptr) {
  tinker::Logger logger(on_log, nullptr, TINKER_LOG_DEBUG);
  tinker::Runtime rt(tinker::http::Settings{}, logger, std::make_shared<tinker::SkippingClock>());
  auto result = std::make_shared<std::promise<Outcome>>();
  auto cancel = start(rt, logger, [result](const tinker::Error* e, const std::string& p) {
    Outcome o;
    if (e) o.status = e->code, o.message = e->message;
    o.path = p;
    result->set_value(o);
  });
  if (control) control(cancel);
  auto fut = result->get_future();
  assert_true(fut.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  Outcome o = fut.get();
  note(o.message);
  return o;
}

Outcome fetch(const HubSettings& s, const FileRef& f = {"org/name", "main", "tokenizer.json"}, int64_t deadline_ms = 20000,
              const std::function<void(const std::function<void()>&)>& control = nullptr) {
  return run([&](tinker::Runtime& rt, const tinker::Logger& logger,
                 tinker::hub::FetchDone done) { return tinker::hub::fetch_file(rt, logger, f, s, deadline_ms, done); },
             control);
}

// The tokenizer's snapshot directory (hub/tokenizer_snapshot.h).
Outcome fetch_snapshot(const HubSettings& s, const std::string& repo,
                       const std::function<void(const std::function<void()>&)>& control = nullptr) {
  return run([&](tinker::Runtime& rt, const tinker::Logger& logger, tinker::hub::FetchDone done) {
    return tinker::hub::fetch_tokenizer_snapshot(rt, logger, repo, s, 20000, done);
  }, control);
}

HubSettings settings(const std::string& endpoint) {
  HubSettings s;
  s.endpoint = endpoint;
  s.token = kToken;
  s.cache_dir = g_cache;
  s.max_retries = 2;
  return s;
}

std::string slurp(const std::string& path) {
  tinker::FileText file = tinker::read_file_text(path, size_t{1} << 30);
  return file.ok() ? file.text : "<missing>";
}

ino_t inode(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// ---- the scripted Hub ----

struct File {
  std::string body = kBody;
  std::string commit = kCommit;
  std::string etag = "\"etag-one\"";
  std::string extra;  // more header lines, each ending "\r\n"
};

File sized(size_t n) {
  File f;
  f.body.assign(n, 'x');
  return f;
}

// A Hub file answer: headers for HEAD, headers and body for GET.
std::function<void(const Request&, Conn&)> serve(File f) {
  return [f](const Request& req, Conn& c) {
    std::string out = "HTTP/1.1 200 OK\r\n";
    if (!f.commit.empty()) out += "X-Repo-Commit: " + f.commit + "\r\n";
    if (!f.etag.empty()) out += "ETag: " + f.etag + "\r\n";
    out += f.extra + "Content-Length: " + std::to_string(f.body.size()) + "\r\n\r\n";
    if (req.method != "HEAD") out += f.body;
    c.write(out);
  };
}

std::function<void(const Request&, Conn&)> redirect(const std::string& location, const std::string& extra = "",
                                                    int status = 302) {
  return [=](const Request&, Conn& c) {
    c.write("HTTP/1.1 " + std::to_string(status) + " Found\r\nLocation: " + location + "\r\n" + extra +
            "Content-Length: 0\r\n\r\n");
  };
}

std::function<void(const Request&, Conn&)> status(int code, const std::string& body = "{\"error\": \"no\"}") {
  return [=](const Request&, Conn& c) {
    c.write("HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
  };
}

Rule rule(const std::string& path, std::function<void(const Request&, Conn&)> fn, int times = -1) {
  Rule r;
  r.path = path;
  r.answer = std::move(fn);
  r.remaining = times;
  return r;
}

size_t with_token(const Server& s) {
  size_t n = 0;
  for (const auto& r : s.requests())
    if (r.header("authorization") == "Bearer " + kToken) ++n;
  return n;
}

size_t count_method(const Server& s, const std::string& method) {
  size_t n = 0;
  for (const auto& r : s.requests()) n += r.method == method;
  return n;
}

// Requests to a host that is not the endpoint: no Authorization at all, and the token nowhere.
void assert_no_token_on(const Server& s) {
  for (const auto& r : s.requests()) {
    assert_true(r.header("authorization").empty());
    assert_true(r.head.find(kToken) == std::string::npos);
  }
}

std::string localhost_url(const Server& s) { return "http://localhost:" + std::to_string(s.port()); }

int setup(void**) {
  char tmpl[] = "/tmp/hostile_hub-XXXXXX";
  if (!mkdtemp(tmpl)) return -1;
  g_cache = tmpl;
  return 0;
}

int teardown(void**) {
  std::string cmd = "rm -rf '" + g_cache + "'";
  return system(cmd.c_str()) == 0 ? 0 : -1;
}

// ---- credentials and redirects ----

void token_goes_to_the_endpoint_and_not_to_the_cdn_it_redirects_to(void**) {
  Server hub, cdn;
  // The Hub's large-file answer: the metadata on a redirect to a CDN on another host.
  hub.add_rule(rule(kPath, redirect(localhost_url(cdn) + "/blob?sig=1",
                                    "X-Repo-Commit: " + kCommit + "\r\nX-Linked-Etag: \"sha-big\"\r\n")));
  cdn.add_rule(rule("/blob", serve(File{})));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_OK);
  assert_string_equal(slurp(o.path).c_str(), kBody.c_str());
  assert_int_equal(with_token(hub), hub.requests().size());  // HEAD and GET, both with the token
  assert_int_equal(hub.requests().size(), 2);
  assert_int_equal(count_method(cdn, "GET"), 1);
  assert_no_token_on(cdn);
  assert_true(o.path.find("/snapshots/" + kCommit + "/tokenizer.json") != std::string::npos);
}

void a_redirect_without_metadata_is_followed_without_the_token(void**) {
  Server hub, other;
  hub.add_rule(rule(kPath, redirect(localhost_url(other) + kPath)));
  other.add_rule(rule(kPath, serve(File{})));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_OK);
  assert_int_equal(with_token(hub), 2);
  assert_int_equal(other.requests().size(), 2);  // HEAD and GET followed there
  assert_no_token_on(other);
}

void a_relative_redirect_keeps_the_token(void**) {
  Server hub;
  const std::string renamed = "/org/renamed/resolve/main/tokenizer.json";
  hub.add_rule(rule(kPath, redirect("/org/renamed/resolve/main/tokenizer.json", "", 307)));
  hub.add_rule(rule(renamed, serve(File{})));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_OK);
  assert_int_equal(hub.count(renamed), 2);
  assert_int_equal(with_token(hub), 4);
}

void a_redirect_loop_stops_after_five(void**) {
  Server hub;
  hub.add_rule(rule(kPath, redirect(kPath)));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_E_DATA_LOSS);
  expect_in(o.message, "redirects");
  assert_int_equal(hub.count(kPath), 6);  // the request and five redirects followed
}

void a_location_that_is_not_http_is_refused(void**) {
  for (const char* location : {"ftp://localhost/x", "file:///etc/passwd", "javascript:alert(1)"}) {
    Server hub;
    hub.add_rule(rule(kPath, redirect(location)));
    Outcome o = fetch(settings(hub.url()));
    expect_status(o.status, TINKER_E_DATA_LOSS);
    assert_int_equal(hub.requests().size(), 1);
  }
}

// ---- statuses ----

void not_found_names_the_repository_and_the_file(void**) {
  Server hub;
  hub.add_rule(rule(kPath, status(404)));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_E_NOT_FOUND);
  expect_in(o.message, "org/name");
  expect_in(o.message, "tokenizer.json");
}

void unauthorized_and_forbidden_say_the_repository_may_be_gated(void**) {
  Server hub;
  hub.add_rule(rule(kPath, status(401)));
  HubSettings anonymous = settings(hub.url());
  anonymous.token.clear();
  Outcome o = fetch(anonymous);
  expect_status(o.status, TINKER_E_UNAUTHENTICATED);
  expect_in(o.message, "gated");
  expect_in(o.message, "token is needed");
  assert_true(hub.requests()[0].header("authorization").empty());  // no token, no header

  hub.clear_rules();
  // A server that echoes the credential back: the message carries it redacted.
  hub.add_rule(rule(kPath, status(403, "{\"error\": \"token " + kToken + " may not read this\"}")));
  o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_E_PERMISSION_DENIED);
  expect_in(o.message, "gated");
  expect_not_in(o.message, kToken);
}

void a_server_error_is_retried_then_succeeds(void**) {
  Server hub;
  hub.add_rule(rule(kPath, status(500), 1));
  hub.add_rule(rule(kPath, serve(File{})));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_OK);
  assert_int_equal(hub.count(kPath), 3);  // HEAD 500, HEAD, GET
}

void a_server_that_keeps_failing_is_unavailable(void**) {
  Server hub;
  hub.add_rule(rule(kPath, status(503)));
  Outcome o = fetch(settings(hub.url()));
  expect_status(o.status, TINKER_E_UNAVAILABLE);
  expect_in(o.message, "3 attempts");
  assert_int_equal(hub.count(kPath), 3);  // max_retries = 2
}

void a_body_over_the_limit_is_refused(void**) {
  HubSettings s;
  {
    Server hub;  // the HEAD announces it
    hub.add_rule(rule(kPath, serve(sized(5000))));
    s = settings(hub.url());
    s.max_file_bytes = 1000;
    Outcome o = fetch(s);
    expect_status(o.status, TINKER_E_RESOURCE_EXHAUSTED);
    assert_int_equal(count_method(hub, "GET"), 0);
  }
  {
    Server hub;  // the HEAD says little, the body is large
    File small, large = sized(5000);
    hub.add_rule(rule(kPath, [=](const Request& r, Conn& c) { (r.method == "HEAD" ? serve(small) : serve(large))(r, c); }));
    s.endpoint = hub.url();
    Outcome o = fetch(s);
    expect_status(o.status, TINKER_E_RESOURCE_EXHAUSTED);
    expect_in(o.message, "1000 bytes");
  }
  {
    Server hub;  // a large file's size on its redirect
    hub.add_rule(rule(kPath, redirect(localhost_url(hub) + "/blob",
                                      "X-Repo-Commit: " + kCommit + "\r\nX-Linked-Etag: \"e\"\r\nX-Linked-Size: 99999\r\n")));
    s.endpoint = hub.url();
    expect_status(fetch(s).status, TINKER_E_RESOURCE_EXHAUSTED);
  }
}

void a_missing_or_invalid_commit_or_etag_is_data_loss(void**) {
  File no_commit, bad_commit, bad_etag, no_etag;
  no_commit.commit = "";
  bad_commit.commit = "../../../../etc";
  bad_etag.etag = "\"../../refs/main\"";
  no_etag.etag = "";
  for (const File& f : {no_commit, bad_commit, bad_etag, no_etag}) {
    Server hub;
    hub.add_rule(rule(kPath, serve(f)));
    Outcome o = fetch(settings(hub.url()));
    expect_status(o.status, TINKER_E_DATA_LOSS);
    expect_in(o.message, "X-Repo-Commit");
  }
  struct stat st;
  assert_true(stat((g_cache + "/refs").c_str(), &st) != 0);  // nothing escaped the repository folder
}

// ---- the cache ----

void a_cached_blob_is_not_downloaded_again(void**) {
  Server hub;
  hub.add_rule(rule(kPath, serve(File{})));
  Outcome first = fetch(settings(hub.url()));
  expect_status(first.status, TINKER_OK);
  const std::string blob = g_cache + "/models--org--name/blobs/etag-one";
  const ino_t before = inode(blob);
  assert_true(before != 0);
  Outcome second = fetch(settings(hub.url()));
  expect_status(second.status, TINKER_OK);
  assert_string_equal(second.path.c_str(), first.path.c_str());
  assert_int_equal(count_method(hub, "GET"), 1);
  assert_int_equal(count_method(hub, "HEAD"), 2);
  assert_int_equal(inode(blob), before);
  assert_string_equal(slurp(g_cache + "/models--org--name/refs/main").c_str(), kCommit.c_str());
}

void network_failure_uses_the_cached_copy_or_is_unavailable(void**) {
  std::string closed;
  {
    Server gone;
    closed = gone.url();
  }  // nothing listens there any more
  Outcome o = fetch(settings(closed));
  expect_status(o.status, TINKER_E_UNAVAILABLE);
  expect_in(o.message, "not in the cache");

  {
    Server hub;
    hub.add_rule(rule(kPath, serve(File{})));
    expect_status(fetch(settings(hub.url())).status, TINKER_OK);
  }
  o = fetch(settings(closed));
  expect_status(o.status, TINKER_OK);
  assert_string_equal(slurp(o.path).c_str(), kBody.c_str());

  Server failing;  // 5xx after the retries: the cached copy too
  failing.add_rule(rule(kPath, status(502)));
  o = fetch(settings(failing.url()));
  expect_status(o.status, TINKER_OK);
  assert_int_equal(failing.count(kPath), 3);
}

void offline_mode_never_asks_the_hub(void**) {
  Server hub;
  hub.add_rule(rule(kPath, serve(File{})));
  HubSettings s = settings(hub.url());
  s.offline = true;
  Outcome o = fetch(s);
  expect_status(o.status, TINKER_E_UNAVAILABLE);
  expect_in(o.message, "offline mode");
  assert_int_equal(hub.requests().size(), 0);

  expect_status(fetch(settings(hub.url())).status, TINKER_OK);
  hub.clear_requests();
  o = fetch(s);
  expect_status(o.status, TINKER_OK);
  assert_int_equal(hub.requests().size(), 0);
  // A commit's files never change: cached, they need no request even online.
  expect_status(fetch(settings(hub.url()), {"org/name", kCommit, "tokenizer.json"}).status, TINKER_OK);
  assert_int_equal(hub.requests().size(), 0);
}

// ---- deadline and cancel ----

void the_deadline_stops_a_hub_that_never_answers(void**) {
  Server hub;
  hub.add_rule(rule(kPath, hostile::silent()));
  const auto t0 = std::chrono::steady_clock::now();
  Outcome o = fetch(settings(hub.url()), {"org/name", "main", "tokenizer.json"}, 300);
  expect_status(o.status, TINKER_E_DEADLINE_EXCEEDED);
  assert_true(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
}

void cancel_stops_a_fetch_in_flight(void**) {
  Server hub;
  hub.add_rule(rule(kPath, hostile::silent()));
  Outcome o = fetch(settings(hub.url()), {"org/name", "main", "tokenizer.json"}, 0, [&](const std::function<void()>& cancel) {
    for (int i = 0; i < 500 && hub.requests().empty(); ++i) usleep(10000);  // the HEAD is in flight
    cancel();
    cancel();  // idempotent
  });
  expect_status(o.status, TINKER_E_CANCELLED);
  assert_int_equal(hub.requests().size(), 1);
}

// ---- the tokenizer's snapshot ----

void a_snapshot_needs_tokenizer_json_and_takes_the_config_at_its_commit(void**) {
  Server hub;
  const std::string config_at_commit = "/org/name/resolve/" + kCommit + "/tokenizer_config.json";
  hub.add_rule(rule(kPath, serve(File{})));
  hub.add_rule(rule(config_at_commit, serve(File{"{\"tokenizer_class\": \"X\"}", kCommit, "\"etag-config\"", ""})));
  Outcome o = fetch_snapshot(settings(hub.url()), "org/name");
  expect_status(o.status, TINKER_OK);
  assert_string_equal(o.path.c_str(), (g_cache + "/models--org--name/snapshots/" + kCommit).c_str());
  assert_string_equal(slurp(o.path + "/tokenizer.json").c_str(), kBody.c_str());
  assert_string_equal(slurp(o.path + "/tokenizer_config.json").c_str(), "{\"tokenizer_class\": \"X\"}");
  assert_int_equal(hub.count(config_at_commit), 2);  // asked at the commit, not at main

  hub.clear_rules();  // a repository without a config
  hub.add_rule(rule(kPath, serve(File{})));
  hub.add_rule(rule(config_at_commit, status(404)));
  const std::string config = o.path + "/tokenizer_config.json";
  unlink(config.c_str());
  o = fetch_snapshot(settings(hub.url()), "org/name");
  expect_status(o.status, TINKER_OK);
  assert_string_equal(slurp(config).c_str(), "<missing>");

  hub.clear_rules();  // a config that cannot be had fails the snapshot
  hub.add_rule(rule(kPath, serve(File{})));
  hub.add_rule(rule(config_at_commit, status(403)));
  expect_status(fetch_snapshot(settings(hub.url()), "org/name").status, TINKER_E_PERMISSION_DENIED);

  hub.clear_rules();
  hub.add_rule(rule(kPath, status(404)));
  expect_status(fetch_snapshot(settings(hub.url()), "org/name").status, TINKER_E_NOT_FOUND);
}

void cancel_stops_the_second_fetch_of_a_snapshot(void**) {
  Server hub;
  const std::string config_at_commit = "/org/name/resolve/" + kCommit + "/tokenizer_config.json";
  hub.add_rule(rule(kPath, serve(File{})));
  hub.add_rule(rule(config_at_commit, hostile::silent()));
  Outcome o = fetch_snapshot(settings(hub.url()), "org/name", [&](const std::function<void()>& cancel) {
    for (int i = 0; i < 500 && hub.count(config_at_commit) == 0; ++i) usleep(10000);
    cancel();
  });
  expect_status(o.status, TINKER_E_CANCELLED);
  assert_int_equal(hub.count(config_at_commit), 1);
}

// ---- against tinker-emulator ----

std::string emulator_url() { return itest::base_url(); }
std::string emulator_localhost_url() {
  std::string u = emulator_url();
  size_t at = u.find("127.0.0.1");
  return at == std::string::npos ? u : u.replace(at, 9, "localhost");
}

void the_emulators_byte_tokenizer_lands_in_the_hf_layout(void**) {
  // Asked for localhost, the emulator answers without redirecting.
  Outcome o = fetch(settings(emulator_localhost_url()), {"tinker-emulator/bytes", "main", "tokenizer.json"});
  expect_status(o.status, TINKER_OK);
  const std::string folder = g_cache + "/models--tinker-emulator--bytes";
  const std::string commit = slurp(folder + "/refs/main");
  assert_int_equal(commit.size(), 40);
  assert_string_equal(o.path.c_str(), (folder + "/snapshots/" + commit + "/tokenizer.json").c_str());
  char target[512];
  ssize_t n = readlink(o.path.c_str(), target, sizeof target);
  assert_true(n > 0);
  const std::string link(target, static_cast<size_t>(n));
  assert_true(link.rfind("../../blobs/", 0) == 0);
  const std::string blob = folder + "/blobs/" + link.substr(12);

  const std::string text = slurp(o.path);
  cJSON* doc = cJSON_Parse(text.c_str());
  assert_non_null(doc);
  const cJSON* vocab = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "model"), "vocab");
  assert_int_equal(cJSON_GetArraySize(vocab), 256);
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(vocab, "\xC4\xA0")->valueint, 32);  // "Ġ": the space byte
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(vocab, "A")->valueint, 'A');
  bool seen[256] = {false};
  const cJSON* entry = nullptr;
  cJSON_ArrayForEach(entry, vocab) {
    assert_true(entry->valueint >= 0 && entry->valueint < 256 && !seen[entry->valueint]);
    seen[entry->valueint] = true;
  }
  // Byte-level BPE without merges, regex or added tokens: every byte is one token.
  const cJSON* model = cJSON_GetObjectItemCaseSensitive(doc, "model");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(model, "type")->valuestring, "BPE");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(model, "merges")), 0);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "added_tokens")), 0);
  for (const char* part : {"pre_tokenizer", "decoder"}) {
    const cJSON* p = cJSON_GetObjectItemCaseSensitive(doc, part);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(p, "type")->valuestring, "ByteLevel");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "use_regex")));
  }
  cJSON_Delete(doc);

  const ino_t before = inode(blob);
  Outcome again = fetch(settings(emulator_localhost_url()), {"tinker-emulator/bytes", "main", "tokenizer.json"});
  expect_status(again.status, TINKER_OK);
  assert_string_equal(again.path.c_str(), o.path.c_str());
  assert_int_equal(inode(blob), before);  // reused, not written again
}

// What get_tokenizer will do: fetch both files of the snapshot, load the directory with the
// native tokenizer. The byte-token model's tokenizer maps every byte of the text to its value.
void the_fetched_snapshot_loads_as_a_byte_tokenizer(void**) {
  Outcome o = fetch_snapshot(settings(emulator_localhost_url()), "tinker-emulator/bytes");
  expect_status(o.status, TINKER_OK);
  const std::string snapshot = o.path;
  assert_true(slurp(snapshot + "/tokenizer_config.json").find("tokenizer_class") != std::string::npos);
  tinker_tokenizer* tok = nullptr;
  expect_status(tinker_tokenizer_load_file(snapshot.c_str(), &tok), TINKER_OK);
  assert_int_equal(tinker_tokenizer_vocab_size(tok), 256);
  const std::string text = "h\xC3\xA9llo w\xC3\xB6rld\n\t!";
  int32_t* ids = nullptr;
  size_t count = 0;
  expect_status(tinker_tokenizer_encode(tok, text.data(), text.size(), 0, &ids, &count), TINKER_OK);
  assert_int_equal(count, text.size());
  for (size_t i = 0; i < count; ++i) assert_int_equal(ids[i], static_cast<unsigned char>(text[i]));
  char* decoded = nullptr;
  size_t length = 0;
  expect_status(tinker_tokenizer_decode(tok, ids, count, 0, &length, &decoded), TINKER_OK);
  assert_string_equal(std::string(decoded, length).c_str(), text.c_str());
  tinker_free(decoded);
  tinker_free(ids);
  tinker_tokenizer_free(tok);
}

void the_emulator_redirects_to_another_host_name_and_the_fetch_follows(void**) {
  Outcome o = fetch(settings(emulator_url()), {"Qwen/Qwen3-8B", "main", "tokenizer_config.json"});
  expect_status(o.status, TINKER_OK);
  cJSON* doc = cJSON_Parse(slurp(o.path).c_str());
  assert_non_null(doc);
  cJSON_Delete(doc);
  // Unknown repository, file and revision.
  expect_status(fetch(settings(emulator_url()), {"nobody/nothing", "main", "tokenizer.json"}).status, TINKER_E_NOT_FOUND);
  expect_status(fetch(settings(emulator_url()), {"tinker-emulator/bytes", "main", "model.bin"}).status, TINKER_E_NOT_FOUND);
  expect_status(fetch(settings(emulator_url()), {"tinker-emulator/bytes", "dev", "tokenizer.json"}).status,
                TINKER_E_NOT_FOUND);
}

void the_emulator_serves_hub_dir_files_as_they_are(void**) {
  const char* dir = getenv("HUB_FILES_DIR");
  assert_non_null(dir);
  std::string cmd = std::string("mkdir -p '") + dir + "/acme/real'";
  assert_int_equal(system(cmd.c_str()), 0);
  const std::string bytes = "{\"version\": \"1.0\", \"real\": true}\n";
  FILE* f = fopen((std::string(dir) + "/acme/real/tokenizer.json").c_str(), "wb");
  assert_non_null(f);
  fwrite(bytes.data(), 1, bytes.size(), f);
  fclose(f);
  Outcome o = fetch(settings(emulator_localhost_url()), {"acme/real", "main", "tokenizer.json"});
  expect_status(o.status, TINKER_OK);
  assert_string_equal(slurp(o.path).c_str(), bytes.c_str());
}

// Last: the token, or any 8 characters of its secret part, in no message and no log line.
void the_token_is_in_no_message_and_no_log_line(void**) {
  std::lock_guard<std::mutex> lk(g_mu);
  assert_true(g_evidence.size() > 20);
  const std::string secret = kToken.substr(3);
  for (const auto& line : g_evidence)
    for (size_t i = 0; i + 8 <= secret.size(); ++i) expect_not_in(line, secret.substr(i, 8));
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(token_goes_to_the_endpoint_and_not_to_the_cdn_it_redirects_to, setup, teardown),
      cmocka_unit_test_setup_teardown(a_redirect_without_metadata_is_followed_without_the_token, setup, teardown),
      cmocka_unit_test_setup_teardown(a_relative_redirect_keeps_the_token, setup, teardown),
      cmocka_unit_test_setup_teardown(a_redirect_loop_stops_after_five, setup, teardown),
      cmocka_unit_test_setup_teardown(a_location_that_is_not_http_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(not_found_names_the_repository_and_the_file, setup, teardown),
      cmocka_unit_test_setup_teardown(unauthorized_and_forbidden_say_the_repository_may_be_gated, setup, teardown),
      cmocka_unit_test_setup_teardown(a_server_error_is_retried_then_succeeds, setup, teardown),
      cmocka_unit_test_setup_teardown(a_server_that_keeps_failing_is_unavailable, setup, teardown),
      cmocka_unit_test_setup_teardown(a_body_over_the_limit_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(a_missing_or_invalid_commit_or_etag_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(a_cached_blob_is_not_downloaded_again, setup, teardown),
      cmocka_unit_test_setup_teardown(network_failure_uses_the_cached_copy_or_is_unavailable, setup, teardown),
      cmocka_unit_test_setup_teardown(offline_mode_never_asks_the_hub, setup, teardown),
      cmocka_unit_test_setup_teardown(the_deadline_stops_a_hub_that_never_answers, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_stops_a_fetch_in_flight, setup, teardown),
      cmocka_unit_test_setup_teardown(a_snapshot_needs_tokenizer_json_and_takes_the_config_at_its_commit, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_stops_the_second_fetch_of_a_snapshot, setup, teardown),
      cmocka_unit_test_setup_teardown(the_emulators_byte_tokenizer_lands_in_the_hf_layout, setup, teardown),
      cmocka_unit_test_setup_teardown(the_fetched_snapshot_loads_as_a_byte_tokenizer, setup, teardown),
      cmocka_unit_test_setup_teardown(the_emulator_redirects_to_another_host_name_and_the_fetch_follows, setup, teardown),
      cmocka_unit_test_setup_teardown(the_emulator_serves_hub_dir_files_as_they_are, setup, teardown),
      cmocka_unit_test(the_token_is_in_no_message_and_no_log_line),
  };
  return cmocka_run_group_tests_name("hostile_hub", tests, nullptr, nullptr);
}
