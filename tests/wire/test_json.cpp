// The legacy JSON wire (protocol.md §11, §7.1–7.4): the streaming writer's numbers read back
// exactly through cJSON, and the request / result codecs round-trip.
#include "wire/json.h"
#include "support.h"

using namespace wiretest;
namespace j = tinker::json;

namespace {

using Json = w::CJsonPtr;

Json parse(const std::string& s) {
  Json j(cJSON_ParseWithLength(s.data(), s.size()));
  if (!j) fail_msg("not JSON: %.200s", s.c_str());
  return j;
}

void floats_read_back_bit_exactly_through_cjson(void** state) {
  Rng r(0x750e0001);
  std::vector<float> f;
  while (f.size() < 200000) {
    float x = r.any_float();
    if (std::isfinite(x)) f.push_back(x);
  }
  f.insert(f.end(), {0.0f, -0.0f, 1e-45f, -3.4028235e38f, 0.1f, 1.17549435e-38f});
  for (uint32_t bits : {0x15ae43fdu, 0x95ae43fdu}) {  // the double-rounding case, both signs
    float x;
    std::memcpy(&x, &bits, 4);
    f.push_back(x);
  }
  std::string s;
  w::JsonWriter(&s).array_f32(f.data(), f.size());
  Json j = parse(s);
  size_t i = 0;
  for (const cJSON* e = j->child; e; e = e->next, ++i) {
    const float back = static_cast<float>(e->valuedouble);
    if (std::memcmp(&back, &f[i], 4) != 0) fail_msg("float %.9g read back as %.9g", f[i], back);
  }
  assert_int_equal(i, f.size());
}

void doubles_and_integers_read_back_exactly(void** state) {
  Rng r(0x750e0002);
  std::vector<double> d;
  std::vector<int64_t> n;
  while (d.size() < 50000) {
    double x = r.any_double();
    if (std::isfinite(x)) d.push_back(x);
    n.push_back(r.range(-(int64_t{1} << 53), int64_t{1} << 53));  // exact as a cJSON double
  }
  std::string s;
  w::JsonWriter wr(&s);
  wr.begin_array().array_f64(d.data(), d.size()).array_i64(n.data(), n.size()).end_array();
  Json j = parse(s);
  size_t i = 0;
  for (const cJSON* e = j->child->child; e; e = e->next, ++i) assert_same_doubles(e->valuedouble, d[i]);
  i = 0;
  for (const cJSON* e = j->child->next->child; e; e = e->next, ++i) assert_true(e->valuedouble == static_cast<double>(n[i]));
  assert_int_equal(i, n.size());

  std::string t;
  const int64_t ext[2] = {INT64_MIN, INT64_MAX};
  const int32_t ext32[2] = {INT32_MIN, INT32_MAX};
  w::JsonWriter(&t).begin_array().array_i64(ext, 2).array_i32(ext32, 2).end_array();
  assert_string_equal(t.c_str(), "[[-9223372036854775808,9223372036854775807],[-2147483648,2147483647]]");
}

void non_finite_numbers_are_written_as_null(void** state) {
  const float f[3] = {INFINITY, -INFINITY, NAN};
  std::string s;
  w::JsonWriter wr(&s);
  wr.begin_object().key("a").array_f32(f, 3).key("b").float64(NAN).end_object();
  assert_string_equal(s.c_str(), "{\"a\":[null,null,null],\"b\":null}");
}

void strings_are_escaped_and_read_back(void** state) {
  const std::string odd = std::string("q\"uote\\ back\nline\ttab\x01\x1f \xc3\xa9\xe2\x82\xac") + '\0' + "x";
  std::string s;
  w::JsonWriter(&s).begin_object().key(odd).string(odd).end_object();
  Json j = parse(s);
  // cJSON stops at the NUL it decodes from \u0000; compare up to it.
  const std::string before_nul = odd.substr(0, odd.find('\0'));
  assert_string_equal(j->child->string, before_nul.c_str());
  assert_string_equal(j->child->valuestring, before_nul.c_str());
  assert_non_null(strstr(s.c_str(), "\\u0000x"));
}

void base64_round_trips_and_rejects_bad_input(void** state) {
  Rng r(0x750e0003);
  for (size_t n = 0; n < 70; ++n) {
    std::string in = r.bytes(n), enc, dec;
    w::base64_encode(in.data(), in.size(), &enc);
    assert_int_equal(enc.size(), (n + 2) / 3 * 4);
    assert_true(w::base64_decode(enc, &dec));
    assert_true(dec == in);
  }
  std::string out;
  w::base64_encode("iVBOR", 5, &out);
  assert_string_equal(out.c_str(), "aVZCT1I=");
  for (const char* bad : {"abc", "ab=c", "a===", "ab$d", "=abc", "ab==abcd"}) assert_false(w::base64_decode(bad, &out));
}

void base64url_reads_either_alphabet_and_padding_as_told(void** state) {
  Rng r(0x750e0004);
  for (size_t n = 0; n < 70; ++n) {
    std::string in = r.bytes(n), url, std64, dec;
    w::base64url_encode(in.data(), in.size(), &url);
    assert_int_equal(url.size(), (n * 4 + 2) / 3);  // no padding
    assert_null(memchr(url.data(), '=', url.size()));
    assert_true(w::base64url_decode(url, w::Base64Padding::kEnds, &dec));
    assert_true(dec == in);
    w::base64_encode(in.data(), in.size(), &std64);  // the other alphabet, padded
    assert_true(w::base64url_decode(std64, w::Base64Padding::kSkipped, &dec));
    assert_true(dec == in);
  }
  std::string out;
  // '=' ends a JWT segment; elsewhere padding and line breaks are skipped.
  assert_true(w::base64url_decode("aGk=bG8", w::Base64Padding::kEnds, &out));
  assert_string_equal(out.c_str(), "hi");
  assert_true(w::base64url_decode("aGV=sb\r\nG8", w::Base64Padding::kSkipped, &out));
  assert_string_equal(out.c_str(), "hello");
  // A lone final character carries no whole byte: dropped, not an error.
  assert_true(w::base64url_decode("aGVsbG8hX", w::Base64Padding::kEnds, &out));
  assert_string_equal(out.c_str(), "hello!");
  for (const char* bad : {"ab$d", "a b", "\xc3\xa9"}) {
    out = "stale";
    assert_false(w::base64url_decode(bad, w::Base64Padding::kSkipped, &out));
    assert_true(out.empty());
  }
}

void json_helpers_say_why_and_see_nulls(void** state) {
  std::string err;
  assert_null(j::parse("{\"a\": }", &err).get());
  assert_non_null(strstr(err.c_str(), "invalid JSON"));
  assert_null(j::parse(std::string("{}\0", 3), &err).get());
  assert_non_null(strstr(err.c_str(), "trailing"));
  assert_non_null(j::parse(std::string("{}\0\0", 4), &err, true).get());
  assert_null(j::parse("{} x", &err, true).get());

  auto d = j::parse(R"({"n": 3, "big": 1e300, "frac": 1.5, "nil": null, "s": "x"})");
  assert_true(j::get_int(d.get(), "n") == 3);
  assert_false(j::get_int(d.get(), "n", 4, 10).has_value());
  assert_false(j::get_int(d.get(), "big").has_value());
  assert_false(j::get_int(d.get(), "frac").has_value());
  assert_false(j::get_int(d.get(), "nil").has_value());
  assert_non_null(j::get(d.get(), "nil"));  // present, though null
  assert_null(j::get(d.get(), "absent"));
  assert_true(j::present_but_not(d.get(), "s", cJSON_Number));
  assert_false(j::present_but_not(d.get(), "s", cJSON_String | cJSON_NULL));
  assert_false(j::present_but_not(d.get(), "absent", cJSON_Number));

  auto dst = j::clone(d.get());
  j::merge_object(dst.get(), j::parse(R"({"n": 4, "s": null, "t": true})").get());
  assert_string_equal(j::dump(dst.get()).c_str(), R"({"big":1e+300,"frac":1.5,"nil":null,"n":4,"t":true})");
  assert_string_equal(j::dump(d.get()).c_str(), R"({"n":3,"big":1e+300,"frac":1.5,"nil":null,"s":"x"})");
}

// JSON carries only the public dtypes and exact integers up to 2^53, and has no NaN: make the
// random batch representable so that a round trip can be compared exactly.
void make_json_representable(OwnedDatum* d) {
  for (auto& v : d->i64)
    for (auto& x : v) x %= int64_t{1} << 53;
  for (auto& v : d->f32)
    for (auto& x : v)
      if (!std::isfinite(x)) x = 1.5f;
  for (auto& v : d->bf16)
    for (auto& x : v)
      if ((x & 0x7f80) == 0x7f80) x = 0x3fc0;
}

// What the JSON decoder yields for a view: dtypes collapse to the public ones, values widen.
w::InputDatum expected_from_view(const w::DatumView& v) {
  w::InputDatum d;
  for (const w::ChunkView& c : v.chunks) {
    w::InputChunk k;
    k.kind = c.kind;
    const std::string tok = token_bytes(c);
    k.tokens.resize(tok.size() / 4);
    if (!tok.empty()) std::memcpy(k.tokens.data(), tok.data(), tok.size());
    if (c.kind == w::ChunkKind::IMAGE || c.kind == w::ChunkKind::DMEL)
      k.data.assign(reinterpret_cast<const char*>(c.data), c.size);
    if (c.kind == w::ChunkKind::IMAGE || c.kind == w::ChunkKind::IMAGE_ASSET_POINTER) {
      k.format = c.format;
      k.expected_tokens = c.expected_tokens;
    }
    k.location = c.location;
    d.chunks.push_back(std::move(k));
  }
  for (const auto& [name, t] : v.loss_fn_inputs) {
    w::InputTensor it;
    widened(t, &it.f32, &it.i64);
    it.dtype = (t.dtype == w::DType::FLOAT32 || t.dtype == w::DType::BFLOAT16) ? w::DType::FLOAT32 : w::DType::INT64;
    it.shape = t.shape;
    if (t.sparse) {
      it.sparse = true;
      it.crow_indices.assign(t.sparse->crow_indices, t.sparse->crow_indices + t.sparse->n_crow);
      it.col_indices.assign(t.sparse->col_indices, t.sparse->col_indices + t.sparse->n_col);
    }
    d.loss_fn_inputs.emplace_back(name, std::move(it));
  }
  return d;
}

void json_request_round_trips_through_the_emulator_decoder(void** state) {
  Rng r(0x750e0004);
  GenOptions opt;
  opt.allow_asset_pointers = true;  // JSON can carry them
  for (int round = 0; round < 300; ++round) {
    std::vector<std::unique_ptr<OwnedDatum>> owned;
    std::vector<w::DatumView> views;
    w::ForwardBackwardRequest want;
    for (int i = static_cast<int>(r.range(0, 4)); i > 0; --i) {
      owned.push_back(random_datum(r, opt));
      make_json_representable(owned.back().get());
      views.push_back(owned.back()->view);
      want.data.push_back(expected_from_view(views.back()));
    }
    w::RequestHeader h = random_header(r);
    for (auto& [k, v] : h.loss_fn_config)
      if (!std::isfinite(v)) v = 0.25;
    want.model_id = h.model_id;
    want.seq_id = h.seq_id;
    want.loss_fn = h.loss_fn;
    want.loss_fn_config = h.loss_fn_config;
    want.forward_only = h.forward_only;

    std::string body, err;
    assert_true(w::encode_forward_backward_request_json(h, views, &body, &err));
    w::ForwardBackwardRequest got;
    if (!w::decode_forward_backward_request_json(body, &got, &err)) fail_msg("%s", err.c_str());
    assert_requests_equal(got, want);

    // Per-datum encoding + assembly produces the same text.
    std::vector<std::string> parts(views.size());
    std::vector<std::string_view> refs;
    for (size_t i = 0; i < views.size(); ++i) {
      assert_true(w::encode_datum_json(views[i], &parts[i], &err));
      refs.push_back(parts[i]);
    }
    std::string assembled;
    w::assemble_forward_backward_request_json(h, refs, &assembled);
    assert_true(assembled == body);
  }
}

void legacy_request_example_decodes(void** state) {
  // The shape of protocol.md §11 (forward pass: "forward_input").
  const std::string body =
      R"({"forward_input": {"data": [{"model_input": {"chunks": [{"tokens": [1, 2, 3], "type": "encoded_text"},)"
      R"( {"data": "iVBORw==", "format": "png", "expected_tokens": 4, "type": "image"}]},)"
      R"( "loss_fn_inputs": {"target_tokens": {"data": [2, 3, 4], "dtype": "int64", "shape": [3]}}}],)"
      R"( "loss_fn": "cross_entropy"}, "model_id": "s:train:0", "seq_id": 7})";
  w::ForwardBackwardRequest q;
  std::string err;
  if (!w::decode_forward_backward_request_json(body, &q, &err)) fail_msg("%s", err.c_str());
  assert_true(q.forward_only);
  assert_int_equal(q.seq_id, 7);
  assert_string_equal(q.model_id.c_str(), "s:train:0");
  assert_int_equal(q.data.size(), 1);
  assert_true(q.data[0].chunks[0].tokens == (std::vector<int32_t>{1, 2, 3}));
  assert_true(q.data[0].chunks[1].data == std::string("\x89PNG", 4));
  assert_true(q.data[0].chunks[1].expected_tokens == 4);
  assert_true(q.data[0].loss_fn_inputs[0].second.i64 == (std::vector<int64_t>{2, 3, 4}));
}

void json_request_errors_name_the_problem(void** state) {
  struct Case {
    const char* body;
    const char* want;
  } cases[] = {
      {"[]", "not a JSON object"},
      {R"({"model_id": "m"})", "forward_backward_input"},
      {R"({"forward_backward_input": {"data": [], "loss_fn": "x"}})", "model_id"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": [{"tokens": [4294967296], "type": "encoded_text"}]}}], "loss_fn": "x"}, "model_id": "m"})",
       "does not fit in int32"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": [{"type": "video"}]}}], "loss_fn": "x"}, "model_id": "m"})",
       "unknown chunk type"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": [{"data": "@@@@", "format": "png", "type": "image"}]}}], "loss_fn": "x"}, "model_id": "m"})",
       "not valid base64"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": []}, "loss_fn_inputs": {"w": {"data": [1.5], "dtype": "int64"}}}], "loss_fn": "x"}, "model_id": "m"})",
       "not an integer"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": []}, "loss_fn_inputs": {"w": {"data": [1], "dtype": "float16"}}}], "loss_fn": "x"}, "model_id": "m"})",
       "dtype must be"},
      {R"({"forward_backward_input": {"data": [{"model_input": {"chunks": []}, "loss_fn_inputs": {"w": {"data": [1, 2], "dtype": "float32", "shape": [3]}}}], "loss_fn": "x"}, "model_id": "m"})",
       "shape multiplies out to 3"},
      {R"({"forward_backward_input": {"data": [], "loss_fn": "x"}, "model_id": "m", "seq_id": 1e12})", "seq_id"},
  };
  for (const Case& c : cases) {
    w::ForwardBackwardRequest q;
    std::string err;
    assert_false(w::decode_forward_backward_request_json(c.body, &q, &err));
    if (!strstr(err.c_str(), c.want)) fail_msg("message \"%s\" lacks \"%s\"", err.c_str(), c.want);
  }
}

void json_output_round_trips(void** state) {
  Rng r(0x750e0005);
  for (int round = 0; round < 300; ++round) {
    w::ForwardBackwardOutput v = random_output_value(r);
    for (auto& d : v.outputs)
      for (auto& [name, t] : d)
        for (auto& x : t.f32)
          if (!std::isfinite(x)) x = -0.75f;
    for (auto& [k, x] : v.metrics)
      if (!std::isfinite(x)) x = 3.0;
    std::string body, err;
    w::encode_forward_backward_output_json(v, &body);
    w::ForwardBackwardOutput got;
    if (!w::decode_forward_backward_output_json(body, &got, &err)) fail_msg("%s", err.c_str());
    assert_outputs_equal(got, v);
  }
}

void legacy_output_example_decodes(void** state) {
  // protocol.md §7.4's historical shape; a tensor without "shape" is 1-D.
  const std::string body =
      R"({"loss_fn_output_type": "ArrayRecord", "loss_fn_outputs": [{"logprobs": {"data": [-0.5, -1.25, null], "dtype": "float32", "shape": [3]}},)"
      R"( {"logprobs": {"data": [-2.0], "dtype": "float32"}, "ids": {"data": [5, 6], "dtype": "int64", "shape": [1, 2]}}],)"
      R"( "metrics": {"loss:sum": 1.5}})";
  w::ForwardBackwardOutput o;
  std::string err;
  if (!w::decode_forward_backward_output_json(body, &o, &err)) fail_msg("%s", err.c_str());
  assert_int_equal(o.outputs.size(), 2);
  const w::OutputTensor& a = o.outputs[0][0].second;
  assert_true(a.is_float && a.f32.size() == 3 && a.f32[1] == -1.25f && std::isnan(a.f32[2]));
  assert_true(o.outputs[1][0].second.shape == std::vector<int64_t>{1});
  assert_true(o.outputs[1][1].second.i64 == (std::vector<int64_t>{5, 6}));
  assert_true(o.metrics.size() == 1 && o.metrics[0].second == 1.5);
  assert_false(w::decode_forward_backward_output_json(R"({"loss_fn_outputs": []})", &o, &err));
  assert_false(w::decode_forward_backward_output_json("{\"loss_fn_output_type\": \"x\", \"loss_fn_outputs\": [{", &o, &err));
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(floats_read_back_bit_exactly_through_cjson),
      cmocka_unit_test(doubles_and_integers_read_back_exactly),
      cmocka_unit_test(non_finite_numbers_are_written_as_null),
      cmocka_unit_test(strings_are_escaped_and_read_back),
      cmocka_unit_test(base64_round_trips_and_rejects_bad_input),
      cmocka_unit_test(base64url_reads_either_alphabet_and_padding_as_told),
      cmocka_unit_test(json_helpers_say_why_and_see_nulls),
      cmocka_unit_test(json_request_round_trips_through_the_emulator_decoder),
      cmocka_unit_test(legacy_request_example_decodes),
      cmocka_unit_test(json_request_errors_name_the_problem),
      cmocka_unit_test(json_output_round_trips),
      cmocka_unit_test(legacy_output_example_decodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
