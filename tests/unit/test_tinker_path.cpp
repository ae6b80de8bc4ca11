// tinker:// paths of checkpoints (protocol.md §8) through the C API, and how the REST paths and
// queries are built from their parts (client/json_op.h).
#include "client/json_op.h"
#include "tinker/tinker.h"
#include "unit_test.h"

namespace {

struct Parsed {
  std::string run, type, id, name;
};

Parsed parse_ok(const char* path) {
  tinker_parsed_path_t* p = nullptr;
  assert_int_equal(tinker_path_parse(path, &p), TINKER_OK);
  Parsed out{tinker_parsed_path_training_run_id(p), tinker_parsed_path_checkpoint_type(p),
             tinker_parsed_path_checkpoint_id(p), tinker_parsed_path_name(p)};
  tinker_parsed_path_free(p);
  return out;
}

void training_and_sampler_paths_split_into_their_parts(void**) {
  Parsed t = parse_ok("tinker://run-1/weights/0001");
  assert_string_equal(t.run.c_str(), "run-1");
  assert_string_equal(t.type.c_str(), "training");
  assert_string_equal(t.id.c_str(), "weights/0001");
  assert_string_equal(t.name.c_str(), "0001");
  // Run ids made by create-via-load contain ':'.
  Parsed s = parse_ok("tinker://sess:train:3/sampler_weights/final");
  assert_string_equal(s.run.c_str(), "sess:train:3");
  assert_string_equal(s.type.c_str(), "sampler");
  assert_string_equal(s.id.c_str(), "sampler_weights/final");
}

void malformed_paths_are_refused_saying_why(void**) {
  const std::pair<const char*, const char*> cases[] = {
      {"run/weights/x", "does not start with tinker://"},
      {"tinker://run/weights", "is not tinker://<training_run_id>/<kind>/<name>"},
      {"tinker://run/weights/a/b", "is not tinker://<training_run_id>/<kind>/<name>"},
      {"tinker://run/optimizer/x", "neither weights nor sampler_weights"},
      {"tinker:///weights/x", "the training run id is empty"},
      {"tinker://run/weights/", "the checkpoint name is empty"},
  };
  for (const auto& [path, why] : cases) {
    tinker_parsed_path_t* p = reinterpret_cast<tinker_parsed_path_t*>(&p);
    assert_int_equal(tinker_path_parse(path, &p), TINKER_E_INVALID_ARGUMENT);
    assert_null(p);
    assert_contains(tinker_error_message(tinker_last_error()), why);
  }
  assert_int_equal(tinker_path_parse(nullptr, nullptr), TINKER_E_INVALID_ARGUMENT);
}

void format_makes_what_parse_reads(void**) {
  char* out = nullptr;
  assert_int_equal(tinker_path_format("r:train:0", "sampler", "n1", &out), TINKER_OK);
  assert_string_equal(out, "tinker://r:train:0/sampler_weights/n1");
  Parsed back = parse_ok(out);
  assert_string_equal(back.run.c_str(), "r:train:0");
  assert_string_equal(back.name.c_str(), "n1");
  tinker_free(out);
  assert_int_equal(tinker_path_format("r", "weights", "n", &out), TINKER_OK);
  assert_string_equal(out, "tinker://r/weights/n");
  tinker_free(out);
  assert_int_equal(tinker_path_format("r", "optimizer", "n", &out), TINKER_E_INVALID_ARGUMENT);
  assert_null(out);
  assert_int_equal(tinker_path_format("r", "weights", "a/b", &out), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_path_format("", "weights", "n", &out), TINKER_E_INVALID_ARGUMENT);
}

// A checkpoint id keeps its '/' in the URL (the server routes on it); other values are escaped,
// and no value can climb to another endpoint.
void checkpoint_ids_travel_unescaped_and_queries_are_encoded(void**) {
  using tinker::expand_path;
  assert_string_equal(expand_path("/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}/publish",
                                  {{"training_run_id", "s:train:0"}, {"checkpoint_id", "weights/0001"}})
                          .c_str(),
                      "/api/v1/training_runs/s:train:0/checkpoints/weights/0001/publish");
  assert_string_equal(expand_path("/x/{id}", {{"id", "a b?c#"}}).c_str(), "/x/a%20b%3Fc%23");
  assert_string_equal(expand_path("/x/{id...}/y", {{"id", "../z"}}).c_str(), "/x/%2E%2E/z/y");
  assert_string_equal(tinker::with_query("/api/v1/checkpoints", {{"limit", "100"}, {"offset", "0"}}).c_str(),
                      "/api/v1/checkpoints?limit=100&offset=0");
  assert_string_equal(tinker::with_query("/p", {{"q", "a&b=c d"}}).c_str(), "/p?q=a%26b%3Dc%20d");
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(training_and_sampler_paths_split_into_their_parts),
      cmocka_unit_test(malformed_paths_are_refused_saying_why),
      cmocka_unit_test(format_makes_what_parse_reads),
      cmocka_unit_test(checkpoint_ids_travel_unescaped_and_queries_are_encoded),
  };
  return cmocka_run_group_tests_name("tinker_path", tests, nullptr, nullptr);
}
