// Seeds of the emulator's request decoders, protobuf and JSON.
#include <string>

#include "seed_protobuf.h"
#include "seed_values.h"
#include "seeds.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"

namespace fuzz {

namespace {

// Datum (field 3 of the request): model_input chunks (1), loss_fn_inputs map (2).
// Tensor: data (1) | sparse_csr (2: values 1, crow 2, col 3), dtype (3), shape (4).
std::string datum_with_tensor(const std::string& tensor) {
  using namespace pb;
  return len_field(3, len_field(2, len_field(1, "x") + len_field(2, tensor)));
}

std::string tensor(const std::string& data, int dtype, const std::vector<int64_t>& shape) {
  using namespace pb;
  std::string t = len_field(1, data) + varint_field(3, static_cast<uint64_t>(dtype));
  put_packed_int64_field(&t, 4, shape.data(), shape.size());
  return t;
}

std::string header() {
  using namespace pb;
  return len_field(1, "run:train:0") + varint_field(2, 7);
}

}  // namespace

std::vector<Seed> request_seeds() {
  using namespace pb;
  std::vector<Seed> s = valid_seeds(0x5eed0004, 12, [](Rng& r, int, std::string* bytes) {
    OwnedRequest q;
    random_request(r, false, &q);
    std::string err;
    return w::encode_forward_backward_request(q.header, q.data, bytes, &err);
  });
  s.push_back({"empty_body", ""});
  s.push_back({"shape_overflows", header() + datum_with_tensor(tensor(std::string(4, '\0'), 1, {int64_t{1} << 62, 8}))});
  s.push_back({"shape_negative", header() + datum_with_tensor(tensor(std::string(4, '\0'), 1, {-1}))});
  {
    std::vector<int64_t> ones(50000, 1);
    s.push_back({"long_shape", header() + datum_with_tensor(tensor(std::string(4, '\0'), 1, ones))});
  }
  s.push_back({"sparse_without_shape",
               header() + datum_with_tensor(len_field(2, len_field(1, std::string(4, '\0')) + len_field(3, std::string(8, '\0'))) +
                                            varint_field(3, 1))});
  {
    std::string t = len_field(2, len_field(1, std::string(8, '\0')) + len_field(3, std::string(8, '\0'))) + varint_field(3, 1);
    const std::vector<int64_t> shape = {int64_t{1} << 62, int64_t{1} << 62};
    put_packed_int64_field(&t, 4, shape.data(), shape.size());
    s.push_back({"sparse_nnz_mismatch_huge_shape", header() + datum_with_tensor(t)});
  }
  s.push_back({"chunk_without_content", header() + len_field(3, len_field(1, varint_field(9, 1)))});
  s.push_back({"chunk_switches_kind", header() + len_field(3, len_field(1, len_field(1, len_field(1, "abcd")) +
                                                                            len_field(2, len_field(2, "gif"))))});
  s.push_back({"tokens_not_whole_int32", header() + len_field(3, len_field(1, len_field(1, len_field(1, "abc"))))});
  s.push_back({"duplicate_input_names", header() + len_field(3, len_field(2, len_field(1, "x") + len_field(2, tensor("", 2, {}))) +
                                                              len_field(2, len_field(1, "x") + len_field(2, tensor(std::string(8, '\1'), 2, {1}))))});
  s.push_back({"config_non_finite", header() + len_field(5, len_field(1, "clip") + "\x11" + std::string("\x00\x00\x00\x00\x00\x00\xf0\x7f", 8))});
  {
    std::string body = header();
    for (int i = 0; i < 2000; ++i) body += len_field(3, "");
    s.push_back({"many_empty_datums", body});
  }
  s.push_back({"nested_groups", std::string(2000, '\xa3')});
  return s;
}

std::vector<Seed> request_json_seeds() {
  std::vector<Seed> s = valid_seeds(0x5eed0005, 12, [](Rng& r, int, std::string* text) {
    OwnedRequest q;
    random_request(r, true, &q);
    std::string err;
    return w::encode_forward_backward_request_json(q.header, q.data, text, &err);
  });
  auto req = [](const std::string& chunks, const std::string& inputs, const std::string& extra = "") {
    return R"({"forward_backward_input":{"data":[{"model_input":{"chunks":[)" + chunks + R"(]},"loss_fn_inputs":{)" + inputs +
           R"(}}],"loss_fn":"cross_entropy")" + extra + R"(},"model_id":"m","seq_id":3})";
  };
  s.push_back({"tokens_beyond_int32", req(R"({"tokens":[2147483648],"type":"encoded_text"})", "")});
  s.push_back({"tokens_1e308", req(R"({"tokens":[1e308,-1e308],"type":"encoded_text"})", "")});
  s.push_back({"tokens_fraction", req(R"({"tokens":[1.5],"type":"encoded_text"})", "")});
  s.push_back({"image_bad_base64", req(R"({"data":"A$==","format":"png","type":"image"})", "")});
  s.push_back({"image_bad_padding", req(R"({"data":"A===","format":"png","type":"image"})", "")});
  s.push_back({"image_format_gif", req(R"({"data":"AAAA","format":"gif","type":"image"})", "")});
  s.push_back({"asset_pointer", req(R"({"format":"png","location":"s3://b/i.png","expected_tokens":64,"type":"image_asset_pointer"})", "")});
  s.push_back({"expected_tokens_huge", req(R"({"data":"","format":"jpeg","expected_tokens":1e308,"type":"image"})", "")});
  s.push_back({"config_out_of_range", req("", "", R"(,"loss_fn_config":{"a":1e999,"b":-1e999,"c":1e308})")});
  s.push_back({"config_null", req("", "", R"(,"loss_fn_config":{"a":null})")});
  s.push_back({"seq_id_huge", R"({"forward_input":{"data":[],"loss_fn":"x"},"model_id":"m","seq_id":1e308})"});
  s.push_back({"tensor_ints_out_of_range", req("", R"("t":{"data":[1e308],"dtype":"int64"})")});
  s.push_back({"sparse_huge_shape", req("", R"("t":{"data":[1],"dtype":"float32","shape":[1e18,1e18],"sparse_crow_indices":[0,1],"sparse_col_indices":[0]})")});
  s.push_back({"big_ints_in_tensor", req("", R"("t":{"data":[9007199254740993,-9007199254740993],"dtype":"int64"})")});
  // The document's nesting in total: req() adds six levels around "data".
  for (int depth : {1000, 1001})
    s.push_back({"nesting_" + std::to_string(depth),
                 req("", R"("t":{"data":)" + std::string(depth - 6, '[') + std::string(depth - 6, ']') + "}")});
  s.push_back({"root_array", "[]"});
  s.push_back({"no_input", R"({"model_id":"m"})"});
  return s;
}

}  // namespace fuzz
