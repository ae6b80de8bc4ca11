// ForwardBackwardOutput: the client's decoder and the emulator's encoder against libprotobuf and
// the decoding rules of protocol.md §1.6.1.
#include "support.h"

using namespace wiretest;

namespace {

constexpr int kRounds = 400;

std::string le_i64s(std::initializer_list<int64_t> v) {
  std::string s;
  for (int64_t x : v) s.append(reinterpret_cast<const char*>(&x), 8);
  return s;
}

template <typename T>
std::string le(std::initializer_list<T> v) {
  std::string s;
  for (T x : v) s.append(reinterpret_cast<const char*>(&x), sizeof(T));
  return s;
}

bool decode(const tp::ForwardBackwardOutput& m, w::ForwardBackwardOutput* out, std::string* err) {
  std::string bytes;
  assert_true(m.SerializeToString(&bytes));
  return w::decode_forward_backward_output(bytes, out, err);
}

// (b) libprotobuf-serialised results with unknown fields decode like the reference rules say.
void libprotobuf_output_decodes_like_the_reference(void** state) {
  Rng r(0x0e7f0001);
  for (int round = 0; round < kRounds; ++round) {
    tp::ForwardBackwardOutput m;
    random_output_message(r, &m);
    add_unknown_fields(r, &m);
    w::ForwardBackwardOutput got, want;
    std::string err;
    assert_true(reference_decode(m, &want));
    if (!decode(m, &got, &err)) fail_msg("%s", err.c_str());
    assert_outputs_equal(got, want);
  }
}

// (a)+(c) the emulator's encoder: libprotobuf parses it, our canonical bytes equal libprotobuf's
// deterministic re-serialisation, and both decoders give back the values.
void encoded_output_round_trips_and_matches_libprotobuf_bytes(void** state) {
  Rng r(0x0e7f0002);
  for (int round = 0; round < kRounds; ++round) {
    w::ForwardBackwardOutput v = random_output_value(r);
    w::OutputEncodeOptions opt;
    opt.max_datums_per_record = static_cast<size_t>(r.range(0, 3));
    std::string bytes, err;
    if (!w::encode_forward_backward_output(v, &bytes, &err, opt)) fail_msg("%s", err.c_str());

    tp::ForwardBackwardOutput m;
    assert_true(m.ParseFromString(bytes));
    assert_true(bytes == serialize_deterministic(m));

    w::ForwardBackwardOutput ours, ref;
    assert_true(w::decode_forward_backward_output(bytes, &ours, &err));
    assert_true(reference_decode(m, &ref));
    if (v.outputs.empty()) v.loss_fn_output_type = v.loss_fn_output_type.empty() ? "ArrayRecord" : v.loss_fn_output_type;
    assert_outputs_equal(ours, v);
    assert_outputs_equal(ref, v);
  }
}

void bf16_and_int32_outputs_are_widened(void** state) {
  tp::ForwardBackwardOutput m;
  m.set_loss_fn_output_type("ArrayRecord");
  tp::ArrayRecord* rec = m.add_loss_fn_outputs();
  rec->set_num_datums(1);
  // bfloat16 1.0 = 0x3f80, -2.5 = 0xc020, +inf = 0x7f80, smallest subnormal = 0x0001
  tp::BatchedTensor& f = (*rec->mutable_fields())["logprobs"];
  f.set_dtype(tp::DTYPE_BFLOAT16);
  f.set_data(le<uint16_t>({0x3f80, 0xc020, 0x7f80, 0x0001}));
  f.set_offsets(le_i64s({0, 8}));
  tp::BatchedTensor& i = (*rec->mutable_fields())["ids"];
  i.set_dtype(tp::DTYPE_INT32);
  i.set_data(le<int32_t>({-1, INT32_MAX, INT32_MIN}));
  i.set_offsets(le_i64s({0, 12}));

  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(decode(m, &out, &err));
  assert_int_equal(out.outputs.size(), 1);
  for (const auto& [name, t] : out.outputs[0]) {
    if (name == "logprobs") {
      assert_true(t.is_float);
      assert_int_equal(t.f32.size(), 4);
      assert_true(t.f32[0] == 1.0f && t.f32[1] == -2.5f && std::isinf(t.f32[2]));
      uint32_t bits;
      std::memcpy(&bits, &t.f32[3], 4);
      assert_int_equal(bits, 0x00010000u);
      assert_true(t.shape == std::vector<int64_t>{4});
    } else {
      assert_false(t.is_float);
      assert_true(t.i64 == (std::vector<int64_t>{-1, INT32_MAX, INT32_MIN}));
    }
  }
}

// Offsets are byte offsets into the original stream; records concatenate in order; per-datum
// shape = [numel / prod(trailing), *trailing].
void byte_offsets_slice_datums_across_several_records(void** state) {
  tp::ForwardBackwardOutput m;
  m.set_loss_fn_output_type("tinker.ops:CrossEntropyOutput");
  tp::ArrayRecord* a = m.add_loss_fn_outputs();
  a->set_num_datums(2);
  tp::BatchedTensor& fa = (*a->mutable_fields())["logprobs"];
  fa.set_dtype(tp::DTYPE_FLOAT32);
  fa.set_data(le<float>({1, 2, 3, 4, 5, 6}));
  fa.set_offsets(le_i64s({0, 8, 24}));  // datum 0: 2 floats, datum 1: 4 floats
  fa.add_trailing_shape(2);
  tp::ArrayRecord* b = m.add_loss_fn_outputs();
  b->set_num_datums(1);
  tp::BatchedTensor& fb = (*b->mutable_fields())["logprobs"];
  fb.set_dtype(tp::DTYPE_BFLOAT16);
  fb.set_data(le<uint16_t>({0x4000, 0x4040, 0x4080}));  // 2, 3, 4
  fb.set_offsets(le_i64s({0, 6}));
  fb.add_trailing_shape(3);
  (*m.mutable_metrics())["loss:sum"] = 1.5;

  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(decode(m, &out, &err));
  assert_string_equal(out.loss_fn_output_type.c_str(), "CrossEntropyOutput");
  assert_int_equal(out.outputs.size(), 3);
  const w::OutputTensor& d0 = out.outputs[0][0].second;
  const w::OutputTensor& d1 = out.outputs[1][0].second;
  const w::OutputTensor& d2 = out.outputs[2][0].second;
  assert_true(d0.f32 == (std::vector<float>{1, 2}) && d0.shape == (std::vector<int64_t>{1, 2}));
  assert_true(d1.f32 == (std::vector<float>{3, 4, 5, 6}) && d1.shape == (std::vector<int64_t>{2, 2}));
  assert_true(d2.f32 == (std::vector<float>{2, 3, 4}) && d2.shape == (std::vector<int64_t>{1, 3}));
  assert_int_equal(out.metrics.size(), 1);
  assert_true(out.metrics[0].first == "loss:sum" && out.metrics[0].second == 1.5);
}

void output_type_without_records_is_raw_or_array_record(void** state) {
  w::ForwardBackwardOutput out;
  std::string err;
  tp::ForwardBackwardOutput m;
  assert_true(decode(m, &out, &err));
  assert_string_equal(out.loss_fn_output_type.c_str(), "ArrayRecord");
  assert_true(out.outputs.empty());
  m.set_loss_fn_output_type("mod:Thing");
  assert_true(decode(m, &out, &err));
  assert_string_equal(out.loss_fn_output_type.c_str(), "mod:Thing");  // reduced only with records
}

void num_datums_zero_falls_back_to_the_field_count(void** state) {
  tp::ForwardBackwardOutput m;
  tp::ArrayRecord* rec = m.add_loss_fn_outputs();  // num_datums unset: an older writer
  tp::BatchedTensor& f = (*rec->mutable_fields())["logprobs"];
  f.set_dtype(tp::DTYPE_FLOAT32);
  f.set_data(le<float>({1, 2, 3}));
  f.set_offsets(le_i64s({0, 4, 4, 12}));
  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(decode(m, &out, &err));
  assert_int_equal(out.outputs.size(), 3);
  assert_true(out.outputs[1][0].second.shape == std::vector<int64_t>{0});
}

void num_datums_without_fields_gives_empty_datums(void** state) {
  tp::ForwardBackwardOutput m;
  m.add_loss_fn_outputs()->set_num_datums(4);  // every field filtered out server-side
  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(decode(m, &out, &err));
  assert_int_equal(out.outputs.size(), 4);
  assert_true(out.outputs[3].empty());
}

void inconsistent_outputs_are_errors_not_misalignment(void** state) {
  struct Case {
    const char* want;
    std::function<void(tp::ForwardBackwardOutput*)> build;
  };
  auto field = [](tp::ArrayRecord* rec, const char* name, std::string offsets, std::string data) {
    tp::BatchedTensor& f = (*rec->mutable_fields())[name];
    f.set_dtype(tp::DTYPE_FLOAT32);
    f.set_data(std::move(data));
    f.set_offsets(std::move(offsets));
    return &f;
  };
  const std::string four = le<float>({1, 2, 3, 4});
  std::vector<Case> cases = {
      {"out of range", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", le_i64s({0, 20}), four); }},
      {"out of range", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", le_i64s({0, 2}), four); }},
      {"out of range", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", le_i64s({8, 4}), four); }},
      {"out of range", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", le_i64s({-4, 4}), four); }},
      {"whole number of int64", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", "1234567", four); }},
      {"whole number of 4-byte", [&](auto* m) { field(m->add_loss_fn_outputs(), "a", le_i64s({0, 4}), "12345"); }},
      {"unsupported dtype", [&](auto* m) {
         field(m->add_loss_fn_outputs(), "a", le_i64s({0, 4}), four)->set_dtype(tp::DTYPE_UNSPECIFIED);
       }},
      {"has 1 datums, the record has 2", [&](auto* m) {
         auto* rec = m->add_loss_fn_outputs();
         rec->set_num_datums(2);
         field(rec, "a", le_i64s({0, 16}), four);
       }},
      {"datums, the record has", [&](auto* m) {
         auto* rec = m->add_loss_fn_outputs();  // num_datums 0: fields must agree
         field(rec, "a", le_i64s({0, 16}), four);
         field(rec, "b", le_i64s({0, 8, 16}), four);
       }},
      {"fields differ", [&](auto* m) {
         auto* r1 = m->add_loss_fn_outputs();
         r1->set_num_datums(1);
         field(r1, "a", le_i64s({0, 16}), four);
         field(r1, "b", le_i64s({0, 16}), four);
         auto* r2 = m->add_loss_fn_outputs();
         r2->set_num_datums(1);
         field(r2, "a", le_i64s({0, 16}), four);
       }},
      {"do not divide", [&](auto* m) {
         field(m->add_loss_fn_outputs(), "a", le_i64s({0, 12}), four)->add_trailing_shape(2);
       }},
      {"do not divide", [&](auto* m) {
         field(m->add_loss_fn_outputs(), "a", le_i64s({0, 12}), four)->add_trailing_shape(0);
       }},
      {"negative dimension", [&](auto* m) {
         field(m->add_loss_fn_outputs(), "a", le_i64s({0, 0}), four)->add_trailing_shape(-1);
       }},
      {"negative num_datums", [&](auto* m) { m->add_loss_fn_outputs()->set_num_datums(-1); }},
      {"more than", [&](auto* m) { m->add_loss_fn_outputs()->set_num_datums(int64_t{1} << 40); }},
  };
  for (const Case& c : cases) {
    tp::ForwardBackwardOutput m;
    c.build(&m);
    w::ForwardBackwardOutput out, ref;
    std::string err;
    assert_false(decode(m, &out, &err));
    if (!strstr(err.c_str(), c.want)) fail_msg("message \"%s\" lacks \"%s\"", err.c_str(), c.want);
    assert_false(reference_decode(m, &ref));
  }
}

void duplicate_metric_key_keeps_the_last_value(void** state) {
  // metrics { key "loss:sum" value 1 } metrics { key "loss:sum" value 2 }, hand-assembled.
  std::string entry1 = std::string("\x0a\x08loss:sum\x11", 11) + le<double>({1.0});
  std::string entry2 = std::string("\x0a\x08loss:sum\x11", 11) + le<double>({2.0});
  std::string bytes = "\x1a" + std::string(1, static_cast<char>(entry1.size())) + entry1 + "\x1a" +
                      std::string(1, static_cast<char>(entry2.size())) + entry2;
  w::ForwardBackwardOutput out;
  std::string err;
  assert_true(w::decode_forward_backward_output(bytes, &out, &err));
  assert_int_equal(out.metrics.size(), 1);
  assert_true(out.metrics[0].second == 2.0);
}

void encoder_writes_bf16_and_int32_when_asked(void** state) {
  w::ForwardBackwardOutput v;
  v.loss_fn_output_type = "ArrayRecord";
  w::LossFnOutput d;
  w::OutputTensor f;
  f.shape = {3};
  f.f32 = {1.0f, 1.00390625f /* ties to even → 1.0 */, 3.0f};
  w::OutputTensor i;
  i.is_float = false;
  i.shape = {2};
  i.i64 = {-5, 7};
  d.emplace_back("logprobs", f);
  d.emplace_back("ids", i);
  v.outputs.push_back(d);
  w::OutputEncodeOptions opt;
  opt.float_dtype = w::DType::BFLOAT16;
  opt.int_dtype = w::DType::INT32;
  std::string bytes, err;
  assert_true(w::encode_forward_backward_output(v, &bytes, &err, opt));
  tp::ForwardBackwardOutput m;
  assert_true(m.ParseFromString(bytes));
  assert_int_equal(m.loss_fn_outputs(0).fields().at("logprobs").dtype(), tp::DTYPE_BFLOAT16);
  assert_int_equal(m.loss_fn_outputs(0).fields().at("ids").dtype(), tp::DTYPE_INT32);
  w::ForwardBackwardOutput out;
  assert_true(w::decode_forward_backward_output(bytes, &out, &err));
  v.outputs[0][0].second.f32 = {1.0f, 1.0f, 3.0f};
  assert_outputs_equal(out, v);

  v.outputs[0][1].second.i64[0] = int64_t{1} << 40;
  assert_false(w::encode_forward_backward_output(v, &bytes, &err, opt));
}

void ragged_outputs_become_several_records(void** state) {
  w::ForwardBackwardOutput v;
  for (int64_t k : {2, 2, 3}) {
    w::OutputTensor t;
    t.shape = {1, k};
    t.f32.assign(static_cast<size_t>(k), 0.5f);
    v.outputs.push_back({{"topk", t}});
  }
  std::string bytes, err;
  assert_true(w::encode_forward_backward_output(v, &bytes, &err));
  tp::ForwardBackwardOutput m;
  assert_true(m.ParseFromString(bytes));
  assert_int_equal(m.loss_fn_outputs_size(), 2);
  assert_int_equal(m.loss_fn_outputs(0).num_datums(), 2);
  assert_int_equal(m.loss_fn_outputs(1).num_datums(), 1);
}

void encoder_rejects_datums_with_different_fields(void** state) {
  w::OutputTensor t;
  t.shape = {1};
  t.f32 = {1};
  w::ForwardBackwardOutput v;
  v.outputs.push_back({{"a", t}});
  v.outputs.push_back({{"b", t}});
  std::string bytes, err;
  assert_false(w::encode_forward_backward_output(v, &bytes, &err));
  assert_non_null(strstr(err.c_str(), "other fields"));
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(libprotobuf_output_decodes_like_the_reference),
      cmocka_unit_test(encoded_output_round_trips_and_matches_libprotobuf_bytes),
      cmocka_unit_test(bf16_and_int32_outputs_are_widened),
      cmocka_unit_test(byte_offsets_slice_datums_across_several_records),
      cmocka_unit_test(output_type_without_records_is_raw_or_array_record),
      cmocka_unit_test(num_datums_zero_falls_back_to_the_field_count),
      cmocka_unit_test(num_datums_without_fields_gives_empty_datums),
      cmocka_unit_test(inconsistent_outputs_are_errors_not_misalignment),
      cmocka_unit_test(duplicate_metric_key_keeps_the_last_value),
      cmocka_unit_test(encoder_writes_bf16_and_int32_when_asked),
      cmocka_unit_test(ragged_outputs_become_several_records),
      cmocka_unit_test(encoder_rejects_datums_with_different_fields),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
