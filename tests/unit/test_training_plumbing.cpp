// Ordering, byte budgets, chunk planning and metric reduction: the pure pieces of training
// (protocol.md §6.1, §6.2, §6.3, §6.9).
#include "client/json_op.h"  // before CMocka, which defines a fail() macro
#include "unit_test.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "client/chunking.h"
#include "client/metrics.h"
#include "core/bytes_budget.h"
#include "core/turn_gate.h"

using namespace tinker;

static double metric(const Metrics& m, const std::string& key) {
  for (const auto& kv : m)
    if (kv.first == key) return kv.second;
  fail_msg("metric %s missing", key.c_str());
  return NAN;
}

static bool has_metric(const Metrics& m, const std::string& key) {
  for (const auto& kv : m)
    if (kv.first == key) return true;
  return false;
}

// ---- TurnGate ---------------------------------------------------------------------------------

static void turn_gate_reserves_consecutive_ids_in_call_order(void**) {
  TurnGate g;
  assert_int_equal(g.reserve(1), 0);
  assert_int_equal(g.reserve(3), 1);
  assert_int_equal(g.reserve(1), 4);
}

static void turn_gate_submits_strictly_in_id_order(void**) {
  TurnGate g;
  std::vector<int> order;
  uint64_t a = g.reserve(1), b = g.reserve(1), c = g.reserve(1);
  g.wait_turn(c, [&] { order.push_back(2); });
  g.wait_turn(b, [&] { order.push_back(1); });
  assert_true(order.empty());
  g.wait_turn(a, [&] { order.push_back(0); });
  assert_int_equal(order.size(), 1);
  g.release(a, a);
  assert_int_equal(order.size(), 2);
  g.release(b, b);
  assert_int_equal(order.size(), 3);
  assert_int_equal(order[0], 0);
  assert_int_equal(order[1], 1);
  assert_int_equal(order[2], 2);
}

static void turn_gate_failed_submission_still_releases_next_turn(void**) {
  TurnGate g;
  bool second_went = false;
  uint64_t a = g.reserve(1), b = g.reserve(1);
  g.wait_turn(a, [] {});
  g.wait_turn(b, [&] { second_went = true; });
  g.release(a, a);  // the submission of `a` failed: its turn still ends
  assert_true(second_went);
}

static void turn_gate_skips_a_reservation_released_before_its_turn(void**) {
  TurnGate g;
  bool third_went = false;
  uint64_t a = g.reserve(1), b = g.reserve(2), c = g.reserve(1);
  g.wait_turn(a, [] {});
  g.wait_turn(b, [] { fail_msg("a cancelled reservation must not run"); });
  g.wait_turn(c, [&] { third_went = true; });
  g.release(b, b + 1);  // cancelled while waiting
  assert_false(third_went);
  g.release(a, a);
  assert_true(third_went);
  assert_int_equal(g.next_turn(), c);
}

// ---- BytesBudget ------------------------------------------------------------------------------

static void bytes_budget_allows_overdraft_for_items_larger_than_the_budget(void**) {
  BytesBudget b(100);
  bool big = false;
  b.acquire(1000, [&] { big = true; });
  assert_true(big);  // would deadlock if it waited for balance >= cost
  assert_int_equal(b.balance(), -900);
}

static void bytes_budget_waits_while_balance_is_negative_then_proceeds_in_order(void**) {
  BytesBudget b(100);
  std::vector<int> order;
  b.acquire(150, [&] { order.push_back(0); });
  b.acquire(10, [&] { order.push_back(1); });
  b.acquire(10, [&] { order.push_back(2); });
  assert_int_equal(order.size(), 1);
  assert_int_equal(b.waiting(), 2);
  b.release(150);
  assert_int_equal(order.size(), 3);
  assert_int_equal(order[1], 1);
  assert_int_equal(order[2], 2);
  assert_int_equal(b.balance(), 80);
}

// ---- chunk planning ---------------------------------------------------------------------------

static void chunks_split_at_exactly_max_len_datums(void**) {
  std::vector<int64_t> bytes(2049, 10);
  auto c = plan_chunks(bytes, 1024, 5000000);
  assert_int_equal(c.size(), 3);
  assert_int_equal(c[0].end - c[0].begin, 1024);
  assert_int_equal(c[1].end - c[1].begin, 1024);
  assert_int_equal(c[2].end - c[2].begin, 1);
  std::vector<int64_t> exact(1024, 10);
  assert_int_equal(plan_chunks(exact, 1024, 5000000).size(), 1);
}

static void chunks_split_when_the_byte_limit_would_be_exceeded(void**) {
  auto c = plan_chunks({40, 60, 1, 50}, 1024, 100);
  // 40+60 = 100 fits exactly; +1 would exceed; 1+50 fits.
  assert_int_equal(c.size(), 2);
  assert_int_equal(c[0].end, 2);
  assert_int_equal(c[0].bytes, 100);
  assert_int_equal(c[1].begin, 2);
  assert_int_equal(c[1].bytes, 51);
}

static void an_oversized_datum_travels_alone(void**) {
  auto c = plan_chunks({10, 500, 10}, 1024, 100);
  assert_int_equal(c.size(), 3);
  assert_int_equal(c[1].begin, 1);
  assert_int_equal(c[1].end, 2);
}

static void no_datums_no_chunks(void**) { assert_true(plan_chunks({}, 1024, 100).empty()); }

// ---- metric reduction -------------------------------------------------------------------------

static void metrics_reduce_by_suffix_with_output_count_weights(void**) {
  std::vector<Metrics> chunks = {
      {{"loss:sum", 1.0}, {"acc:mean", 0.5}, {"g:slack", 1.0}, {"lo:min", 3}, {"hi:max", 3}, {"c:unique", 7}},
      {{"loss:sum", 2.0}, {"acc:mean", 1.0}, {"g:slack", 4.0}, {"lo:min", 1}, {"hi:max", 9}, {"c:unique", 8}},
      {{"loss:sum", 3.0}, {"acc:mean", 0.0}, {"g:slack", 1.0}, {"lo:min", 2}, {"hi:max", 5}, {"c:unique", 9}},
  };
  Metrics out;
  Error err;
  assert_true(combine_metrics(chunks, {1, 3, 0}, &out, &err));
  assert_true(std::fabs(metric(out, "loss:sum") - 6.0) < 1e-12);
  assert_true(std::fabs(metric(out, "acc:mean") - (0.5 * 1 + 1.0 * 3) / 4) < 1e-12);
  assert_true(std::fabs(metric(out, "g:slack") - (4.0 - (1.0 * 1 + 4.0 * 3) / 4)) < 1e-12);
  assert_true(metric(out, "lo:min") == 1);
  assert_true(metric(out, "hi:max") == 9);
  assert_true(metric(out, "c:unique") == 7);
  assert_true(metric(out, "c:unique_1") == 8);
  assert_true(metric(out, "c:unique_2") == 9);
}

static void metrics_keys_come_from_the_first_chunk_and_missing_keys_are_dropped(void**) {
  std::vector<Metrics> chunks = {{{"a:sum", 1}, {"b:sum", 1}}, {{"a:sum", 2}, {"z:sum", 5}}};
  Metrics out;
  Error err;
  assert_true(combine_metrics(chunks, {1, 1}, &out, &err));
  assert_true(metric(out, "a:sum") == 3);
  assert_false(has_metric(out, "b:sum"));
  assert_false(has_metric(out, "z:sum"));
}

static void metrics_reduce_even_a_single_chunk(void**) {
  Metrics out;
  Error err;
  assert_true(combine_metrics({{{"x:unique", 4}, {"m:mean", 2}}}, {5}, &out, &err));
  assert_true(metric(out, "x:unique") == 4);
  assert_true(metric(out, "m:mean") == 2);
}

static void metrics_with_malformed_keys_fail_the_call(void**) {
  for (const char* bad : {"loss", "a:b:mean", ""}) {
    Metrics out;
    Error err;
    assert_false(combine_metrics({{{"ok:sum", 1}, {bad, 1}}}, {1}, &out, &err));
    assert_int_equal(err.code, TINKER_E_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message.c_str(), "name:reduction"));
  }
}

static void metrics_with_unknown_reductions_are_dropped(void**) {
  Metrics out;
  Error err;
  assert_true(combine_metrics({{{"a:median", 1}, {"b:sum", 1}}}, {1}, &out, &err));
  assert_false(has_metric(out, "a:median"));
  assert_true(has_metric(out, "b:sum"));
}

static void weighted_mean_over_chunks_without_outputs_is_an_error(void**) {
  Metrics out;
  Error err;
  assert_false(combine_metrics({{{"a:mean", 1}}, {{"a:mean", 2}}}, {0, 0}, &out, &err));
  assert_int_equal(err.code, TINKER_E_INVALID_ARGUMENT);
}

static void hash_unordered_ignores_chunk_order_but_not_values(void**) {
  Metrics a, b, c;
  Error err;
  assert_true(combine_metrics({{{"h:hash_unordered", 3}}, {{"h:hash_unordered", 11}}}, {1, 1}, &a, &err));
  assert_true(combine_metrics({{{"h:hash_unordered", 11}}, {{"h:hash_unordered", 3}}}, {1, 1}, &b, &err));
  assert_true(combine_metrics({{{"h:hash_unordered", 11}}, {{"h:hash_unordered", 4}}}, {1, 1}, &c, &err));
  assert_true(metric(a, "h:hash_unordered") == metric(b, "h:hash_unordered"));
  assert_true(metric(a, "h:hash_unordered") != metric(c, "h:hash_unordered"));
}

// Path parameters (docs/protocol.md §2.4): checkpoint ids keep their '/', anything that would
// end the path or climb out of it is encoded.
static void path_parameters_are_encoded_except_what_a_segment_may_hold(void**) {
  using tinker::expand_path;
  assert_string_equal(expand_path("/api/v1/samplers/{id}", {{"id", "sess:sample:0"}}).c_str(), "/api/v1/samplers/sess:sample:0");
  assert_string_equal(expand_path("/a/{run}/c/{ck}", {{"run", "r1"}, {"ck", "weights/0001"}}).c_str(), "/a/r1/c/weights/0001");
  assert_string_equal(expand_path("/s/{id}", {{"id", "a b?c#d%e"}}).c_str(), "/s/a%20b%3Fc%23d%25e");
  assert_string_equal(expand_path("/s/{id}", {{"id", "../../admin"}}).c_str(), "/s/%2E%2E/%2E%2E/admin");
  assert_string_equal(expand_path("/s/{id}", {{"id", "./x/..."}}).c_str(), "/s/%2E/x/...");
  assert_string_equal(expand_path("/s/{id}", {{"id", "v1.2"}}).c_str(), "/s/v1.2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(path_parameters_are_encoded_except_what_a_segment_may_hold),
      cmocka_unit_test(turn_gate_reserves_consecutive_ids_in_call_order),
      cmocka_unit_test(turn_gate_submits_strictly_in_id_order),
      cmocka_unit_test(turn_gate_failed_submission_still_releases_next_turn),
      cmocka_unit_test(turn_gate_skips_a_reservation_released_before_its_turn),
      cmocka_unit_test(bytes_budget_allows_overdraft_for_items_larger_than_the_budget),
      cmocka_unit_test(bytes_budget_waits_while_balance_is_negative_then_proceeds_in_order),
      cmocka_unit_test(chunks_split_at_exactly_max_len_datums),
      cmocka_unit_test(chunks_split_when_the_byte_limit_would_be_exceeded),
      cmocka_unit_test(an_oversized_datum_travels_alone),
      cmocka_unit_test(no_datums_no_chunks),
      cmocka_unit_test(metrics_reduce_by_suffix_with_output_count_weights),
      cmocka_unit_test(metrics_keys_come_from_the_first_chunk_and_missing_keys_are_dropped),
      cmocka_unit_test(metrics_reduce_even_a_single_chunk),
      cmocka_unit_test(metrics_with_malformed_keys_fail_the_call),
      cmocka_unit_test(metrics_with_unknown_reductions_are_dropped),
      cmocka_unit_test(weighted_mean_over_chunks_without_outputs_is_an_error),
      cmocka_unit_test(hash_unordered_ignores_chunk_order_but_not_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
