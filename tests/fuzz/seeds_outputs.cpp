// Seeds of the two result decoders: forward/backward outputs in protobuf and in JSON.
#include <string>

#include "seed_protobuf.h"
#include "seed_values.h"
#include "seeds.h"
#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"

namespace fuzz {

namespace {

std::string f32s(std::initializer_list<float> v) {
  return std::string(reinterpret_cast<const char*>(v.begin()), v.size() * 4);
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Seed `i` varies the encoder's options: bfloat16 floats, one datum per record, int32 ints.
bool encode_random_output(Rng& r, int i, std::string* bytes) {
  w::ForwardBackwardOutput o = random_output(r);
  w::OutputEncodeOptions opt;
  if (i % 3 == 1) opt.float_dtype = w::DType::BFLOAT16;
  if (i % 4 == 2) opt.max_datums_per_record = 1;
  if (i % 5 == 3) {  // int32 on the wire: the values must fit
    opt.int_dtype = w::DType::INT32;
    for (w::LossFnOutput& d : o.outputs)
      for (auto& f : d)
        for (int64_t& v : f.second.i64) v = static_cast<int32_t>(v);
  }
  std::string err;
  return w::encode_forward_backward_output(o, bytes, &err, opt);
}

}  // namespace

std::vector<Seed> output_seeds() {
  using namespace pb;
  std::vector<Seed> s = valid_seeds(0x5eed0001, 12, encode_random_output);
  s.push_back({"empty_body", ""});
  // The shape bomb, scaled to the harness's 1 MiB: 100,000 trailing dimensions copied into
  // 100,000 empty datums was 80 GB of shapes.
  s.push_back({"shape_bomb", output("ArrayRecord", {zero_offsets_record("logprobs", 100000, std::vector<int64_t>(100000, 1))})});
  {  // the same, with the dimensions unpacked (one varint field each)
    std::string bt = batched("", std::vector<int64_t>(50001, 0), 1, {});
    for (int i = 0; i < 50000; ++i) bt += varint_field(4, 1);
    s.push_back({"shape_bomb_unpacked", output("", {record({{"x", bt}}, 50000)})});
  }
  s.push_back({"dims_at_cap", output("ArrayRecord", {record({{"x", batched(f32s({1, 2}), {0, 8}, 1, {1, 1, 1, 1, 1, 1, 2})}}, 1)})});
  s.push_back({"dims_over_cap", output("ArrayRecord", {record({{"x", batched(f32s({1, 2}), {0, 8}, 1, {1, 1, 1, 1, 1, 1, 1, 2})}}, 1)})});
  // A 64 KiB field name repeated for 100,000 empty datums: 6.5 GB of names from 0.9 MB.
  s.push_back({"long_name_many_datums", output("", {zero_offsets_record(std::string(65536, 'n'), 100000, {})})});
  s.push_back({"many_empty_datums", output("", {zero_offsets_record("logprobs", 20000, {})})});
  s.push_back({"fieldless_record_max_datums", output("", {record({}, int64_t{1} << 20)})});
  s.push_back({"fieldless_record_huge_num_datums", output("", {record({}, int64_t{1} << 40)})});
  s.push_back({"negative_num_datums", output("", {record({{"x", batched(f32s({1}), {0, 4}, 1, {})}}, -1)})});
  s.push_back({"num_datums_disagrees_with_offsets", output("", {record({{"x", batched(f32s({1, 2}), {0, 4, 8}, 1, {})}}, 3)})});
  s.push_back({"fields_disagree_on_datum_count",
               output("", {record({{"a", batched(f32s({1, 2}), {0, 4, 8}, 1, {})},
                                   {"b", batched(f32s({1, 2, 3}), {0, 4, 8, 12}, 1, {})}}, 0)})});
  s.push_back({"records_with_different_fields",
               output("", {record({{"a", batched(f32s({1}), {0, 4}, 1, {})}}, 1),
                           record({{"b", batched(f32s({1}), {0, 4}, 1, {})}}, 1)})});
  s.push_back({"offsets_decreasing", output("", {record({{"x", batched(f32s({1, 2}), {0, 8, 4}, 1, {})}}, 2)})});
  s.push_back({"offsets_past_the_data", output("", {record({{"x", batched(f32s({1}), {0, 1 << 20}, 1, {})}}, 1)})});
  s.push_back({"offset_inside_an_element", output("", {record({{"x", batched(f32s({1, 2}), {0, 2, 8}, 1, {})}}, 2)})});
  s.push_back({"offset_negative", output("", {record({{"x", batched(f32s({1}), {-4, 4}, 1, {})}}, 1)})});
  s.push_back({"data_not_whole_elements", output("", {record({{"x", batched("abcde", {0, 4}, 1, {})}}, 1)})});
  s.push_back({"unknown_dtype", output("", {record({{"x", batched(f32s({1}), {0, 4}, 9, {})}}, 1)})});
  s.push_back({"negative_trailing_dim", output("", {record({{"x", batched(f32s({1, 2}), {0, 8}, 1, {-2})}}, 1)})});
  s.push_back({"trailing_does_not_divide", output("", {record({{"x", batched(f32s({1, 2, 3}), {0, 12}, 1, {2})}}, 1)})});
  s.push_back({"trailing_product_overflows",
               output("", {record({{"x", batched(f32s({1}), {0, 0, 4}, 1, {int64_t{1} << 62, int64_t{1} << 62})}}, 2)})});
  s.push_back({"bf16_and_int32", output("m:ArrayRecord", {record({{"f", batched("\x80\x3f\x20\xc0", {0, 2, 4}, 4, {})},
                                                                   {"i", batched(f32s({1, 2}), {0, 4, 8}, 3, {})}}, 2)})});
  {  // 20,000 distinct metric keys, then every key again: linear with the index, was quadratic
    std::string body;
    for (int pass = 0; pass < 2; ++pass)
      for (int i = 0; i < 20000; ++i) put_string_double_entry(&body, 3, "m" + std::to_string(i), i + pass);
    s.push_back({"many_metric_keys", body});
  }
  {  // two records of 5,000 fields each
    std::vector<std::pair<std::string, std::string>> fields;
    for (int i = 0; i < 5000; ++i) fields.emplace_back("f" + std::to_string(i), batched("", {0, 0}, 1, {}));
    s.push_back({"many_fields", output("", {record(fields, 1), record(fields, 1)})});
  }
  s.push_back({"duplicate_field_key", output("", {record({{"x", batched(f32s({1}), {0, 4}, 1, {})},
                                                          {"x", batched(f32s({1, 2}), {0, 8}, 1, {})}}, 1)})});
  s.push_back({"nested_groups", repeat("\xa3\x01", 1000)});
  return s;
}

std::vector<Seed> output_json_seeds() {
  std::vector<Seed> s = valid_seeds(0x5eed0002, 10, [](Rng& r, int, std::string* text) {
    w::encode_forward_backward_output_json(random_output(r), text);
    return true;  // the JSON encoder refuses nothing
  });
  auto doc = [](const std::string& tensor) {
    return R"({"loss_fn_output_type":"ArrayRecord","loss_fn_outputs":[{"x":)" + tensor + R"(}],"metrics":{"loss:sum":1.5}})";
  };
  s.push_back({"ints_out_of_range", doc(R"({"data":[1e308,-1e308],"dtype":"int64"})")});
  s.push_back({"int_at_2_63", doc(R"({"data":[9223372036854775808],"dtype":"int64"})")});
  s.push_back({"floats_out_of_range", doc(R"({"data":[1e308,-1e308,1e999,-1e999,5e-324,-0],"dtype":"float32"})")});
  s.push_back({"nan_strings", doc(R"({"data":["NaN","nan","Infinity"],"dtype":"float32"})")});
  s.push_back({"nulls_in_floats", doc(R"({"data":[null,1,null],"dtype":"float32"})")});
  s.push_back({"dims_at_cap", doc(R"({"data":[0],"dtype":"float32","shape":[1,1,1,1,1,1,1,1]})")});
  s.push_back({"dims_over_cap", doc(R"({"data":[0],"dtype":"float32","shape":[1,1,1,1,1,1,1,1,1]})")});
  {
    std::string dims = "1";
    for (int i = 0; i < 10000; ++i) dims += ",1";
    s.push_back({"long_shape", doc(R"({"data":[0],"dtype":"float32","shape":[)" + dims + "]}")});
  }
  s.push_back({"shape_negative", doc(R"({"data":[],"dtype":"float32","shape":[-1,0]})")});
  s.push_back({"shape_fraction", doc(R"({"data":[0],"dtype":"float32","shape":[1.5]})")});
  s.push_back({"shape_huge", doc(R"({"data":[],"dtype":"float32","shape":[1e308,0]})")});
  s.push_back({"empty_with_leading_dim", doc(R"({"data":[],"dtype":"int64","shape":[5,0]})")});
  s.push_back({"sparse_output", doc(R"({"data":[1],"dtype":"float32","shape":[1,1],"sparse_crow_indices":[0,1],"sparse_col_indices":[0]})")});
  {
    std::string zeros = "0";
    for (int i = 0; i < 100000; ++i) zeros += ",0";
    s.push_back({"huge_array", doc(R"({"data":[)" + zeros + R"(],"dtype":"float32"})")});
  }
  {
    std::string datums = "{}";
    for (int i = 0; i < 50000; ++i) datums += ",{}";
    s.push_back({"many_datums", R"({"loss_fn_output_type":"x","loss_fn_outputs":[)" + datums + "]}"});
  }
  {
    std::string fields = R"("f0":{"data":[],"dtype":"int64"})";
    for (int i = 1; i < 2000; ++i) fields += ",\"f" + std::to_string(i) + R"(":{"data":[],"dtype":"int64"})";
    s.push_back({"many_fields", R"({"loss_fn_output_type":"x","loss_fn_outputs":[{)" + fields + "}]}"});
  }
  // The document's nesting in total: doc() adds four levels around "data".
  for (int depth : {1000, 1001, 5000})
    s.push_back({"nesting_" + std::to_string(depth),
                 doc(R"({"data":)" + std::string(depth - 4, '[') + std::string(depth - 4, ']') + R"(,"dtype":"float32"})")});
  s.push_back({"root_array", "[]"});
  s.push_back({"root_null", "null"});
  s.push_back({"root_number", "1"});
  s.push_back({"root_string", "\"ArrayRecord\""});
  s.push_back({"empty_text", ""});
  s.push_back({"outputs_not_an_array", R"({"loss_fn_output_type":"x","loss_fn_outputs":{}})"});
  s.push_back({"metrics_odd_values", R"({"loss_fn_output_type":"x","loss_fn_outputs":[],"metrics":{"a":null,"b":1e999,"a":2,"c":"NaN"}})"});
  s.push_back({"duplicate_and_nul_keys", R"({"loss_fn_output_type":"x","loss_fn_outputs":[{"a":{"data":[1],"dtype":"int64"},"a\u0000b":{"data":[2],"dtype":"int64"},"a":{"data":[3],"dtype":"int64"}}]})"});
  s.push_back({"data_null", doc(R"({"data":null,"dtype":"float32"})")});
  s.push_back({"dtype_unknown", doc(R"({"data":[1],"dtype":"bfloat16"})")});
  return s;
}

}  // namespace fuzz
