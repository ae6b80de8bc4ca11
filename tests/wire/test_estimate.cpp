// The per-datum byte estimate that drives chunking (protocol.md §6.2).
#include "support.h"

using namespace wiretest;

namespace {

void text_counts_four_bytes_per_token_whatever_the_id_width(void** state) {
  const int32_t a[3] = {1, 2, 3};
  const int64_t b[5] = {1, 2, 3, 4, 5};
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::text(a, 3));
  d.chunks.push_back(w::ChunkView::text(b, 5));
  assert_int_equal(w::estimate_datum_bytes(d), 4 * 8);
}

void images_asset_pointers_and_dmel_count_their_byte_lengths(void** state) {
  const uint8_t img[10] = {0};
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::image(img, 10, "png", 1000));  // expected_tokens is not bytes
  d.chunks.push_back(w::ChunkView::image_asset_pointer("s3://b/x.jpeg", "jpeg", 7));
  d.chunks.push_back(w::ChunkView::dmel(img, 4));
  assert_int_equal(w::estimate_datum_bytes(d), 10 + 13 + 4);
}

void tensors_count_their_dtype_bytes_plus_eight_per_sparse_index(void** state) {
  const float f[4] = {0};
  const int64_t i[3] = {0};
  const uint16_t h[6] = {0};
  const int32_t q[2] = {0};
  const int64_t crow[4] = {0, 1, 1, 2}, col[2] = {0, 1};
  w::DatumView d;
  d.loss_fn_inputs.emplace_back("weights", w::TensorView::f32(f, 4));       // 16
  d.loss_fn_inputs.emplace_back("target_tokens", w::TensorView::i64(i, 3)); // 24
  d.loss_fn_inputs.emplace_back("bf", w::TensorView{w::DType::BFLOAT16, h, 6, {}, {}});   // 12
  d.loss_fn_inputs.emplace_back("i32", w::TensorView{w::DType::INT32, q, 2, {}, {}});     // 8
  w::TensorView s = w::TensorView::f32(f, 2);
  s.shape = {3, 4};
  s.sparse = w::SparseCsrView{crow, 4, col, 2};
  d.loss_fn_inputs.emplace_back("sparse", s);  // 8 values + 8 * (4 + 2)
  assert_int_equal(w::estimate_datum_bytes(d), 16 + 24 + 12 + 8 + 8 + 48);
}

void estimate_is_the_encoded_payload_without_framing(void** state) {
  // The estimate counts payload bytes; the encoding adds only tags, lengths, names, shapes.
  std::vector<int64_t> tokens(1000, 5);
  std::vector<float> w8(1000, 1.0f);
  w::DatumView d;
  d.chunks.push_back(w::ChunkView::text(tokens.data(), tokens.size()));
  w::TensorView t = w::TensorView::f32(w8.data(), w8.size());
  t.shape = {1000};
  d.loss_fn_inputs.emplace_back("weights", t);
  std::string bytes, err;
  assert_true(w::encode_datum(d, &bytes, &err));
  assert_int_equal(w::estimate_datum_bytes(d), 8000);
  assert_in_range(bytes.size() - 8000, 1, 48);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_counts_four_bytes_per_token_whatever_the_id_width),
      cmocka_unit_test(images_asset_pointers_and_dmel_count_their_byte_lengths),
      cmocka_unit_test(tensors_count_their_dtype_bytes_plus_eight_per_sparse_index),
      cmocka_unit_test(estimate_is_the_encoded_payload_without_framing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
