// Bodies built to make a decoder allocate far more than they weigh, or to disagree with
// themselves: each is refused with a message before the allocation it asks for. A counting
// operator new in this binary measures the peak the C++ heap reaches during a decode (zstd's
// own buffers come from malloc and are not counted).
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"
#include "wire/pb_writer.h"
#include "wire/sample_response.h"
#include "wire/zstd_codec.h"

// CMocka last: its macros clash with names in the headers above.
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

// ---- counting allocator -----------------------------------------------------------------

namespace {
std::atomic<size_t> g_live{0}, g_peak{0};
constexpr size_t kHeader = 16;  // keeps the caller's block 16-byte aligned
}  // namespace

void* operator new(size_t n) {
  void* p = std::malloc(n + kHeader);
  if (!p) throw std::bad_alloc();
  *static_cast<size_t*>(p) = n;
  const size_t live = g_live += n;
  for (size_t peak = g_peak; live > peak && !g_peak.compare_exchange_weak(peak, live);) {
  }
  return static_cast<char*>(p) + kHeader;
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept {
  if (!p) return;
  char* block = static_cast<char*>(p) - kHeader;
  g_live -= *reinterpret_cast<size_t*>(block);
  std::free(block);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }

namespace {

namespace w = tinker::wire;
namespace pb = tinker::wire::pb;

// Runs `f` and returns the most its allocations held at once beyond what was live before.
template <typename F>
size_t peak_during(F f) {
  const size_t base = g_live;
  g_peak = base;
  f();
  return g_peak - base;
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// ---- protobuf pieces (field numbers: wire/fwdbwd_output.h, wire/sample_response.cpp) ------

std::string len_field(uint32_t field, const std::string& payload) {
  std::string s;
  pb::put_bytes_field(&s, field, payload.data(), payload.size());
  return s;
}

std::string varint_field(uint32_t field, uint64_t v) {
  std::string s;
  pb::put_varint_field(&s, field, v);
  return s;
}

std::string f32s(std::initializer_list<float> v) {
  return std::string(reinterpret_cast<const char*>(v.begin()), v.size() * 4);
}

// BatchedTensor with `n_datums` datums over `data` (float32): the first n_datums - 1 are empty,
// the last holds all of it.
std::string batched(const std::string& data, size_t n_datums, const std::vector<int64_t>& trailing) {
  std::vector<int64_t> offsets(n_datums + 1, 0);
  offsets.back() = static_cast<int64_t>(data.size());
  std::string s;
  if (!data.empty()) s += len_field(1, data);
  s += len_field(2, std::string(reinterpret_cast<const char*>(offsets.data()), offsets.size() * 8));
  s += varint_field(3, 1);
  pb::put_packed_int64_field(&s, 4, trailing.data(), trailing.size());
  return s;
}

std::string record(const std::string& name, const std::string& batched_tensor, uint64_t num_datums) {
  return len_field(2, len_field(2, len_field(1, name) + len_field(2, batched_tensor)) + varint_field(3, num_datums));
}

// ---- forward/backward outputs -------------------------------------------------------------

// 200,000 trailing dimensions, 200,000 empty datums: 1.8 MB asking for 320 GB of shapes.
void shape_bomb_is_refused_before_allocating(void** state) {
  constexpr size_t kN = 200000;
  const std::string body = record("logprobs", batched("", kN, std::vector<int64_t>(kN, 1)), kN);
  assert_true(body.size() > 1800000 && body.size() < 1900000);
  w::ForwardBackwardOutput out;
  std::string err;
  bool ok = true;
  const size_t peak = peak_during([&] { ok = w::decode_forward_backward_output(body, &out, &err); });
  assert_false(ok);
  assert_true(contains(err, "trailing_shape has 200000 dimensions"));
  assert_true(contains(err, "at most 8 (kMaxTensorDims)"));
  // Not even the dimensions themselves are held (they would be 1.6 MB as int64).
  if (peak >= 64 * 1024) fail_msg("peak %zu bytes", peak);
}

void output_dims_above_cap_are_refused(void** state) {
  w::ForwardBackwardOutput out;
  std::string err;
  std::vector<int64_t> trailing(w::kMaxTensorDims - 1, 1);
  trailing.back() = 2;
  assert_true(w::decode_forward_backward_output(record("x", batched(f32s({1, 2}), 1, trailing), 1), &out, &err));
  assert_int_equal(out.outputs[0][0].second.shape.size(), w::kMaxTensorDims);

  trailing.insert(trailing.begin(), 1);
  assert_false(w::decode_forward_backward_output(record("x", batched(f32s({1, 2}), 1, trailing), 1), &out, &err));
  assert_true(contains(err, "trailing_shape has 8 dimensions"));

  // JSON: "shape" counts the leading dimension.
  auto json = [](const std::string& shape) {
    return R"({"loss_fn_output_type":"x","loss_fn_outputs":[{"x":{"data":[1,2],"dtype":"float32","shape":)" + shape + "}}]}";
  };
  assert_true(w::decode_forward_backward_output_json(json("[1,1,1,1,1,1,1,2]"), &out, &err));
  assert_false(w::decode_forward_backward_output_json(json("[1,1,1,1,1,1,1,1,2]"), &out, &err));
  assert_true(contains(err, "shape has 9 dimensions"));
}

// A 64 KiB field name repeated for 100,000 empty datums: 6.5 GB of names from 0.9 MB.
void output_bytes_above_the_budget_are_refused_before_allocating(void** state) {
  constexpr size_t kN = 100000;
  const std::string body = record(std::string(65536, 'n'), batched("", kN, {}), kN);
  w::ForwardBackwardOutput out;
  std::string err;
  bool ok = true;
  const size_t peak = peak_during([&] { ok = w::decode_forward_backward_output(body, &out, &err); });
  assert_false(ok);
  assert_true(contains(err, "decoding would take more than"));
  assert_true(contains(err, "32 x body + 1048576"));
  if (peak >= body.size()) fail_msg("peak %zu bytes for a %zu-byte body", peak, body.size());

  // A field-less record asks for empty datums with a number: 2^20 of them from 6 bytes.
  assert_false(w::decode_forward_backward_output(len_field(2, varint_field(3, w::kMaxOutputDatums)), &out, &err));
  assert_true(contains(err, "decoding would take more than"));
}

// The worst honest case, many empty datums, stays well inside the budget.
void many_empty_datums_fit_the_budget(void** state) {
  constexpr size_t kN = 100000;
  const std::string body = record("logprobs", batched("", kN, {}), kN);
  w::ForwardBackwardOutput out;
  std::string err;
  if (!w::decode_forward_backward_output(body, &out, &err)) fail_msg("%s", err.c_str());
  assert_int_equal(out.outputs.size(), kN);
  // ~19 bytes decoded per byte of body: the budget allows 32
  assert_true(w::decoded_output_bytes(out) < 20 * body.size());

  assert_true(w::decode_forward_backward_output(len_field(2, varint_field(3, 1000)), &out, &err));
  assert_int_equal(out.outputs.size(), 1000);  // field-less datums, within the allowance
}

void record_counts_that_disagree_are_refused(void** state) {
  w::ForwardBackwardOutput out;
  std::string err;
  // num_datums 3, offsets for 2
  assert_false(w::decode_forward_backward_output(record("x", batched(f32s({1, 2}), 2, {}), 3), &out, &err));
  assert_true(contains(err, "field \"x\" has 2 datums, the record has 3"));
  // no num_datums: the fields decide, and must agree
  const std::string two = len_field(2, len_field(1, "a") + len_field(2, batched(f32s({1}), 2, {})));
  const std::string three = len_field(2, len_field(1, "b") + len_field(2, batched(f32s({1}), 3, {})));
  assert_false(w::decode_forward_backward_output(len_field(2, two + three), &out, &err));
  assert_true(contains(err, "has 3 datums, the record has 2"));
  // more datums than the cap
  assert_false(w::decode_forward_backward_output(len_field(2, varint_field(3, uint64_t{1} << 40)), &out, &err));
  assert_true(contains(err, "more than 1048576 datums"));
}

// A repeated key keeps its first position and takes the last value, for any number of keys
// (the lookup is indexed past a few keys).
void many_distinct_keys_keep_first_position_and_last_value(void** state) {
  std::string body;
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 50000; ++i) pb::put_string_double_entry(&body, 3, "m" + std::to_string(i), i + pass * 0.5);
  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(w::decode_forward_backward_output(body, &out, &err));
  assert_int_equal(out.metrics.size(), 50000);
  assert_string_equal(out.metrics[12345].first.c_str(), "m12345");
  assert_true(out.metrics[12345].second == 12345.5);
}

// ---- samples ----------------------------------------------------------------------------

std::string topk(size_t bytes_each, uint64_t k, uint64_t prompt_length) {
  return len_field(3, len_field(1, std::string(bytes_each, '\1')) + len_field(2, std::string(bytes_each, '\0')) +
                          varint_field(3, k) + varint_field(4, prompt_length));
}

void topk_matrix_larger_than_its_bytes_is_refused(void** state) {
  w::SampleResponse out;
  std::string err;
  bool ok = true;
  // 2^32-1 x 2^32-1 cells declared, 8 bytes present
  const size_t peak = peak_during([&] { ok = w::decode_sample_response(topk(8, 0xffffffff, 0xffffffff), &out, &err); });
  assert_false(ok);
  assert_true(contains(err, "4294967295 x 4294967295 cells need"));
  if (peak >= 4096) fail_msg("peak %zu bytes", peak);
  // one cell short
  assert_false(w::decode_sample_response(topk(4 * 6 - 4, 2, 3), &out, &err));
  assert_true(contains(err, "3 x 2 cells need 24 bytes per array, got 20 and 20"));
  assert_true(w::decode_sample_response(topk(4 * 6, 2, 3), &out, &err));
  assert_int_equal(out.topk_prompt_logprobs->token_ids.size(), 6);
}

void sequences_beyond_the_cap_are_counted_before_allocating(void** state) {
  std::string body;
  for (size_t i = 0; i <= w::kMaxSampleSequences; ++i) body += len_field(1, "");
  w::SampleResponse out;
  std::string err;
  bool ok = true;
  const size_t peak = peak_during([&] { ok = w::decode_sample_response(body, &out, &err); });
  assert_false(ok);
  assert_true(contains(err, "1048577 sequences, more than the 1048576"));
  if (peak >= 4096) fail_msg("peak %zu bytes", peak);
}

// ---- zstd -------------------------------------------------------------------------------

// A single-segment frame header with an 8-byte content size, then one empty raw last block.
std::string zstd_claiming(uint64_t size) {
  std::string f("\x28\xb5\x2f\xfd\xe0", 5);
  f.append(reinterpret_cast<const char*>(&size), 8);
  f.append("\x01\x00\x00", 3);
  return f;
}

void zstd_content_size_claims_are_not_allocated_up_front(void** state) {
  for (uint64_t claim : {uint64_t{64} << 20, (uint64_t{1} << 30) - 1}) {
    std::string out, err;
    bool ok = true;
    const size_t peak = peak_during([&] { ok = w::zstd_decompress(zstd_claiming(claim), size_t{1} << 30, &out, &err); });
    assert_false(ok);
    assert_true(out.empty());
    if (peak >= (size_t{1} << 20)) fail_msg("claim %llu: peak %zu bytes", (unsigned long long)claim, peak);
  }
  // zstd itself ends such a frame without comparing sizes; the codec does.
  std::string out, err;
  assert_false(w::zstd_decompress(zstd_claiming(900000), size_t{1} << 20, &out, &err));
  assert_true(contains(err, "declare 900000 bytes of content but hold 0"));
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shape_bomb_is_refused_before_allocating),
      cmocka_unit_test(output_dims_above_cap_are_refused),
      cmocka_unit_test(output_bytes_above_the_budget_are_refused_before_allocating),
      cmocka_unit_test(many_empty_datums_fit_the_budget),
      cmocka_unit_test(record_counts_that_disagree_are_refused),
      cmocka_unit_test(many_distinct_keys_keep_first_position_and_last_value),
      cmocka_unit_test(topk_matrix_larger_than_its_bytes_is_refused),
      cmocka_unit_test(sequences_beyond_the_cap_are_counted_before_allocating),
      cmocka_unit_test(zstd_content_size_claims_are_not_allocated_up_front),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
