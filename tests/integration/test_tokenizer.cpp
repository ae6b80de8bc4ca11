// get_tokenizer (T13 on training clients, P4 on sampling clients), blocking and _async, against
// the emulator, which is also the Hugging Face Hub here (its /{org}/{name}/resolve/… paths): the
// model's repository chosen from get_info or the sampler's base model, the files fetched into
// a cache directory of the test's own, reused, shared, offline mode, cancel, deadline, the Hub
// options' checks, and a tokenizer that outlives its client.
#include "harness.h"

#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace itest;

namespace {

// The repository the emulator's get_info names as tokenizer_id.
const char* const kInfoRepo = "/tinker-emulator/bytes/resolve/";

// A fresh, empty Hub cache directory, removed at scope end.
struct CacheDir {
  std::string path;
  CacheDir() {
    char tmpl[] = "/tmp/tinker-hub-cache-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    path = tmpl;
  }
  ~CacheDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  CacheDir(const CacheDir&) = delete;
  CacheDir& operator=(const CacheDir&) = delete;
};

// Client options whose Hub is the emulator and whose cache is `cache`.
tinker_client_options_t* hub_options(const CacheDir& cache, const std::string& endpoint = base_url()) {
  tinker_client_options_t* o = fast_options();
  assert_status(tinker_client_options_set_hub_endpoint(o, endpoint.c_str()), TINKER_OK, tinker_last_error());
  assert_status(tinker_client_options_set_hub_cache_dir(o, cache.path.c_str()), TINKER_OK, tinker_last_error());
  return o;
}

// The requests the log holds for Hub paths containing `part`, as "METHOD path".
std::vector<std::string> hub_requests(const std::string& part) {
  std::vector<std::string> out;
  for (const auto& e : request_log())
    if (contains(e.path, "/resolve/") && contains(e.path, part)) out.push_back(e.method + " " + e.path);
  return out;
}

// The emulator's byte tokenizer maps each byte of the text to its own token, so encode is
// checked against the bytes and decode against the text.
void assert_round_trip(const tinker_tokenizer_t* t, const std::string& text) {
  int32_t* ids = nullptr;
  size_t n = 0;
  assert_status(tinker_tokenizer_encode(t, text.data(), text.size(), 0, &ids, &n), TINKER_OK, tinker_last_error());
  assert_int_equal(n, text.size());
  for (size_t i = 0; i < n; ++i)
    assert_int_equal(ids[i], tinker_tokenizer_token_to_id(t, tinker_tokenizer_id_to_token(t, ids[i])));
  char* back = nullptr;
  size_t len = 0;
  assert_status(tinker_tokenizer_decode(t, ids, n, 0, &len, &back), TINKER_OK, tinker_last_error());
  assert_string_equal(back, text.c_str());
  assert_int_equal(len, text.size());
  tinker_free(back);
  tinker_free(ids);
}

// The Hub holds its answer for tokenizer.json for 20 s: a get_tokenizer stays in its download.
void hold_tokenizer_json() {
  add_fault("{\"path\": \"/tinker-emulator/bytes/resolve/main/tokenizer.json\", \"action\": \"delay\", "
            "\"delay_ms\": 20000}");
}

tinker_tokenizer_t* take_tokenizer(tinker_future_t* f) {
  assert_status(tinker_future_wait(f, 30000), TINKER_OK, tinker_future_error(f));
  tinker_tokenizer_t* t = nullptr;
  assert_status(tinker_future_take_tokenizer(f, &t), TINKER_OK, tinker_last_error());
  assert_non_null(t);
  return t;
}

void training_get_tokenizer_fetches_the_repository_get_info_names(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_training_client_t* tc = new_training_client(c);
  clear_log();

  tinker_tokenizer_t* t = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &t), TINKER_OK, tinker_last_error());
  assert_round_trip(t, "Hello, tokenizer! \xC3\xA9\xE4\xB8\xAD");
  assert_true(tinker_tokenizer_vocab_size(t) >= 256);
  tinker_tokenizer_free(t);

  // get_info first, then tokenizer.json and tokenizer_config.json of its tokenizer_id; the
  // files are in the cache laid out as huggingface_hub lays it out.
  auto log = request_log();
  assert_true(!log.empty());
  assert_string_equal(log.front().path.c_str(), "/api/v1/get_info");
  auto hub = hub_requests(kInfoRepo);
  assert_true(contains(hub.front(), "/tinker-emulator/bytes/resolve/main/tokenizer.json"));
  bool config = false;
  for (const auto& r : hub) config = config || contains(r, "tokenizer_config.json");
  assert_true(config);
  assert_int_equal(access((cache.path + "/models--tinker-emulator--bytes/refs/main").c_str(), R_OK), 0);

  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_get_tokenizer_async(tc, &f), TINKER_OK, tinker_last_error());
  track(f);
  t = take_tokenizer(f);
  assert_round_trip(t, "async");
  tinker_tokenizer_free(t);
}

void sampling_get_tokenizer_fetches_the_base_models_repository(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_service_client_create_sampling_client(c, nullptr, kTinyModel, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);
  clear_log();

  tinker_future_t* f = nullptr;
  assert_status(tinker_sampling_client_get_tokenizer_async(sc, &f), TINKER_OK, tinker_last_error());
  track(f);
  tinker_tokenizer_t* t = take_tokenizer(f);
  assert_round_trip(t, "sampled text");
  tinker_tokenizer_free(t);

  auto log = request_log();
  assert_true(contains(log.front().path, "/api/v1/samplers/"));
  assert_false(hub_requests(std::string("/") + kTinyModel + "/resolve/main/tokenizer.json").empty());

  assert_status(tinker_sampling_client_get_tokenizer(sc, &t), TINKER_OK, tinker_last_error());
  assert_round_trip(t, "blocking");
  tinker_tokenizer_free(t);
}

void a_second_get_tokenizer_downloads_nothing_and_shares_the_loaded_tokenizer(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_training_client_t* tc = new_training_client(c);
  tinker_tokenizer_t* first = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &first), TINKER_OK, tinker_last_error());
  clear_log();

  tinker_tokenizer_t* second = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &second), TINKER_OK, tinker_last_error());
  // The Hub is asked whether main moved (HEAD), but no file is downloaded again.
  for (const auto& r : hub_requests(kInfoRepo)) assert_true(r.rfind("HEAD ", 0) == 0);
  assert_false(hub_requests(kInfoRepo).empty());
  // One tokenizer behind both handles: its borrowed strings are the same memory.
  assert_ptr_equal(tinker_tokenizer_id_to_token(first, 65), tinker_tokenizer_id_to_token(second, 65));
  // Freeing one handle leaves the other whole.
  tinker_tokenizer_free(first);
  assert_round_trip(second, "still here");
  tinker_tokenizer_free(second);
}

void offline_mode_reads_only_the_cache(void** state) {
  (void)state;
  CacheDir cache;
  tinker_client_options_t* o = hub_options(cache);
  assert_status(tinker_client_options_set_hub_offline(o, 1), TINKER_OK, tinker_last_error());
  tinker_service_client_t* offline = new_client(o);
  tinker_training_client_t* tc = new_training_client(offline);
  clear_log();

  tinker_tokenizer_t* t = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &t), TINKER_E_UNAVAILABLE, tinker_last_error());
  assert_null(t);
  assert_true(contains(tinker_error_message(tinker_last_error()), "get_tokenizer"));
  assert_true(hub_requests("").empty());

  // Once an online client filled the cache, the offline one loads from it without asking.
  tinker_service_client_t* online = new_client(hub_options(cache));
  tinker_training_client_t* tc_online = new_training_client(online);
  assert_status(tinker_training_client_get_tokenizer(tc_online, &t), TINKER_OK, tinker_last_error());
  tinker_tokenizer_free(t);
  clear_log();
  assert_status(tinker_training_client_get_tokenizer(tc, &t), TINKER_OK, tinker_last_error());
  assert_round_trip(t, "from the cache");
  tinker_tokenizer_free(t);
  assert_true(hub_requests("").empty());
}

void a_hub_without_the_repository_is_not_found(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache, base_url() + "/no-hub-here"));
  tinker_training_client_t* tc = new_training_client(c);
  tinker_tokenizer_t* t = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &t), TINKER_E_NOT_FOUND, tinker_last_error());
  assert_null(t);
  const std::string message = tinker_error_message(tinker_last_error());
  assert_true(contains(message, "get_tokenizer: "));
  assert_true(contains(message, "tinker-emulator/bytes"));
}

void cancelling_get_tokenizer_stops_the_download(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_training_client_t* tc = new_training_client(c);
  hold_tokenizer_json();
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_get_tokenizer_async(tc, &f), TINKER_OK, tinker_last_error());
  track(f);
  assert_true(eventually([] { return !hub_requests(kInfoRepo).empty(); }, 10000));
  assert_status(tinker_future_cancel(f), TINKER_OK, tinker_last_error());
  // Ended by the cancel, not by the 20 s answer: a wait far shorter than the hold sees it.
  assert_status(tinker_future_wait(f, 5000), TINKER_E_CANCELLED, tinker_future_error(f));
  tinker_tokenizer_t* t = nullptr;
  assert_int_not_equal(tinker_future_take_tokenizer(f, &t), TINKER_OK);
  assert_null(t);
}

void the_default_deadline_bounds_the_whole_operation(void** state) {
  (void)state;
  CacheDir cache;
  tinker_client_options_t* o = hub_options(cache);
  assert_status(tinker_client_options_set_default_deadline_ms(o, 1500), TINKER_OK, tinker_last_error());
  tinker_service_client_t* c = new_client(o);
  tinker_training_client_t* tc = new_training_client(c);
  hold_tokenizer_json();
  tinker_tokenizer_t* t = nullptr;
  assert_status(tinker_training_client_get_tokenizer(tc, &t), TINKER_E_DEADLINE_EXCEEDED, tinker_last_error());
  assert_null(t);
}

void the_tokenizer_outlives_its_clients(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_training_client_t* tc = new_training_client(c);
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_get_tokenizer_async(tc, &f), TINKER_OK, tinker_last_error());
  tinker_tokenizer_t* t = take_tokenizer(f);
  tinker_future_free(f);
  free_training(tc);
  free_client(c);
  assert_round_trip(t, "after the clients");
  tinker_tokenizer_free(t);
}

void freeing_the_client_ends_a_pending_get_tokenizer(void** state) {
  (void)state;
  CacheDir cache;
  tinker_service_client_t* c = new_client(hub_options(cache));
  tinker_training_client_t* tc = new_training_client(c);
  hold_tokenizer_json();
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_get_tokenizer_async(tc, &f), TINKER_OK, tinker_last_error());
  assert_true(eventually([] { return !hub_requests(kInfoRepo).empty(); }, 10000));
  free_training(tc);
  free_client(c);
  assert_status(tinker_future_wait(f, 5000), TINKER_E_CANCELLED, tinker_future_error(f));
  tinker_future_free(f);
}

void hub_options_refuse_what_cannot_be_used(void** state) {
  (void)state;
  tinker_client_options_t* o = nullptr;
  assert_status(tinker_client_options_new(&o), TINKER_OK, tinker_last_error());
  assert_int_equal(tinker_client_options_set_hub_endpoint(o, "ftp://hub.example"), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_client_options_set_hub_endpoint(o, "hub.example"), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_client_options_set_hub_endpoint(o, "https://user:secret@hub.example"),
                   TINKER_E_INVALID_ARGUMENT);
  assert_false(contains(tinker_error_message(tinker_last_error()), "secret"));
  assert_int_equal(tinker_client_options_set_hub_endpoint(o, "https://hub.example/"), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_endpoint(o, nullptr), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_token(o, "hf_abc\r\nX-Evil: 1"), TINKER_E_INVALID_ARGUMENT);
  assert_false(contains(tinker_error_message(tinker_last_error()), "hf_abc"));
  assert_int_equal(tinker_client_options_set_hub_token(o, ""), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_token(o, nullptr), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_cache_dir(o, ""), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_client_options_set_hub_cache_dir(o, "/tmp/somewhere"), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_offline(o, 1), TINKER_OK);
  assert_int_equal(tinker_client_options_set_hub_offline(nullptr, 1), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_client_options_set_hub_endpoint(nullptr, "https://hub.example"), TINKER_E_INVALID_ARGUMENT);
  tinker_client_options_free(o);

  tinker_tokenizer_t* t = nullptr;
  assert_int_equal(tinker_training_client_get_tokenizer(nullptr, &t), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_sampling_client_get_tokenizer(nullptr, &t), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_future_take_tokenizer(nullptr, &t), TINKER_E_INVALID_ARGUMENT);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(training_get_tokenizer_fetches_the_repository_get_info_names, setup, teardown),
      cmocka_unit_test_setup_teardown(sampling_get_tokenizer_fetches_the_base_models_repository, setup, teardown),
      cmocka_unit_test_setup_teardown(a_second_get_tokenizer_downloads_nothing_and_shares_the_loaded_tokenizer, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(offline_mode_reads_only_the_cache, setup, teardown),
      cmocka_unit_test_setup_teardown(a_hub_without_the_repository_is_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(cancelling_get_tokenizer_stops_the_download, setup, teardown),
      cmocka_unit_test_setup_teardown(the_default_deadline_bounds_the_whole_operation, setup, teardown),
      cmocka_unit_test_setup_teardown(the_tokenizer_outlives_its_clients, setup, teardown),
      cmocka_unit_test_setup_teardown(freeing_the_client_ends_a_pending_get_tokenizer, setup, teardown),
      cmocka_unit_test_setup_teardown(hub_options_refuse_what_cannot_be_used, setup, teardown),
  };
  return cmocka_run_group_tests_name("tokenizer", tests, nullptr, nullptr);
}
