// ForwardBackwardRequest: the hand-written encoder and decoder against libprotobuf
// (protocol.md §1.6.1), on seeded random batches.
#include "support.h"

using namespace wiretest;

namespace {

constexpr int kRounds = 300;

struct Batch {
  std::vector<std::unique_ptr<OwnedDatum>> owned;
  std::vector<w::DatumView> views;
  w::RequestHeader header;
};

Batch random_batch(Rng& r, const GenOptions& opt = {}) {
  Batch b;
  b.header = random_header(r);
  const int n = static_cast<int>(r.range(0, 5));
  for (int i = 0; i < n; ++i) {
    b.owned.push_back(random_datum(r, opt));
    b.views.push_back(b.owned.back()->view);
  }
  return b;
}

// (a) our bytes parse with libprotobuf into the message built from the same values, and
// (c) they are byte-identical to libprotobuf's deterministic serialisation of it.
void encoded_request_parses_with_libprotobuf_and_matches_its_bytes(void** state) {
  Rng r(0x5eed0001);
  for (int round = 0; round < kRounds; ++round) {
    Batch b = random_batch(r);
    std::string ours, err;
    assert_true(w::encode_forward_backward_request(b.header, b.views, &ours, &err));

    tp::ForwardBackwardRequest expected;
    to_proto(b.header, b.views, &expected);
    tp::ForwardBackwardRequest parsed;
    assert_true(parsed.ParseFromString(ours));
    assert_true(serialize_deterministic(parsed) == serialize_deterministic(expected));
    assert_true(ours == serialize_deterministic(expected));
  }
}

// Encoding each datum once and assembling later gives the same bytes as the one-shot encoder.
void per_datum_encoding_then_assembly_equals_one_shot_encoding(void** state) {
  Rng r(0x5eed0002);
  for (int round = 0; round < kRounds; ++round) {
    Batch b = random_batch(r);
    std::string one_shot, err;
    assert_true(w::encode_forward_backward_request(b.header, b.views, &one_shot, &err));
    std::vector<std::string> datums(b.views.size());
    std::vector<std::string_view> parts;
    for (size_t i = 0; i < b.views.size(); ++i) {
      assert_true(w::encode_datum(b.views[i], &datums[i], &err));
      parts.push_back(datums[i]);
    }
    std::string assembled = "prefix";  // assembly appends
    w::assemble_forward_backward_request(b.header, parts, &assembled);
    assert_true(assembled == "prefix" + one_shot);
  }
}

// (b) messages libprotobuf serialises (map order arbitrary, unknown fields of every wire type
// sprinkled in) decode to the values they were built from.
void libprotobuf_request_with_unknown_fields_decodes_to_its_values(void** state) {
  Rng r(0x5eed0003);
  for (int round = 0; round < kRounds; ++round) {
    Batch b = random_batch(r);
    tp::ForwardBackwardRequest m;
    to_proto(b.header, b.views, &m);
    add_unknown_fields(r, &m);
    std::string bytes;
    assert_true(m.SerializeToString(&bytes));

    w::ForwardBackwardRequest got;
    std::string err;
    assert_true(w::decode_forward_backward_request(bytes, &got, &err));
    assert_true(got.model_id == b.header.model_id);
    assert_int_equal(got.seq_id, b.header.seq_id);
    assert_true(got.loss_fn == b.header.loss_fn);
    assert_int_equal(got.forward_only, b.header.forward_only);
    assert_int_equal(got.loss_fn_config.size(), b.header.loss_fn_config.size());
    for (const auto& [k, v] : b.header.loss_fn_config) assert_same_doubles(got.loss_fn_config.at(k), v);
    assert_int_equal(got.data.size(), b.views.size());
    for (size_t i = 0; i < b.views.size(); ++i) assert_datum_equals_view(got.data[i], b.views[i]);

    w::ForwardBackwardRequest ref;
    assert_true(reference_decode(m, &ref));
    assert_requests_equal(got, ref);
  }
}

// A decoded datum re-encodes to the same Datum bytes (widened dtypes aside, so only for
// FLOAT32/INT64 tensors).
void decoded_datum_reencodes_to_equal_message(void** state) {
  Rng r(0x5eed0004);
  for (int round = 0; round < kRounds; ++round) {
    auto d = random_datum(r);
    std::string bytes, err;
    assert_true(w::encode_datum(d->view, &bytes, &err));
    w::RequestHeader h;
    std::string req;
    w::assemble_forward_backward_request(h, {bytes}, &req);
    w::ForwardBackwardRequest got;
    assert_true(w::decode_forward_backward_request(req, &got, &err));
    assert_int_equal(got.data.size(), 1);
    std::string again;
    assert_true(w::encode_datum(w::datum_view(got.data[0]), &again, &err));
    w::ForwardBackwardRequest got2;
    std::string req2;
    w::assemble_forward_backward_request(h, {again}, &req2);
    assert_true(w::decode_forward_backward_request(req2, &got2, &err));
    // Values survive the trip; dtypes are the widened ones the second time.
    for (auto& [name, t] : got.data[0].loss_fn_inputs)
      t.dtype = t.is_float() ? w::DType::FLOAT32 : w::DType::INT64;
    assert_requests_equal(got, got2);
  }
}

void int64_token_ids_are_narrowed_to_packed_int32(void** state) {
  const int64_t ids[] = {0, 1, -1, 127, 128, INT32_MAX, INT32_MIN, 151643};
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::text(ids, 8));
  std::string bytes, err;
  assert_true(w::encode_datum(d, &bytes, &err));
  tp::Datum m;
  assert_true(m.ParseFromString(bytes));
  const std::string& t = m.model_input(0).encoded_text().tokens();
  assert_int_equal(t.size(), 32);
  for (int i = 0; i < 8; ++i) {
    int32_t v;
    std::memcpy(&v, t.data() + 4 * i, 4);
    assert_int_equal(v, ids[i]);
  }
}

void token_id_outside_int32_fails_and_leaves_output_unchanged(void** state) {
  std::vector<int64_t> ids(5000, 7);
  ids[4321] = int64_t{1} << 31;
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::text(ids.data(), ids.size()));
  std::string out = "keep", err;
  assert_false(w::encode_datum(d, &out, &err));
  assert_string_equal(out.c_str(), "keep");
  assert_non_null(strstr(err.c_str(), "2147483648"));
  assert_non_null(strstr(err.c_str(), "index 4321"));
  w::RequestHeader h;
  assert_false(w::encode_forward_backward_request(h, {d}, &out, &err));
  assert_string_equal(out.c_str(), "keep");
}

void image_asset_pointer_cannot_be_encoded_as_protobuf(void** state) {
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::image_asset_pointer("s3://bucket/cat.png", "png", 16));
  std::string out, err;
  assert_false(w::encode_datum(d, &out, &err));
  assert_true(out.empty());
  assert_non_null(strstr(err.c_str(), "image_asset_pointer"));
}

void invalid_datums_are_rejected_with_a_message(void** state) {
  const float f[6] = {1, 2, 3, 4, 5, 6};
  const int64_t crow[3] = {0, 1, 2}, col[2] = {0, 1};
  std::string out, err;
  struct Case {
    const char* want;
    w::DatumView d;
  };
  std::vector<Case> cases;
  {
    w::DatumView d;
    w::TensorView t = w::TensorView::f32(f, 6);
    t.shape = {4, 2};
    d.loss_fn_inputs.emplace_back("weights", t);
    cases.push_back({"shape multiplies out to 8", d});
  }
  {
    w::DatumView d;
    d.loss_fn_inputs.emplace_back("weights", w::TensorView::f32(f, 6));
    d.loss_fn_inputs.emplace_back("weights", w::TensorView::f32(f, 2));
    cases.push_back({"appears twice", d});
  }
  {
    w::DatumView d;
    d.chunks.push_back(w::ChunkView::image(reinterpret_cast<const uint8_t*>("x"), 1, "gif"));
    cases.push_back({"\"png\" or \"jpeg\"", d});
  }
  {
    w::DatumView d;
    w::TensorView t = w::TensorView::f32(f, 2);
    t.sparse = w::SparseCsrView{crow, 3, col, 2};
    d.loss_fn_inputs.emplace_back("weights", t);
    cases.push_back({"needs its dense shape", d});
  }
  {
    w::DatumView d;
    w::TensorView t = w::TensorView::f32(f, 3);
    t.shape = {2, 2};
    t.sparse = w::SparseCsrView{crow, 3, col, 2};
    d.loss_fn_inputs.emplace_back("weights", t);
    cases.push_back({"2 column indices but 3 values", d});
  }
  {
    w::DatumView d;
    d.loss_fn_inputs.emplace_back("weights", w::TensorView::f32(nullptr, 3));
    cases.push_back({"null data", d});
  }
  {
    w::DatumView d;
    w::TensorView t = w::TensorView::f32(f, 1);
    t.dtype = w::DType::UNSPECIFIED;
    d.loss_fn_inputs.emplace_back("weights", t);
    cases.push_back({"unsupported dtype", d});
  }
  for (const Case& c : cases) {
    out.clear();
    assert_false(w::encode_datum(c.d, &out, &err));
    assert_true(out.empty());
    if (!strstr(err.c_str(), c.want)) fail_msg("message \"%s\" lacks \"%s\"", err.c_str(), c.want);
  }
}

// proto3 leaves out default scalars; a oneof member is written even when empty.
void defaults_are_omitted_and_empty_oneof_members_kept(void** state) {
  w::RequestHeader h;  // all defaults
  std::string out, err;
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::text(static_cast<const int32_t*>(nullptr), 0));
  d.loss_fn_inputs.emplace_back("", w::TensorView::f32(nullptr, 0));
  assert_true(w::encode_forward_backward_request(h, {d}, &out, &err));
  // data { model_input { encoded_text {} } loss_fn_inputs { key "" value { dense "" dtype 1 } } }
  const std::string want("\x1a\x0e\x0a\x02\x0a\x00\x12\x08\x0a\x00\x12\x04\x0a\x00\x18\x01", 16);
  assert_true(out == want);
}

void truncated_request_is_rejected_not_read_past(void** state) {
  Rng r(0x5eed0005);
  Batch b = random_batch(r);
  while (b.views.empty()) b = random_batch(r);
  std::string bytes, err;
  assert_true(w::encode_forward_backward_request(b.header, b.views, &bytes, &err));
  size_t rejected = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A copy of exactly n bytes, so that AddressSanitizer sees any read past the end.
    std::unique_ptr<char[]> cut(new char[n ? n : 1]);
    std::memcpy(cut.get(), bytes.data(), n);
    w::ForwardBackwardRequest got;
    if (!w::decode_forward_backward_request(std::string_view(cut.get(), n), &got, &err)) {
      ++rejected;
      assert_false(err.empty());
    }
  }
  assert_true(rejected > 0);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(encoded_request_parses_with_libprotobuf_and_matches_its_bytes),
      cmocka_unit_test(per_datum_encoding_then_assembly_equals_one_shot_encoding),
      cmocka_unit_test(libprotobuf_request_with_unknown_fields_decodes_to_its_values),
      cmocka_unit_test(decoded_datum_reencodes_to_equal_message),
      cmocka_unit_test(int64_token_ids_are_narrowed_to_packed_int32),
      cmocka_unit_test(token_id_outside_int32_fails_and_leaves_output_unchanged),
      cmocka_unit_test(image_asset_pointer_cannot_be_encoded_as_protobuf),
      cmocka_unit_test(invalid_datums_are_rejected_with_a_message),
      cmocka_unit_test(defaults_are_omitted_and_empty_oneof_members_kept),
      cmocka_unit_test(truncated_request_is_rejected_not_read_past),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
