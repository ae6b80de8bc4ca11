// The training C API without a server (tinker.h "Training inputs" and "training results"):
// builders validate their arguments with messages naming the function and the parameter, keep
// borrowed arrays as pointers (never copies) and copy strings; results made by hand through
// tinker::to_result read back through every getter, copy_to honours dtype and capacity,
// _to_json parses back to the same numbers, and the typed takes refuse another kind of result.
#include <cjson/cJSON.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "capi/op.h"
#include "client/training_types.h"
#include "core/completion_executor.h"
#include "core/future_state.h"
#include "unit_test.h"

using namespace tinker;

namespace {

const char* last_message() { return tinker_error_message(tinker_last_error()); }

// `call` returns `code`, the last error carries it, and its message contains `text`.
#define assert_error(call, code, text)                                \
  do {                                                                \
    const tinker_status_t tu_s_ = (call);                             \
    assert_status(tu_s_, code);                                       \
    assert_status(tinker_error_code(tinker_last_error()), code);      \
    assert_contains(last_message(), text);                            \
  } while (0)

#define assert_invalid(call, text) assert_error(call, TINKER_E_INVALID_ARGUMENT, text)

// `call` succeeds and leaves no error behind.
#define assert_ok(call)                                              \
  do {                                                               \
    assert_status(call, TINKER_OK);                                  \
    assert_status(tinker_error_code(tinker_last_error()), TINKER_OK); \
  } while (0)

tinker_model_input_t* new_input() {
  tinker_model_input_t* in = nullptr;
  assert_ok(tinker_model_input_new(&in));
  assert_non_null(in);
  return in;
}

tinker_datum_t* new_datum(const tinker_model_input_t* in = nullptr) {
  tinker_model_input_t* own = in ? nullptr : new_input();
  tinker_datum_t* d = nullptr;
  assert_ok(tinker_datum_new(&d, in ? in : own));
  tinker_model_input_free(own);
  return d;
}

// Bit-exact float comparison (so that -0.0 and 0.0 differ, and a rounding shows).
bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The JSON text of a result, parsed; the caller deletes it.
cJSON* parse_and_free(char* json) {
  assert_non_null(json);
  cJSON* root = cJSON_Parse(json);
  if (!root) TU_FAIL_MSG("not JSON: %s\n", json);
  tinker_free(json);
  return root;
}

wire::OutputTensor f32_tensor(std::vector<float> v, std::vector<int64_t> shape) {
  wire::OutputTensor t;
  t.is_float = true;
  t.f32 = std::move(v);
  t.shape = std::move(shape);
  return t;
}

wire::OutputTensor i64_tensor(std::vector<int64_t> v, std::vector<int64_t> shape) {
  wire::OutputTensor t;
  t.is_float = false;
  t.i64 = std::move(v);
  t.shape = std::move(shape);
  return t;
}

// Two datums: the first with float logprobs [3] and int64 ids [2, 2], the second with logprobs [1].
std::unique_ptr<tinker_forward_backward_output> sample_output() {
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.push_back({{"logprobs", f32_tensor({-0.5f, -1.25f, -3.0f}, {3})},
                       {"ids", i64_tensor({1, 2, 3, 4}, {2, 2})}});
  o.outputs.push_back({{"logprobs", f32_tensor({-7.0f}, {1})}});
  o.metrics = {{"loss:sum", 4.75}, {"tokens:sum", 4.0}};
  return to_result(std::move(o));
}

}  // namespace

// ---- builders: NULL handling --------------------------------------------------------------

static void builder_constructors_reject_a_null_out_naming_it(void**) {
  assert_invalid(tinker_model_input_new(nullptr), "tinker_model_input_new: out is NULL");
  assert_invalid(tinker_batch_new(nullptr), "tinker_batch_new: out is NULL");
  assert_invalid(tinker_loss_fn_config_new(nullptr), "tinker_loss_fn_config_new: out is NULL");
  assert_invalid(tinker_adam_params_new(nullptr), "tinker_adam_params_new: out is NULL");
  assert_invalid(tinker_lora_config_new(nullptr), "tinker_lora_config_new: out is NULL");
  assert_invalid(tinker_metadata_new(nullptr), "tinker_metadata_new: out is NULL");
  assert_invalid(tinker_retry_config_new(nullptr), "tinker_retry_config_new: out is NULL");
  tinker_model_input_t* in = new_input();
  assert_invalid(tinker_datum_new(nullptr, in), "tinker_datum_new: out is NULL");
  tinker_datum_t* d = nullptr;
  assert_invalid(tinker_datum_new(&d, nullptr), "tinker_datum_new: input is NULL");
  assert_null(d);
  tinker_model_input_free(in);
}

static void builder_setters_reject_a_null_handle_naming_it(void**) {
  const int32_t t[1] = {1};
  const uint8_t png[1] = {0x89};
  int64_t len = 0;
  assert_invalid(tinker_model_input_add_text_int32(nullptr, t, 1), "tinker_model_input_add_text_int32: input is NULL");
  assert_invalid(tinker_model_input_add_text_int64(nullptr, nullptr, 1), "tinker_model_input_add_text_int64: input is NULL");
  assert_invalid(tinker_model_input_add_image(nullptr, png, 1, "png", 1), "tinker_model_input_add_image: input is NULL");
  assert_invalid(tinker_model_input_add_image_asset_pointer(nullptr, "a.png", "png", 1),
                 "tinker_model_input_add_image_asset_pointer: input is NULL");
  assert_invalid(tinker_model_input_length(nullptr, &len), "tinker_model_input_length: input is NULL");
  assert_invalid(tinker_datum_add_tensor_float32(nullptr, "w", nullptr, 0, nullptr, 0),
                 "tinker_datum_add_tensor_float32: datum is NULL");
  assert_invalid(tinker_datum_add_tensor_int64(nullptr, "w", nullptr, 0, nullptr, 0),
                 "tinker_datum_add_tensor_int64: datum is NULL");
  assert_invalid(tinker_batch_add(nullptr, nullptr), "tinker_batch_add: batch is NULL");
  assert_invalid(tinker_loss_fn_config_set(nullptr, "k", 1), "tinker_loss_fn_config_set: config is NULL");
  assert_invalid(tinker_adam_params_set_learning_rate(nullptr, 1), "tinker_adam_params_set_learning_rate: params is NULL");
  assert_invalid(tinker_adam_params_set_beta1(nullptr, 0.5), "tinker_adam_params_set_beta1: params is NULL");
  assert_invalid(tinker_adam_params_set_beta2(nullptr, 0.5), "tinker_adam_params_set_beta2: params is NULL");
  assert_invalid(tinker_adam_params_set_eps(nullptr, 1), "tinker_adam_params_set_eps: params is NULL");
  assert_invalid(tinker_adam_params_set_weight_decay(nullptr, 1), "tinker_adam_params_set_weight_decay: params is NULL");
  assert_invalid(tinker_adam_params_set_grad_clip_norm(nullptr, 1), "tinker_adam_params_set_grad_clip_norm: params is NULL");
  assert_invalid(tinker_lora_config_set_rank(nullptr, 8), "tinker_lora_config_set_rank: config is NULL");
  assert_invalid(tinker_lora_config_set_seed(nullptr, 8), "tinker_lora_config_set_seed: config is NULL");
  assert_invalid(tinker_lora_config_set_train_mlp(nullptr, 1), "tinker_lora_config_set_train_mlp: config is NULL");
  assert_invalid(tinker_lora_config_set_train_attn(nullptr, 1), "tinker_lora_config_set_train_attn: config is NULL");
  assert_invalid(tinker_lora_config_set_train_unembed(nullptr, 1), "tinker_lora_config_set_train_unembed: config is NULL");
  assert_invalid(tinker_metadata_set(nullptr, "k", "v"), "tinker_metadata_set: metadata is NULL");
  assert_int_equal(tinker_batch_size(nullptr), 0);
}

static void builder_frees_accept_null(void**) {
  tinker_model_input_free(nullptr);
  tinker_datum_free(nullptr);
  tinker_batch_free(nullptr);
  tinker_loss_fn_config_free(nullptr);
  tinker_adam_params_free(nullptr);
  tinker_lora_config_free(nullptr);
  tinker_metadata_free(nullptr);
  tinker_retry_config_free(nullptr);
}

// ---- model input --------------------------------------------------------------------------

static void text_chunks_with_null_tokens_and_a_count_are_rejected(void**) {
  tinker_model_input_t* in = new_input();
  assert_invalid(tinker_model_input_add_text_int32(in, nullptr, 3), "tinker_model_input_add_text_int32: tokens is NULL");
  assert_invalid(tinker_model_input_add_text_int64(in, nullptr, 3), "tinker_model_input_add_text_int64: tokens is NULL");
  assert_int_equal(in->chunks.size(), 0);
  tinker_model_input_free(in);
}

static void empty_text_chunks_are_rejected_as_meaningless(void**) {
  tinker_model_input_t* in = new_input();
  const int32_t t32[1] = {1};
  const int64_t t64[1] = {1};
  assert_invalid(tinker_model_input_add_text_int32(in, t32, 0), "tinker_model_input_add_text_int32: tokens is empty");
  assert_invalid(tinker_model_input_add_text_int64(in, t64, 0), "tinker_model_input_add_text_int64: tokens is empty");
  assert_invalid(tinker_model_input_add_text_int32(in, nullptr, 0), "tinker_model_input_add_text_int32: tokens is empty");
  assert_int_equal(in->chunks.size(), 0);
  tinker_model_input_free(in);
}

static void text_tokens_are_borrowed_not_copied(void**) {
  tinker_model_input_t* in = new_input();
  int32_t t32[3] = {10, 11, 12};
  int64_t t64[2] = {20, 21};
  assert_ok(tinker_model_input_add_text_int32(in, t32, 3));
  assert_ok(tinker_model_input_add_text_int64(in, t64, 2));
  assert_int_equal(in->chunks.size(), 2);
  const wire::ChunkView& a = in->chunks[0];
  const wire::ChunkView& b = in->chunks[1];
  assert_true(a.kind == wire::ChunkKind::ENCODED_TEXT && a.token_width == wire::TokenWidth::INT32);
  assert_true(b.kind == wire::ChunkKind::ENCODED_TEXT && b.token_width == wire::TokenWidth::INT64);
  assert_ptr_equal(a.tokens, t32);
  assert_ptr_equal(b.tokens, t64);
  assert_int_equal(a.n_tokens, 3);
  assert_int_equal(b.n_tokens, 2);
  t32[1] = 99;  // a change after the add is what the view sees: no copy was taken
  t64[0] = -5;
  assert_int_equal(static_cast<const int32_t*>(a.tokens)[1], 99);
  assert_int_equal(static_cast<const int64_t*>(b.tokens)[0], -5);
  tinker_model_input_free(in);
}

static void image_format_must_be_png_or_jpeg(void**) {
  tinker_model_input_t* in = new_input();
  const uint8_t bytes[4] = {1, 2, 3, 4};
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, "gif", 3),
                 "tinker_model_input_add_image: format must be \"png\" or \"jpeg\", got \"gif\"");
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, "PNG", 3), "tinker_model_input_add_image: format");
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, "", 3), "tinker_model_input_add_image: format");
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, nullptr, 3), "tinker_model_input_add_image: format is NULL");
  assert_int_equal(in->chunks.size(), 0);
  assert_ok(tinker_model_input_add_image(in, bytes, 4, "png", 3));
  assert_ok(tinker_model_input_add_image(in, bytes, 4, "jpeg", 3));
  assert_int_equal(in->chunks.size(), 2);
  tinker_model_input_free(in);
}

static void image_expected_tokens_is_minus_one_for_unknown_and_otherwise_non_negative(void**) {
  tinker_model_input_t* in = new_input();
  const uint8_t bytes[4] = {1, 2, 3, 4};
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, "png", -2),
                 "tinker_model_input_add_image: expected_tokens must be >= 0, or -1 when unknown, got -2");
  assert_invalid(tinker_model_input_add_image(in, bytes, 4, "png", INT32_MIN), "expected_tokens");
  assert_ok(tinker_model_input_add_image(in, bytes, 4, "png", -1));
  assert_ok(tinker_model_input_add_image(in, bytes, 4, "png", 0));
  assert_false(in->chunks[0].expected_tokens.has_value());
  assert_true(in->chunks[1].expected_tokens.has_value());
  assert_int_equal(*in->chunks[1].expected_tokens, 0);
  tinker_model_input_free(in);
}

static void image_data_must_be_present_and_non_empty(void**) {
  tinker_model_input_t* in = new_input();
  const uint8_t bytes[1] = {1};
  assert_invalid(tinker_model_input_add_image(in, nullptr, 8, "png", 1), "tinker_model_input_add_image: data is NULL");
  assert_invalid(tinker_model_input_add_image(in, bytes, 0, "png", 1), "tinker_model_input_add_image: data is empty");
  assert_int_equal(in->chunks.size(), 0);
  tinker_model_input_free(in);
}

static void image_bytes_are_borrowed_and_the_format_is_copied(void**) {
  tinker_model_input_t* in = new_input();
  uint8_t bytes[3] = {7, 8, 9};
  char format[] = "png";
  assert_ok(tinker_model_input_add_image(in, bytes, 3, format, 5));
  bytes[2] = 42;
  format[0] = 'x';
  const wire::ChunkView& c = in->chunks[0];
  assert_true(c.kind == wire::ChunkKind::IMAGE);
  assert_ptr_equal(c.data, bytes);
  assert_int_equal(c.size, 3);
  assert_int_equal(c.data[2], 42);
  assert_string_equal(c.format.c_str(), "png");
  tinker_model_input_free(in);
}

static void asset_pointer_needs_a_location_and_a_known_format(void**) {
  tinker_model_input_t* in = new_input();
  assert_invalid(tinker_model_input_add_image_asset_pointer(in, nullptr, "png", 1),
                 "tinker_model_input_add_image_asset_pointer: location is NULL");
  assert_invalid(tinker_model_input_add_image_asset_pointer(in, "", "png", 1),
                 "tinker_model_input_add_image_asset_pointer: location is empty");
  assert_invalid(tinker_model_input_add_image_asset_pointer(in, "s3://b/a.webp", "webp", 1),
                 "tinker_model_input_add_image_asset_pointer: format must be \"png\" or \"jpeg\", got \"webp\"");
  assert_invalid(tinker_model_input_add_image_asset_pointer(in, "a.png", nullptr, 1),
                 "tinker_model_input_add_image_asset_pointer: format is NULL");
  assert_invalid(tinker_model_input_add_image_asset_pointer(in, "a.png", "png", -3),
                 "tinker_model_input_add_image_asset_pointer: expected_tokens");
  assert_int_equal(in->chunks.size(), 0);
  char location[] = "https://example.com/cat.jpeg";
  assert_ok(tinker_model_input_add_image_asset_pointer(in, location, "jpeg", -1));
  location[0] = 'X';
  const wire::ChunkView& c = in->chunks[0];
  assert_true(c.kind == wire::ChunkKind::IMAGE_ASSET_POINTER);
  assert_string_equal(c.location.c_str(), "https://example.com/cat.jpeg");
  assert_string_equal(c.format.c_str(), "jpeg");
  assert_false(c.expected_tokens.has_value());
  tinker_model_input_free(in);
}

static void length_sums_tokens_and_image_expected_tokens(void**) {
  tinker_model_input_t* in = new_input();
  const int32_t t32[3] = {1, 2, 3};
  const int64_t t64[2] = {4, 5};
  const uint8_t bytes[2] = {0, 1};
  int64_t len = -1;
  assert_ok(tinker_model_input_length(in, &len));
  assert_int_equal(len, 0);
  assert_ok(tinker_model_input_add_text_int32(in, t32, 3));
  assert_ok(tinker_model_input_add_image(in, bytes, 2, "png", 7));
  assert_ok(tinker_model_input_add_text_int64(in, t64, 2));
  assert_ok(tinker_model_input_add_image_asset_pointer(in, "a.jpeg", "jpeg", 11));
  assert_ok(tinker_model_input_length(in, &len));
  assert_int_equal(len, 3 + 7 + 2 + 11);
  assert_invalid(tinker_model_input_length(in, nullptr), "tinker_model_input_length: length is NULL");
  tinker_model_input_free(in);
}

static void length_of_an_image_without_expected_tokens_is_a_failed_precondition_naming_the_chunk(void**) {
  tinker_model_input_t* in = new_input();
  const int32_t t32[2] = {1, 2};
  const uint8_t bytes[2] = {0, 1};
  assert_ok(tinker_model_input_add_text_int32(in, t32, 2));
  assert_ok(tinker_model_input_add_image(in, bytes, 2, "png", -1));
  int64_t len = 1234;
  assert_error(tinker_model_input_length(in, &len), TINKER_E_FAILED_PRECONDITION,
               "tinker_model_input_length: chunk 1 (image) has no expected_tokens");
  assert_int_equal(len, 1234);  // not written on failure
  tinker_model_input_free(in);

  in = new_input();
  assert_ok(tinker_model_input_add_image_asset_pointer(in, "a.png", "png", -1));
  assert_error(tinker_model_input_length(in, &len), TINKER_E_FAILED_PRECONDITION, "chunk 0 (image_asset_pointer)");
  tinker_model_input_free(in);
}

static void length_of_a_dmel_chunk_is_dim_0_of_its_tensor_header(void**) {
  // No C builder makes dmel chunks; the input struct may still hold them (protocol.md §7.1).
  tinker_model_input_t* in = new_input();
  const uint8_t with_marker[] = {254, 3, 2, 0x96, 0x01, 4};  // dtype 3, ndim 2, dims [150, 4]
  const uint8_t plain[] = {1, 1, 9};                        // dtype 1, ndim 1, dims [9]
  in->chunks.push_back(wire::ChunkView::dmel(with_marker, sizeof with_marker));
  in->chunks.push_back(wire::ChunkView::dmel(plain, sizeof plain));
  int64_t len = 0;
  assert_ok(tinker_model_input_length(in, &len));
  assert_int_equal(len, 150 + 9);
  const uint8_t truncated[] = {1, 2, 0x96};
  in->chunks.push_back(wire::ChunkView::dmel(truncated, sizeof truncated));
  assert_error(tinker_model_input_length(in, &len), TINKER_E_FAILED_PRECONDITION, "chunk 2 (dmel)");
  tinker_model_input_free(in);
}

// ---- datum --------------------------------------------------------------------------------

static void datum_copies_the_chunk_list_but_borrows_the_arrays(void**) {
  tinker_model_input_t* in = new_input();
  int32_t t[2] = {1, 2};
  assert_ok(tinker_model_input_add_text_int32(in, t, 2));
  tinker_datum_t* d = new_datum(in);
  const int32_t more[1] = {3};
  assert_ok(tinker_model_input_add_text_int32(in, more, 1));  // after datum_new: not in the datum
  assert_int_equal(d->view.chunks.size(), 1);
  assert_int_equal(in->chunks.size(), 2);  // the input is left as it was, reusable
  tinker_model_input_free(in);            // the datum keeps its own chunk list
  assert_ptr_equal(d->view.chunks[0].tokens, t);
  t[0] = 77;
  assert_int_equal(static_cast<const int32_t*>(d->view.chunks[0].tokens)[0], 77);
  tinker_datum_free(d);
}

static void known_keys_require_their_protocol_dtype(void**) {
  tinker_datum_t* d = new_datum();
  const float f[2] = {1, 2};
  const int64_t i[2] = {1, 2};
  assert_invalid(tinker_datum_add_tensor_float32(d, "target_tokens", f, 2, nullptr, 0),
                 "tinker_datum_add_tensor_float32: name 'target_tokens' must be int64");
  for (const char* key : {"weights", "advantages", "logprobs", "clip_low_threshold", "clip_high_threshold"}) {
    assert_invalid(tinker_datum_add_tensor_int64(d, key, i, 2, nullptr, 0),
                   std::string("tinker_datum_add_tensor_int64: name '") + key + "' must be float32");
  }
  assert_int_equal(d->view.loss_fn_inputs.size(), 0);
  assert_ok(tinker_datum_add_tensor_int64(d, "target_tokens", i, 2, nullptr, 0));
  for (const char* key : {"weights", "advantages", "logprobs", "clip_low_threshold", "clip_high_threshold"})
    assert_ok(tinker_datum_add_tensor_float32(d, key, f, 2, nullptr, 0));
  assert_int_equal(d->view.loss_fn_inputs.size(), 6);
  tinker_datum_free(d);
}

static void other_tensor_names_take_either_dtype(void**) {
  tinker_datum_t* d = new_datum();
  const float f[1] = {1};
  const int64_t i[1] = {1};
  assert_ok(tinker_datum_add_tensor_float32(d, "my_float", f, 1, nullptr, 0));
  assert_ok(tinker_datum_add_tensor_int64(d, "my_int", i, 1, nullptr, 0));
  assert_ok(tinker_datum_add_tensor_int64(d, "Weights", i, 1, nullptr, 0));  // keys are case-sensitive
  assert_true(d->view.loss_fn_inputs[0].second.dtype == wire::DType::FLOAT32);
  assert_true(d->view.loss_fn_inputs[1].second.dtype == wire::DType::INT64);
  tinker_datum_free(d);
}

static void tensor_names_must_be_non_empty_and_unique_in_the_datum(void**) {
  tinker_datum_t* d = new_datum();
  const float f[1] = {1};
  const int64_t i[1] = {1};
  assert_invalid(tinker_datum_add_tensor_float32(d, nullptr, f, 1, nullptr, 0),
                 "tinker_datum_add_tensor_float32: name is NULL");
  assert_invalid(tinker_datum_add_tensor_int64(d, "", i, 1, nullptr, 0), "tinker_datum_add_tensor_int64: name is empty");
  assert_ok(tinker_datum_add_tensor_float32(d, "x", f, 1, nullptr, 0));
  assert_invalid(tinker_datum_add_tensor_float32(d, "x", f, 1, nullptr, 0),
                 "tinker_datum_add_tensor_float32: name 'x' is already in the datum");
  assert_invalid(tinker_datum_add_tensor_int64(d, "x", i, 1, nullptr, 0),
                 "tinker_datum_add_tensor_int64: name 'x' is already in the datum");
  assert_int_equal(d->view.loss_fn_inputs.size(), 1);
  tinker_datum_free(d);
}

static void tensor_data_may_be_null_only_when_empty(void**) {
  tinker_datum_t* d = new_datum();
  assert_invalid(tinker_datum_add_tensor_float32(d, "w", nullptr, 3, nullptr, 0),
                 "tinker_datum_add_tensor_float32: data is NULL");
  assert_invalid(tinker_datum_add_tensor_int64(d, "t", nullptr, 3, nullptr, 0),
                 "tinker_datum_add_tensor_int64: data is NULL");
  assert_ok(tinker_datum_add_tensor_float32(d, "weights", nullptr, 0, nullptr, 0));
  assert_int_equal(d->view.loss_fn_inputs.size(), 1);
  assert_int_equal(d->view.loss_fn_inputs[0].second.numel, 0);
  tinker_datum_free(d);
}

static void tensor_shape_null_with_ndim_0_means_no_shape(void**) {
  tinker_datum_t* d = new_datum();
  const float f[3] = {1, 2, 3};
  assert_ok(tinker_datum_add_tensor_float32(d, "weights", f, 3, nullptr, 0));
  assert_true(d->view.loss_fn_inputs[0].second.shape.empty());
  assert_false(d->view.loss_fn_inputs[0].second.sparse.has_value());
  tinker_datum_free(d);
}

static void tensor_shape_with_ndim_but_null_pointer_is_rejected(void**) {
  tinker_datum_t* d = new_datum();
  const float f[3] = {1, 2, 3};
  assert_invalid(tinker_datum_add_tensor_float32(d, "weights", f, 3, nullptr, 1),
                 "tinker_datum_add_tensor_float32: shape is NULL");
  assert_int_equal(d->view.loss_fn_inputs.size(), 0);
  tinker_datum_free(d);
}

static void tensor_shape_product_must_equal_numel(void**) {
  tinker_datum_t* d = new_datum();
  const int64_t i[6] = {1, 2, 3, 4, 5, 6};
  const int64_t bad[2] = {2, 2};
  assert_invalid(tinker_datum_add_tensor_int64(d, "target_tokens", i, 6, bad, 2),
                 "tinker_datum_add_tensor_int64: shape [2, 2] does not match numel 6");
  const int64_t huge[3] = {INT64_MAX, INT64_MAX, 4};  // the product overflows 64 bits
  assert_invalid(tinker_datum_add_tensor_int64(d, "target_tokens", i, 6, huge, 3), "does not match numel 6");
  const int64_t good[2] = {2, 3};
  assert_ok(tinker_datum_add_tensor_int64(d, "target_tokens", i, 6, good, 2));
  const int64_t empty[3] = {4, 0, INT64_MAX};  // a zero dimension: no elements
  assert_ok(tinker_datum_add_tensor_float32(d, "weights", nullptr, 0, empty, 3));
  assert_int_equal(d->view.loss_fn_inputs.size(), 2);
  tinker_datum_free(d);
}

static void tensor_shape_dimensions_must_not_be_negative(void**) {
  tinker_datum_t* d = new_datum();
  const float f[6] = {0};
  const int64_t neg[2] = {-2, -3};  // multiplies out to numel, still invalid
  assert_invalid(tinker_datum_add_tensor_float32(d, "weights", f, 6, neg, 2),
                 "tinker_datum_add_tensor_float32: shape[0] is -2, dimensions must be >= 0");
  assert_int_equal(d->view.loss_fn_inputs.size(), 0);
  tinker_datum_free(d);
}

static void tensor_data_is_borrowed_and_the_shape_is_copied(void**) {
  tinker_datum_t* d = new_datum();
  float w[4] = {1, 1, 1, 1};
  int64_t t[4] = {5, 6, 7, 8};
  int64_t shape[2] = {2, 2};
  assert_ok(tinker_datum_add_tensor_float32(d, "weights", w, 4, shape, 2));
  assert_ok(tinker_datum_add_tensor_int64(d, "target_tokens", t, 4, nullptr, 0));
  w[3] = 0.25f;
  t[0] = 500;
  shape[0] = 4;
  shape[1] = 1;
  const wire::TensorView& wv = d->view.loss_fn_inputs[0].second;
  const wire::TensorView& tv = d->view.loss_fn_inputs[1].second;
  assert_string_equal(d->view.loss_fn_inputs[0].first.c_str(), "weights");
  assert_ptr_equal(wv.data, w);
  assert_int_equal(wv.numel, 4);
  assert_true(static_cast<const float*>(wv.data)[3] == 0.25f);
  assert_ptr_equal(tv.data, t);
  assert_int_equal(static_cast<const int64_t*>(tv.data)[0], 500);
  assert_int_equal(wv.shape.size(), 2);
  assert_int_equal(wv.shape[0], 2);
  assert_int_equal(wv.shape[1], 2);
  tinker_datum_free(d);
}

// ---- batch --------------------------------------------------------------------------------

static void batch_add_copies_the_datum_description(void**) {
  tinker_batch_t* b = nullptr;
  assert_ok(tinker_batch_new(&b));
  assert_int_equal(tinker_batch_size(b), 0);
  assert_invalid(tinker_batch_add(b, nullptr), "tinker_batch_add: datum is NULL");
  float w[2] = {1, 2};
  tinker_datum_t* d = new_datum();
  assert_ok(tinker_datum_add_tensor_float32(d, "weights", w, 2, nullptr, 0));
  assert_ok(tinker_batch_add(b, d));
  assert_ok(tinker_batch_add(b, d));
  assert_int_equal(tinker_batch_size(b), 2);
  const int64_t t[2] = {1, 2};
  assert_ok(tinker_datum_add_tensor_int64(d, "target_tokens", t, 2, nullptr, 0));  // after the adds
  tinker_datum_free(d);                                                              // the batch keeps its copies
  assert_int_equal(b->datums[0].loss_fn_inputs.size(), 1);
  assert_int_equal(b->datums[1].loss_fn_inputs.size(), 1);
  assert_ptr_equal(b->datums[0].loss_fn_inputs[0].second.data, w);  // arrays stay borrowed
  tinker_batch_free(b);
}

// ---- loss_fn_config -----------------------------------------------------------------------

static void loss_fn_config_keys_are_non_empty_and_values_finite(void**) {
  tinker_loss_fn_config_t* c = nullptr;
  assert_ok(tinker_loss_fn_config_new(&c));
  assert_invalid(tinker_loss_fn_config_set(c, nullptr, 1), "tinker_loss_fn_config_set: key is NULL");
  assert_invalid(tinker_loss_fn_config_set(c, "", 1), "tinker_loss_fn_config_set: key is empty");
  assert_invalid(tinker_loss_fn_config_set(c, "clip", std::nan("")), "tinker_loss_fn_config_set: value must be finite");
  assert_invalid(tinker_loss_fn_config_set(c, "clip", INFINITY), "tinker_loss_fn_config_set: value must be finite");
  assert_invalid(tinker_loss_fn_config_set(c, "clip", -INFINITY), "value must be finite");
  assert_true(c->values.empty());
  assert_ok(tinker_loss_fn_config_set(c, "clip", 0.2));
  assert_ok(tinker_loss_fn_config_set(c, "clip", -0.3));  // later value wins
  assert_ok(tinker_loss_fn_config_set(c, "beta", 0));
  assert_int_equal(c->values.size(), 2);
  assert_true(c->values["clip"] == -0.3);
  tinker_loss_fn_config_free(c);
}

// ---- Adam ---------------------------------------------------------------------------------

static void adam_params_start_with_the_official_defaults(void**) {
  tinker_adam_params_t* p = nullptr;
  assert_ok(tinker_adam_params_new(&p));
  assert_true(tinker_adam_params_get_learning_rate(p) == 1e-4 && tinker_adam_params_get_beta1(p) == 0.9 &&
              tinker_adam_params_get_beta2(p) == 0.95 && tinker_adam_params_get_eps(p) == 1e-12);
  assert_true(tinker_adam_params_get_weight_decay(p) == 0.0 && tinker_adam_params_get_grad_clip_norm(p) == 0.0);
  tinker_adam_params_free(p);
  // A NULL builder reads as the defaults: what bindings show before anything is set.
  assert_true(tinker_adam_params_get_learning_rate(nullptr) == 1e-4 && tinker_adam_params_get_beta2(nullptr) == 0.95);
}

static void adam_non_negative_setters_reject_negatives_nan_and_infinity(void**) {
  typedef tinker_status_t (*setter)(tinker_adam_params_t*, double);
  struct Case {
    const char* fn;
    setter set;
    double (*get)(const tinker_adam_params_t*);
  };
  const Case cases[] = {
      {"tinker_adam_params_set_learning_rate", tinker_adam_params_set_learning_rate, tinker_adam_params_get_learning_rate},
      {"tinker_adam_params_set_eps", tinker_adam_params_set_eps, tinker_adam_params_get_eps},
      {"tinker_adam_params_set_weight_decay", tinker_adam_params_set_weight_decay, tinker_adam_params_get_weight_decay},
      {"tinker_adam_params_set_grad_clip_norm", tinker_adam_params_set_grad_clip_norm, tinker_adam_params_get_grad_clip_norm},
  };
  for (const Case& c : cases) {
    tinker_adam_params_t* p = nullptr;
    assert_ok(tinker_adam_params_new(&p));
    const double before = c.get(p);
    for (double bad : {-1e-9, -1.0, std::nan(""), static_cast<double>(INFINITY)}) {
      assert_invalid(c.set(p, bad), std::string(c.fn) + ": value must be a finite number >= 0");
      assert_true(same_bits(c.get(p), before));
    }
    assert_ok(c.set(p, 0.0));
    assert_true(c.get(p) == 0.0);
    assert_ok(c.set(p, 3.5));
    assert_true(c.get(p) == 3.5);
    tinker_adam_params_free(p);
  }
}

static void adam_betas_must_lie_in_zero_inclusive_to_one_exclusive(void**) {
  typedef tinker_status_t (*setter)(tinker_adam_params_t*, double);
  struct Case {
    const char* fn;
    setter set;
    double (*get)(const tinker_adam_params_t*);
  };
  const Case cases[] = {
      {"tinker_adam_params_set_beta1", tinker_adam_params_set_beta1, tinker_adam_params_get_beta1},
      {"tinker_adam_params_set_beta2", tinker_adam_params_set_beta2, tinker_adam_params_get_beta2},
  };
  for (const Case& c : cases) {
    tinker_adam_params_t* p = nullptr;
    assert_ok(tinker_adam_params_new(&p));
    assert_invalid(c.set(p, 1.0), std::string(c.fn) + ": value must be in [0, 1), got 1");
    assert_invalid(c.set(p, -0.1), std::string(c.fn) + ": value must be in [0, 1), got -0.1");
    assert_invalid(c.set(p, std::nan("")), std::string(c.fn) + ": value must be in [0, 1)");
    assert_invalid(c.set(p, INFINITY), std::string(c.fn) + ": value must be in [0, 1)");
    assert_ok(c.set(p, 0.0));
    assert_true(c.get(p) == 0.0);
    assert_ok(c.set(p, 0.999));
    assert_true(c.get(p) == 0.999);
    tinker_adam_params_free(p);
  }
}

// ---- LoRA ---------------------------------------------------------------------------------

static void lora_config_defaults_rank_and_flags(void**) {
  tinker_lora_config_t* c = nullptr;
  assert_ok(tinker_lora_config_new(&c));
  assert_int_equal(tinker_lora_config_get_rank(c), 32);
  assert_false(c->v.seed.has_value());
  assert_true(tinker_lora_config_get_train_mlp(c) && tinker_lora_config_get_train_attn(c) && tinker_lora_config_get_train_unembed(c));
  assert_invalid(tinker_lora_config_set_rank(c, 0), "tinker_lora_config_set_rank: rank must be > 0, got 0");
  assert_invalid(tinker_lora_config_set_rank(c, -4), "tinker_lora_config_set_rank: rank must be > 0, got -4");
  assert_int_equal(tinker_lora_config_get_rank(c), 32);
  assert_ok(tinker_lora_config_set_rank(c, 1));
  assert_int_equal(tinker_lora_config_get_rank(c), 1);
  assert_ok(tinker_lora_config_set_seed(c, -17));
  assert_true(c->v.seed.has_value() && *c->v.seed == -17);
  assert_ok(tinker_lora_config_set_train_mlp(c, 0));
  assert_ok(tinker_lora_config_set_train_attn(c, 0));
  assert_ok(tinker_lora_config_set_train_unembed(c, 0));
  assert_false(tinker_lora_config_get_train_mlp(c) || tinker_lora_config_get_train_attn(c) || tinker_lora_config_get_train_unembed(c));
  assert_ok(tinker_lora_config_set_train_mlp(c, 2));  // any nonzero is on
  assert_ok(tinker_lora_config_set_train_attn(c, -1));
  assert_ok(tinker_lora_config_set_train_unembed(c, 1));
  assert_true(tinker_lora_config_get_train_mlp(c) == 1 && tinker_lora_config_get_train_attn(c) == 1 &&
              tinker_lora_config_get_train_unembed(c) == 1);
  tinker_lora_config_free(c);
}

// ---- metadata, retry config ---------------------------------------------------------------

static void metadata_copies_keys_and_values_and_later_value_wins(void**) {
  tinker_metadata_t* m = nullptr;
  assert_ok(tinker_metadata_new(&m));
  assert_invalid(tinker_metadata_set(m, nullptr, "v"), "tinker_metadata_set: key is NULL");
  assert_invalid(tinker_metadata_set(m, "k", nullptr), "tinker_metadata_set: value is NULL");
  char key[] = "team";
  char value[] = "red";
  assert_ok(tinker_metadata_set(m, key, value));
  key[0] = value[0] = 'X';  // the caller's buffers change; the stored copies do not
  assert_int_equal(m->values.size(), 1);
  assert_string_equal(m->values["team"].c_str(), "red");
  assert_ok(tinker_metadata_set(m, "team", "blue"));
  assert_int_equal(m->values.size(), 1);
  assert_string_equal(m->values["team"].c_str(), "blue");
  tinker_metadata_free(m);
}

static void retry_config_starts_with_the_official_defaults(void**) {
  tinker_retry_config_t* r = nullptr;
  assert_ok(tinker_retry_config_new(&r));
  assert_int_equal(tinker_retry_config_get_max_connections(r), 1000);
  assert_true(tinker_retry_config_get_progress_timeout(r) == 7200 && tinker_retry_config_get_retry_delay_base(r) == 0.5 &&
              tinker_retry_config_get_retry_delay_max(r) == 10);
  assert_true(tinker_retry_config_get_jitter_factor(r) == 0.25 && tinker_retry_config_get_enable_retry_logic(r) &&
              tinker_retry_config_get_enable_stuck_detection(r));
  tinker_retry_config_free(r);
}

// Each retry setter stores an in-range value and refuses an out-of-range one (NaN and infinity
// included) with a message giving the range, leaving the field unchanged; flags take any
// nonzero as on.
static void retry_config_setters_check_their_ranges(void**) {
  tinker_retry_config_t* r = nullptr;
  assert_ok(tinker_retry_config_new(&r));
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  assert_invalid(tinker_retry_config_set_max_connections(nullptr, 4), "tinker_retry_config_set_max_connections: config is NULL");
  assert_invalid(tinker_retry_config_set_max_connections(r, 0), "tinker_retry_config_set_max_connections: value must be >= 1 and <= 2147483647, got 0");
  assert_ok(tinker_retry_config_set_max_connections(r, 16));
  assert_int_equal(tinker_retry_config_get_max_connections(r), 16);
  for (double bad : {0.0, -1.0, nan, inf})
    assert_invalid(tinker_retry_config_set_progress_timeout(r, bad), "tinker_retry_config_set_progress_timeout: seconds must be a finite number > 0");
  assert_ok(tinker_retry_config_set_progress_timeout(r, 2.5));
  assert_true(tinker_retry_config_get_progress_timeout(r) == 2.5);
  for (double bad : {-0.1, nan, inf}) {
    assert_invalid(tinker_retry_config_set_retry_delay_base(r, bad), "tinker_retry_config_set_retry_delay_base: seconds must be a finite number >= 0");
    assert_invalid(tinker_retry_config_set_retry_delay_max(r, bad), "tinker_retry_config_set_retry_delay_max: seconds must be a finite number >= 0");
  }
  assert_true(tinker_retry_config_get_retry_delay_base(r) == 0.5 && tinker_retry_config_get_retry_delay_max(r) == 10);
  assert_ok(tinker_retry_config_set_retry_delay_base(r, 0));
  assert_ok(tinker_retry_config_set_retry_delay_max(r, 3));
  assert_true(tinker_retry_config_get_retry_delay_base(r) == 0 && tinker_retry_config_get_retry_delay_max(r) == 3);
  for (double bad : {-0.01, 1.01, nan})
    assert_invalid(tinker_retry_config_set_jitter_factor(r, bad), "tinker_retry_config_set_jitter_factor: factor must be a finite number >= 0 and <= 1");
  assert_true(tinker_retry_config_get_jitter_factor(r) == 0.25);
  assert_ok(tinker_retry_config_set_jitter_factor(r, 1));
  assert_true(tinker_retry_config_get_jitter_factor(r) == 1);
  assert_ok(tinker_retry_config_set_enable_retry_logic(r, 0));
  assert_ok(tinker_retry_config_set_enable_stuck_detection(r, 0));
  assert_false(tinker_retry_config_get_enable_retry_logic(r) || tinker_retry_config_get_enable_stuck_detection(r));
  assert_ok(tinker_retry_config_set_enable_retry_logic(r, -3));
  assert_ok(tinker_retry_config_set_enable_stuck_detection(r, 2));
  assert_true(tinker_retry_config_get_enable_retry_logic(r) && tinker_retry_config_get_enable_stuck_detection(r));
  assert_invalid(tinker_retry_config_set_enable_retry_logic(nullptr, 1), "tinker_retry_config_set_enable_retry_logic: config is NULL");
  tinker_retry_config_free(r);
}

// ---- results: forward/backward output -----------------------------------------------------

static void forward_backward_output_reads_back_through_every_getter(void**) {
  auto out = sample_output();
  const tinker_forward_backward_output_t* o = out.get();
  assert_int_equal(tinker_forward_backward_output_num_datums(o), 2);
  assert_string_equal(tinker_forward_backward_output_loss_fn_output_type(o), "ArrayRecord");
  assert_int_equal(tinker_forward_backward_output_tensor_count(o, 0), 2);
  assert_int_equal(tinker_forward_backward_output_tensor_count(o, 1), 1);
  assert_int_equal(tinker_forward_backward_output_tensor_count(o, 2), 0);
  assert_string_equal(tinker_forward_backward_output_tensor_name(o, 0, 0), "logprobs");
  assert_string_equal(tinker_forward_backward_output_tensor_name(o, 0, 1), "ids");
  assert_null(tinker_forward_backward_output_tensor_name(o, 0, 2));
  assert_null(tinker_forward_backward_output_tensor_name(o, 2, 0));

  const tinker_tensor_t* lp = nullptr;
  assert_ok(tinker_forward_backward_output_tensor(o, 0, "logprobs", &lp));
  assert_int_equal(tinker_tensor_dtype(lp), TINKER_DTYPE_FLOAT32);
  assert_int_equal(tinker_tensor_ndim(lp), 1);
  assert_int_equal(tinker_tensor_dim(lp, 0), 3);
  assert_int_equal(tinker_tensor_dim(lp, 1), -1);
  assert_int_equal(tinker_tensor_numel(lp), 3);
  const float* f = tinker_tensor_data_float32(lp);
  assert_non_null(f);
  assert_true(f[0] == -0.5f && f[1] == -1.25f && f[2] == -3.0f);
  assert_null(tinker_tensor_data_int64(lp));

  const tinker_tensor_t* ids = nullptr;
  assert_ok(tinker_forward_backward_output_tensor(o, 0, "ids", &ids));
  assert_int_equal(tinker_tensor_dtype(ids), TINKER_DTYPE_INT64);
  assert_int_equal(tinker_tensor_ndim(ids), 2);
  assert_int_equal(tinker_tensor_dim(ids, 0), 2);
  assert_int_equal(tinker_tensor_dim(ids, 1), 2);
  assert_int_equal(tinker_tensor_dim(ids, 2), -1);
  assert_int_equal(tinker_tensor_numel(ids), 4);
  const int64_t* i = tinker_tensor_data_int64(ids);
  assert_non_null(i);
  assert_int_equal(i[3], 4);
  assert_null(tinker_tensor_data_float32(ids));

  const tinker_tensor_t* lp1 = nullptr;
  assert_ok(tinker_forward_backward_output_tensor(o, 1, "logprobs", &lp1));
  assert_true(tinker_tensor_data_float32(lp1)[0] == -7.0f);

  const tinker_metrics_t* m = tinker_forward_backward_output_metrics(o);
  assert_int_equal(tinker_metrics_count(m), 2);
  assert_string_equal(tinker_metrics_name(m, 0), "loss:sum");
  assert_true(tinker_metrics_value(m, 0) == 4.75);
  assert_string_equal(tinker_metrics_name(m, 1), "tokens:sum");
  assert_true(tinker_metrics_value(m, 1) == 4.0);
}

static void forward_backward_output_tensor_lookup_reports_out_of_range_and_not_found(void**) {
  auto out = sample_output();
  const tinker_tensor_t* t = nullptr;
  assert_error(tinker_forward_backward_output_tensor(out.get(), 2, "logprobs", &t), TINKER_E_OUT_OF_RANGE,
               "tinker_forward_backward_output_tensor: index 2 is out of range (2 datums)");
  assert_error(tinker_forward_backward_output_tensor(out.get(), 1, "ids", &t), TINKER_E_NOT_FOUND,
               "tinker_forward_backward_output_tensor: datum 1 has no tensor named 'ids'");
  assert_null(t);
  assert_invalid(tinker_forward_backward_output_tensor(nullptr, 0, "logprobs", &t),
                 "tinker_forward_backward_output_tensor: output is NULL");
  assert_invalid(tinker_forward_backward_output_tensor(out.get(), 0, nullptr, &t),
                 "tinker_forward_backward_output_tensor: name is NULL");
  assert_invalid(tinker_forward_backward_output_tensor(out.get(), 0, "logprobs", nullptr),
                 "tinker_forward_backward_output_tensor: tensor is NULL");
}

static void result_getters_of_null_return_their_documented_empty_values(void**) {
  assert_int_equal(tinker_forward_backward_output_num_datums(nullptr), 0);
  assert_null(tinker_forward_backward_output_loss_fn_output_type(nullptr));
  assert_int_equal(tinker_forward_backward_output_tensor_count(nullptr, 0), 0);
  assert_null(tinker_forward_backward_output_tensor_name(nullptr, 0, 0));
  assert_null(tinker_forward_backward_output_metrics(nullptr));
  assert_int_equal(tinker_metrics_count(nullptr), 0);
  assert_null(tinker_metrics_name(nullptr, 0));
  assert_true(std::isnan(tinker_metrics_value(nullptr, 0)));
  assert_int_equal(tinker_tensor_dtype(nullptr), 0);
  assert_int_equal(tinker_tensor_ndim(nullptr), 0);
  assert_int_equal(tinker_tensor_dim(nullptr, 0), -1);
  assert_int_equal(tinker_tensor_numel(nullptr), 0);
  assert_null(tinker_tensor_data_float32(nullptr));
  assert_null(tinker_tensor_data_int64(nullptr));
  assert_null(tinker_optim_step_result_metrics(nullptr));
  assert_null(tinker_save_result_path(nullptr));
  assert_null(tinker_load_result_path(nullptr));
  assert_null(tinker_model_info_model_id(nullptr));
  assert_null(tinker_model_info_base_model(nullptr));
  assert_null(tinker_model_info_arch(nullptr));
  assert_null(tinker_model_info_tokenizer_id(nullptr));
  assert_int_equal(tinker_model_info_is_lora(nullptr), 0);
  assert_int_equal(tinker_model_info_lora_rank(nullptr), -1);
}

static void result_frees_accept_null(void**) {
  tinker_forward_backward_output_free(nullptr);
  tinker_optim_step_result_free(nullptr);
  tinker_save_result_free(nullptr);
  tinker_load_result_free(nullptr);
  tinker_model_info_free(nullptr);
}

// ---- results: metrics ---------------------------------------------------------------------

static void metrics_out_of_range_give_nan_and_null_and_lookup_by_name(void**) {
  tinker_metrics m;
  m.items = {{"loss:sum", 1.5}, {"lr:mean", 1e-4}};
  assert_true(std::isnan(tinker_metrics_value(&m, 2)));
  assert_null(tinker_metrics_name(&m, 2));
  double v = 0;
  assert_ok(tinker_metrics_get(&m, "lr:mean", &v));
  assert_true(v == 1e-4);
  v = 42;
  assert_error(tinker_metrics_get(&m, "loss", &v), TINKER_E_NOT_FOUND, "tinker_metrics_get: no metric named 'loss'");
  assert_true(v == 42);
  assert_invalid(tinker_metrics_get(nullptr, "loss:sum", &v), "tinker_metrics_get: metrics is NULL");
  assert_invalid(tinker_metrics_get(&m, nullptr, &v), "tinker_metrics_get: name is NULL");
  assert_invalid(tinker_metrics_get(&m, "loss:sum", nullptr), "tinker_metrics_get: value is NULL");
}

// ---- results: copy_to ---------------------------------------------------------------------

static void copy_to_copies_exactly_numel_when_capacity_suffices(void**) {
  tinker_tensor f{f32_tensor({1.5f, -2.5f, 3.25f}, {3})};
  tinker_tensor i{i64_tensor({7, -8}, {2})};
  float fd[5] = {0, 0, 0, 0, 99};
  int64_t id[2] = {0, 0};
  size_t written = 1234;
  assert_ok(tinker_tensor_copy_to_float32(&f, fd, 5, &written));
  assert_int_equal(written, 3);
  assert_true(fd[0] == 1.5f && fd[1] == -2.5f && fd[2] == 3.25f && fd[4] == 99);
  assert_ok(tinker_tensor_copy_to_int64(&i, id, 2, &written));  // capacity == numel
  assert_int_equal(written, 2);
  assert_int_equal(id[0], 7);
  assert_int_equal(id[1], -8);
}

static void copy_to_with_too_little_capacity_is_out_of_range_and_copies_nothing(void**) {
  tinker_tensor f{f32_tensor({1, 2, 3}, {3})};
  tinker_tensor i{i64_tensor({1, 2, 3}, {3})};
  float fd[2] = {-1, -1};
  int64_t id[2] = {-1, -1};
  size_t written = 1234;
  assert_error(tinker_tensor_copy_to_float32(&f, fd, 2, &written), TINKER_E_OUT_OF_RANGE,
               "tinker_tensor_copy_to_float32: capacity 2 is smaller than the 3 elements");
  assert_int_equal(written, 0);
  assert_true(fd[0] == -1 && fd[1] == -1);
  written = 1234;
  assert_error(tinker_tensor_copy_to_int64(&i, id, 2, &written), TINKER_E_OUT_OF_RANGE,
               "tinker_tensor_copy_to_int64: capacity 2");
  assert_int_equal(written, 0);
  assert_true(id[0] == -1 && id[1] == -1);
  assert_error(tinker_tensor_copy_to_int64(&i, nullptr, 0, &written), TINKER_E_OUT_OF_RANGE, "capacity 0");
}

static void copy_to_of_the_other_dtype_is_invalid_argument(void**) {
  tinker_tensor f{f32_tensor({1}, {1})};
  tinker_tensor i{i64_tensor({1}, {1})};
  float fd[4];
  int64_t id[4];
  size_t written = 1234;
  assert_invalid(tinker_tensor_copy_to_float32(&i, fd, 4, &written),
                 "tinker_tensor_copy_to_float32: tensor is int64, not float32");
  assert_int_equal(written, 0);
  assert_invalid(tinker_tensor_copy_to_int64(&f, id, 4, &written),
                 "tinker_tensor_copy_to_int64: tensor is float32, not int64");
}

static void copy_to_checks_its_pointers_and_accepts_an_empty_tensor_without_a_buffer(void**) {
  tinker_tensor f{f32_tensor({1}, {1})};
  tinker_tensor empty{f32_tensor({}, {0})};
  float fd[1];
  size_t written = 1234;
  assert_invalid(tinker_tensor_copy_to_float32(nullptr, fd, 1, &written), "tinker_tensor_copy_to_float32: tensor is NULL");
  assert_invalid(tinker_tensor_copy_to_float32(&f, fd, 1, nullptr), "tinker_tensor_copy_to_float32: written is NULL");
  assert_invalid(tinker_tensor_copy_to_float32(&f, nullptr, 1, &written), "tinker_tensor_copy_to_float32: dst is NULL");
  assert_invalid(tinker_tensor_copy_to_int64(nullptr, nullptr, 0, &written), "tinker_tensor_copy_to_int64: tensor is NULL");
  assert_ok(tinker_tensor_copy_to_float32(&empty, nullptr, 0, &written));
  assert_int_equal(written, 0);
}

// ---- results: JSON ------------------------------------------------------------------------

static void forward_backward_output_json_has_the_sdk_shape(void**) {
  auto out = sample_output();
  char* json = nullptr;
  assert_ok(tinker_forward_backward_output_to_json(out.get(), &json));
  cJSON* root = parse_and_free(json);
  assert_string_equal(cJSON_GetObjectItem(root, "loss_fn_output_type")->valuestring, "ArrayRecord");
  cJSON* outputs = cJSON_GetObjectItem(root, "loss_fn_outputs");
  assert_true(cJSON_IsArray(outputs));
  assert_int_equal(cJSON_GetArraySize(outputs), 2);
  cJSON* lp = cJSON_GetObjectItem(cJSON_GetArrayItem(outputs, 0), "logprobs");
  assert_string_equal(cJSON_GetObjectItem(lp, "dtype")->valuestring, "float32");
  cJSON* shape = cJSON_GetObjectItem(lp, "shape");
  assert_int_equal(cJSON_GetArraySize(shape), 1);
  assert_int_equal(cJSON_GetArrayItem(shape, 0)->valuedouble, 3);
  assert_true(cJSON_GetArrayItem(cJSON_GetObjectItem(lp, "data"), 1)->valuedouble == -1.25);
  cJSON* ids = cJSON_GetObjectItem(cJSON_GetArrayItem(outputs, 0), "ids");
  assert_string_equal(cJSON_GetObjectItem(ids, "dtype")->valuestring, "int64");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ids, "shape")), 2);
  assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(ids, "data"), 3)->valuedouble, 4);
  cJSON* metrics = cJSON_GetObjectItem(root, "metrics");
  assert_true(cJSON_GetObjectItem(metrics, "loss:sum")->valuedouble == 4.75);
  assert_true(cJSON_GetObjectItem(metrics, "tokens:sum")->valuedouble == 4.0);
  cJSON_Delete(root);
  assert_invalid(tinker_forward_backward_output_to_json(nullptr, &json), "tinker_forward_backward_output_to_json: output is NULL");
  assert_invalid(tinker_forward_backward_output_to_json(out.get(), nullptr), "tinker_forward_backward_output_to_json: out is NULL");
}

static void forward_backward_output_json_round_trips_floats_exactly(void**) {
  const std::vector<float> floats = {0.1f,
                                     -1.0f / 3.0f,
                                     3.4028235e38f,
                                     1.17549435e-38f,
                                     1.4e-45f,  // smallest denormal
                                     -0.0f,
                                     16777217.0f,
                                     -123.456f};
  const std::vector<int64_t> ints = {0, -1, (int64_t{1} << 53), -(int64_t{1} << 53), 1234567890123};
  const std::vector<std::pair<std::string, double>> doubles = {
      {"a:mean", 0.1}, {"b:sum", 1.0 / 3.0}, {"c:max", 1e-300}, {"d:min", -1.7976931348623157e308}, {"e:sum", 5e-324}};
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.push_back({{"logprobs", f32_tensor(floats, {static_cast<int64_t>(floats.size())})},
                       {"ids", i64_tensor(ints, {static_cast<int64_t>(ints.size())})}});
  o.metrics = doubles;
  auto out = to_result(std::move(o));
  char* json = nullptr;
  assert_ok(tinker_forward_backward_output_to_json(out.get(), &json));
  cJSON* root = parse_and_free(json);
  cJSON* datum = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "loss_fn_outputs"), 0);
  cJSON* fdata = cJSON_GetObjectItem(cJSON_GetObjectItem(datum, "logprobs"), "data");
  assert_int_equal(cJSON_GetArraySize(fdata), floats.size());
  for (size_t k = 0; k < floats.size(); ++k) {
    const float back = static_cast<float>(cJSON_GetArrayItem(fdata, static_cast<int>(k))->valuedouble);
    if (!same_bits(back, floats[k])) TU_FAIL_MSG("float %zu: wrote %.9g, read back %.9g\n", k, floats[k], back);
  }
  cJSON* idata = cJSON_GetObjectItem(cJSON_GetObjectItem(datum, "ids"), "data");
  for (size_t k = 0; k < ints.size(); ++k)
    assert_true(static_cast<int64_t>(cJSON_GetArrayItem(idata, static_cast<int>(k))->valuedouble) == ints[k]);
  cJSON* metrics = cJSON_GetObjectItem(root, "metrics");
  for (const auto& [name, value] : doubles) {
    const double back = cJSON_GetObjectItem(metrics, name.c_str())->valuedouble;
    if (!same_bits(back, value)) TU_FAIL_MSG("metric %s: wrote %.17g, read back %.17g\n", name.c_str(), value, back);
  }
  cJSON_Delete(root);
}

static void forward_backward_output_json_writes_non_finite_numbers_as_null(void**) {
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.push_back({{"logprobs", f32_tensor({std::nanf(""), INFINITY, -INFINITY, 1.0f}, {4})}});
  o.metrics = {{"loss:sum", std::nan("")}, {"x:max", INFINITY}};
  auto out = to_result(std::move(o));
  char* json = nullptr;
  assert_ok(tinker_forward_backward_output_to_json(out.get(), &json));
  cJSON* root = parse_and_free(json);
  cJSON* data = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "loss_fn_outputs"), 0),
                                                        "logprobs"),
                                    "data");
  assert_true(cJSON_IsNull(cJSON_GetArrayItem(data, 0)));
  assert_true(cJSON_IsNull(cJSON_GetArrayItem(data, 1)));
  assert_true(cJSON_IsNull(cJSON_GetArrayItem(data, 2)));
  assert_true(cJSON_GetArrayItem(data, 3)->valuedouble == 1.0);
  cJSON* metrics = cJSON_GetObjectItem(root, "metrics");
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(metrics, "loss:sum")));
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(metrics, "x:max")));
  cJSON_Delete(root);
}

static void forward_backward_output_json_of_an_empty_output_and_a_shapeless_tensor(void**) {
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.push_back({{"v", f32_tensor({1, 2}, {})}});  // no shape: one-dimensional
  auto out = to_result(std::move(o));
  char* json = nullptr;
  assert_ok(tinker_forward_backward_output_to_json(out.get(), &json));
  cJSON* root = parse_and_free(json);
  cJSON* shape = cJSON_GetObjectItem(
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "loss_fn_outputs"), 0), "v"), "shape");
  assert_int_equal(cJSON_GetArraySize(shape), 1);
  assert_int_equal(cJSON_GetArrayItem(shape, 0)->valuedouble, 2);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "metrics")), 0);
  cJSON_Delete(root);

  auto none = to_result(wire::ForwardBackwardOutput{});
  assert_ok(tinker_forward_backward_output_to_json(none.get(), &json));
  root = parse_and_free(json);
  assert_string_equal(cJSON_GetObjectItem(root, "loss_fn_output_type")->valuestring, "");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "loss_fn_outputs")), 0);
  cJSON_Delete(root);
}

static void to_result_moves_every_field_of_the_wire_output(void**) {
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "TorchLossReturn";
  o.outputs.resize(3);
  o.outputs[2].push_back({"logprobs", f32_tensor({0.5f}, {1})});
  o.metrics = {{"z:sum", 1}, {"a:sum", 2}};  // order kept, not sorted
  auto r = to_result(std::move(o));
  assert_true(r->kind() == &result_types::ForwardBackwardOutput);
  assert_string_equal(r->loss_fn_output_type.c_str(), "TorchLossReturn");
  assert_int_equal(r->outputs.size(), 3);
  assert_int_equal(r->outputs[0].size(), 0);
  assert_int_equal(r->outputs[2].size(), 1);
  assert_true(r->outputs[2][0].second.t.f32[0] == 0.5f);
  assert_string_equal(tinker_metrics_name(&r->metrics, 0), "z:sum");
  assert_string_equal(tinker_metrics_name(&r->metrics, 1), "a:sum");
}

// A result's JSON is its message as the server would send it: what the server sent, decoded,
// reads back the same (the fields a result keeps; unknown ones are not kept).
static void other_results_to_json_round_trip_what_the_server_sent(void**) {
  tinker_optim_step_result os;
  assert_true(wire::api::decode_json(R"({"metrics":{"grad_norm:mean":0.5}})", &os.m, nullptr));
  tinker_save_result sr;
  assert_true(wire::api::decode_json(R"({"path":"tinker://run/weights/a","type":"save_weights"})", &sr.m, nullptr));
  tinker_load_result lr;
  assert_true(wire::api::decode_json(R"({"path":"tinker://x","type":"load_weights"})", &lr.m, nullptr));
  tinker_model_info mi;
  assert_true(wire::api::decode_json(R"({"model_id":"m","model_data":{}})", &mi.m, nullptr));
  char* json = nullptr;
  assert_ok(tinker_optim_step_result_to_json(&os, &json));
  assert_string_equal(json, R"({"metrics":{"grad_norm:mean":0.5}})");
  tinker_free(json);
  assert_ok(tinker_save_result_to_json(&sr, &json));
  assert_string_equal(json, R"({"path":"tinker://run/weights/a","type":"save_weights"})");
  tinker_free(json);
  assert_ok(tinker_load_result_to_json(&lr, &json));
  assert_string_equal(json, R"({"path":"tinker://x","type":"load_weights"})");
  tinker_free(json);
  assert_ok(tinker_model_info_to_json(&mi, &json));
  assert_string_equal(json, R"({"model_id":"m","model_data":{"model_name":"","arch":"","tokenizer_id":""},"is_lora":false})");
  tinker_free(json);
}

static void other_results_to_json_are_built_from_the_fields_without_a_server_body(void**) {
  char* json = nullptr;

  tinker_optim_step_result os;
  os.m.metrics.items = {{"grad_norm:mean", 0.1}};
  assert_ok(tinker_optim_step_result_to_json(&os, &json));
  cJSON* root = parse_and_free(json);
  assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "metrics"), "grad_norm:mean")->valuedouble == 0.1);
  cJSON_Delete(root);

  tinker_save_result sr;
  sr.m.path = "tinker://run/sampler_weights/s\"1";
  sr.m.sampling_session_id = "sess:sample:0";
  assert_ok(tinker_save_result_to_json(&sr, &json));
  root = parse_and_free(json);
  assert_string_equal(cJSON_GetObjectItem(root, "path")->valuestring, "tinker://run/sampler_weights/s\"1");
  assert_string_equal(cJSON_GetObjectItem(root, "sampling_session_id")->valuestring, "sess:sample:0");
  cJSON_Delete(root);

  tinker_load_result lr;
  lr.m.path = "tinker://run/weights/a";
  assert_ok(tinker_load_result_to_json(&lr, &json));
  root = parse_and_free(json);
  assert_string_equal(cJSON_GetObjectItem(root, "path")->valuestring, "tinker://run/weights/a");
  assert_null(cJSON_GetObjectItem(root, "model_id"));
  cJSON_Delete(root);

  tinker_model_info mi;
  mi.m.model_id = "run-1";
  mi.m.base_model = "Qwen/Qwen3-8B";
  mi.m.arch = "qwen3";
  mi.m.tokenizer_id = "Qwen/Qwen3-8B";
  mi.m.is_lora = true;
  mi.m.lora_rank = 16;
  assert_ok(tinker_model_info_to_json(&mi, &json));
  root = parse_and_free(json);
  assert_string_equal(cJSON_GetObjectItem(root, "model_id")->valuestring, "run-1");
  cJSON* md = cJSON_GetObjectItem(root, "model_data");
  assert_string_equal(cJSON_GetObjectItem(md, "model_name")->valuestring, "Qwen/Qwen3-8B");
  assert_string_equal(cJSON_GetObjectItem(md, "arch")->valuestring, "qwen3");
  assert_string_equal(cJSON_GetObjectItem(md, "tokenizer_id")->valuestring, "Qwen/Qwen3-8B");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(root, "is_lora")));
  assert_int_equal(cJSON_GetObjectItem(root, "lora_rank")->valuedouble, 16);
  cJSON_Delete(root);

  assert_invalid(tinker_optim_step_result_to_json(nullptr, &json), "tinker_optim_step_result_to_json: result is NULL");
  assert_invalid(tinker_save_result_to_json(nullptr, &json), "tinker_save_result_to_json: result is NULL");
  assert_invalid(tinker_load_result_to_json(nullptr, &json), "tinker_load_result_to_json: result is NULL");
  assert_invalid(tinker_model_info_to_json(nullptr, &json), "tinker_model_info_to_json: info is NULL");
  assert_invalid(tinker_model_info_to_json(&mi, nullptr), "tinker_model_info_to_json: out is NULL");
}

static void model_info_getters_return_the_fields(void**) {
  tinker_model_info mi;
  mi.m.model_id = "run-1";
  mi.m.base_model = "base";
  mi.m.arch = "llama";
  mi.m.tokenizer_id = "tok";
  mi.m.is_lora = true;
  mi.m.lora_rank = 8;
  assert_string_equal(tinker_model_info_model_id(&mi), "run-1");
  assert_string_equal(tinker_model_info_base_model(&mi), "base");
  assert_string_equal(tinker_model_info_arch(&mi), "llama");
  assert_string_equal(tinker_model_info_tokenizer_id(&mi), "tok");
  assert_int_equal(tinker_model_info_is_lora(&mi), 1);
  assert_int_equal(tinker_model_info_lora_rank(&mi), 8);
  tinker_model_info unknown;
  assert_string_equal(tinker_model_info_base_model(&unknown), "");
  assert_int_equal(tinker_model_info_is_lora(&unknown), 0);
  assert_int_equal(tinker_model_info_lora_rank(&unknown), -1);

  tinker_save_result sr;
  sr.m.path = "tinker://a/weights/b";
  assert_string_equal(tinker_save_result_path(&sr), "tinker://a/weights/b");
  tinker_load_result lr;
  assert_string_equal(tinker_load_result_path(&lr), "");
  tinker_optim_step_result os;
  os.m.metrics.items = {{"x:sum", 2}};
  assert_int_equal(tinker_metrics_count(tinker_optim_step_result_metrics(&os)), 1);
}

// ---- takes --------------------------------------------------------------------------------

namespace {

// A finished future holding `result` (its kind is the future's expected kind).
tinker_future_t* finished_future(const std::shared_ptr<CompletionExecutor>& ex, std::unique_ptr<Result> result) {
  auto state = std::make_shared<FutureState>(ex, result->kind());
  state->complete(std::move(result));
  return new tinker_future{state};
}

// Tries every typed take of this file on `f`; each must succeed only for `kind`. The matching
// take (if any) is done last, so the result is still there for it. Returns what it took.
Result* take_each(tinker_future_t* f, ResultKind kind) {
  tinker_forward_backward_output_t* fb = nullptr;
  tinker_optim_step_result_t* os = nullptr;
  tinker_save_result_t* sr = nullptr;
  tinker_load_result_t* lr = nullptr;
  tinker_model_info_t* mi = nullptr;
  if (kind != &result_types::ForwardBackwardOutput)
    assert_invalid(tinker_future_take_forward_backward_output(f, &fb), "not forward/backward output");
  if (kind != &result_types::OptimStepResult)
    assert_invalid(tinker_future_take_optim_step_result(f, &os), "not optim step result");
  if (kind != &result_types::SaveResult) assert_invalid(tinker_future_take_save_result(f, &sr), "not save result");
  if (kind != &result_types::LoadResult) assert_invalid(tinker_future_take_load_result(f, &lr), "not load result");
  if (kind != &result_types::ModelInfo) assert_invalid(tinker_future_take_model_info(f, &mi), "not model info");
  assert_true(!fb && !os && !sr && !lr && !mi);  // nothing handed out by a refused take
  if (kind == &result_types::ForwardBackwardOutput) {
    assert_ok(tinker_future_take_forward_backward_output(f, &fb));
    return fb;
  }
  if (kind == &result_types::OptimStepResult) {
    assert_ok(tinker_future_take_optim_step_result(f, &os));
    return os;
  }
  if (kind == &result_types::SaveResult) {
    assert_ok(tinker_future_take_save_result(f, &sr));
    return sr;
  }
  if (kind == &result_types::LoadResult) {
    assert_ok(tinker_future_take_load_result(f, &lr));
    return lr;
  }
  if (kind == &result_types::ModelInfo) {
    assert_ok(tinker_future_take_model_info(f, &mi));
    return mi;
  }
  return nullptr;
}

}  // namespace

static void takes_of_another_kind_are_invalid_argument_and_the_right_take_succeeds(void**) {
  auto ex = std::make_shared<CompletionExecutor>();

  tinker_future_t* f = finished_future(ex, sample_output());
  auto* fb = static_cast<tinker_forward_backward_output_t*>(take_each(f, &result_types::ForwardBackwardOutput));
  assert_int_equal(tinker_forward_backward_output_num_datums(fb), 2);
  tinker_forward_backward_output_free(fb);
  tinker_future_free(f);

  auto os_in = std::make_unique<tinker_optim_step_result>();
  os_in->m.metrics.items = {{"n:sum", 3}};
  f = finished_future(ex, std::move(os_in));
  auto* os = static_cast<tinker_optim_step_result_t*>(take_each(f, &result_types::OptimStepResult));
  assert_true(tinker_metrics_value(tinker_optim_step_result_metrics(os), 0) == 3);
  tinker_optim_step_result_free(os);
  tinker_future_free(f);

  auto sr_in = std::make_unique<tinker_save_result>();
  sr_in->m.path = "tinker://p";
  f = finished_future(ex, std::move(sr_in));
  auto* sr = static_cast<tinker_save_result_t*>(take_each(f, &result_types::SaveResult));
  assert_string_equal(tinker_save_result_path(sr), "tinker://p");
  tinker_save_result_free(sr);
  tinker_future_free(f);

  auto lr_in = std::make_unique<tinker_load_result>();
  lr_in->m.path = "tinker://q";
  f = finished_future(ex, std::move(lr_in));
  auto* lr = static_cast<tinker_load_result_t*>(take_each(f, &result_types::LoadResult));
  assert_string_equal(tinker_load_result_path(lr), "tinker://q");
  tinker_load_result_free(lr);
  tinker_future_free(f);

  auto mi_in = std::make_unique<tinker_model_info>();
  mi_in->m.model_id = "m";
  f = finished_future(ex, std::move(mi_in));
  auto* mi = static_cast<tinker_model_info_t*>(take_each(f, &result_types::ModelInfo));
  assert_string_equal(tinker_model_info_model_id(mi), "m");
  tinker_model_info_free(mi);
  tinker_future_free(f);

  ex->shutdown();
}

static void takes_refuse_a_second_take_a_pending_future_and_null_arguments(void**) {
  auto ex = std::make_shared<CompletionExecutor>();
  tinker_future_t* f = finished_future(ex, std::make_unique<tinker_save_result>());
  tinker_save_result_t* sr = nullptr;
  assert_ok(tinker_future_take_save_result(f, &sr));
  tinker_save_result_t* again = nullptr;
  assert_invalid(tinker_future_take_save_result(f, &again), "already taken");
  assert_null(again);
  tinker_save_result_free(sr);
  tinker_future_free(f);

  tinker_future_t* pending = new tinker_future{std::make_shared<FutureState>(ex, &result_types::ModelInfo)};
  tinker_model_info_t* mi = nullptr;
  assert_status(tinker_future_take_model_info(pending, &mi), TINKER_PENDING);
  assert_null(mi);
  tinker_future_free(pending);

  tinker_forward_backward_output_t* fb = nullptr;
  assert_invalid(tinker_future_take_forward_backward_output(nullptr, &fb),
                 "tinker_future_take_forward_backward_output: future is NULL");
  assert_invalid(tinker_future_take_optim_step_result(nullptr, reinterpret_cast<tinker_optim_step_result_t**>(&fb)), "tinker_future_take_optim_step_result: future is NULL");
  assert_invalid(tinker_future_take_save_result(nullptr, reinterpret_cast<tinker_save_result_t**>(&fb)), "tinker_future_take_save_result: future is NULL");
  assert_invalid(tinker_future_take_load_result(nullptr, reinterpret_cast<tinker_load_result_t**>(&fb)), "tinker_future_take_load_result: future is NULL");
  assert_invalid(tinker_future_take_model_info(nullptr, reinterpret_cast<tinker_model_info_t**>(&fb)), "tinker_future_take_model_info: future is NULL");
  tinker_future_t* g = finished_future(ex, std::make_unique<tinker_load_result>());
  assert_invalid(tinker_future_take_load_result(g, nullptr), "tinker_future_take_load_result: out is NULL");
  tinker_future_free(g);
  ex->shutdown();
}

static void a_failed_future_hands_its_error_to_the_take(void**) {
  auto ex = std::make_shared<CompletionExecutor>();
  auto state = std::make_shared<FutureState>(ex, &result_types::OptimStepResult);
  (state->fail)(make_error(TINKER_E_UNAVAILABLE, "optim_step: HTTP 503"));  // parenthesised: CMocka's fail()
  tinker_future_t* f = new tinker_future{state};
  tinker_optim_step_result_t* os = nullptr;
  assert_error(tinker_future_take_optim_step_result(f, &os), TINKER_E_UNAVAILABLE, "HTTP 503");
  assert_null(os);
  tinker_future_free(f);
  ex->shutdown();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(builder_constructors_reject_a_null_out_naming_it),
      cmocka_unit_test(builder_setters_reject_a_null_handle_naming_it),
      cmocka_unit_test(builder_frees_accept_null),
      cmocka_unit_test(text_chunks_with_null_tokens_and_a_count_are_rejected),
      cmocka_unit_test(empty_text_chunks_are_rejected_as_meaningless),
      cmocka_unit_test(text_tokens_are_borrowed_not_copied),
      cmocka_unit_test(image_format_must_be_png_or_jpeg),
      cmocka_unit_test(image_expected_tokens_is_minus_one_for_unknown_and_otherwise_non_negative),
      cmocka_unit_test(image_data_must_be_present_and_non_empty),
      cmocka_unit_test(image_bytes_are_borrowed_and_the_format_is_copied),
      cmocka_unit_test(asset_pointer_needs_a_location_and_a_known_format),
      cmocka_unit_test(length_sums_tokens_and_image_expected_tokens),
      cmocka_unit_test(length_of_an_image_without_expected_tokens_is_a_failed_precondition_naming_the_chunk),
      cmocka_unit_test(length_of_a_dmel_chunk_is_dim_0_of_its_tensor_header),
      cmocka_unit_test(datum_copies_the_chunk_list_but_borrows_the_arrays),
      cmocka_unit_test(known_keys_require_their_protocol_dtype),
      cmocka_unit_test(other_tensor_names_take_either_dtype),
      cmocka_unit_test(tensor_names_must_be_non_empty_and_unique_in_the_datum),
      cmocka_unit_test(tensor_data_may_be_null_only_when_empty),
      cmocka_unit_test(tensor_shape_null_with_ndim_0_means_no_shape),
      cmocka_unit_test(tensor_shape_with_ndim_but_null_pointer_is_rejected),
      cmocka_unit_test(tensor_shape_product_must_equal_numel),
      cmocka_unit_test(tensor_shape_dimensions_must_not_be_negative),
      cmocka_unit_test(tensor_data_is_borrowed_and_the_shape_is_copied),
      cmocka_unit_test(batch_add_copies_the_datum_description),
      cmocka_unit_test(loss_fn_config_keys_are_non_empty_and_values_finite),
      cmocka_unit_test(adam_params_start_with_the_official_defaults),
      cmocka_unit_test(adam_non_negative_setters_reject_negatives_nan_and_infinity),
      cmocka_unit_test(adam_betas_must_lie_in_zero_inclusive_to_one_exclusive),
      cmocka_unit_test(lora_config_defaults_rank_and_flags),
      cmocka_unit_test(metadata_copies_keys_and_values_and_later_value_wins),
      cmocka_unit_test(retry_config_starts_with_the_official_defaults),
      cmocka_unit_test(retry_config_setters_check_their_ranges),
      cmocka_unit_test(forward_backward_output_reads_back_through_every_getter),
      cmocka_unit_test(forward_backward_output_tensor_lookup_reports_out_of_range_and_not_found),
      cmocka_unit_test(result_getters_of_null_return_their_documented_empty_values),
      cmocka_unit_test(result_frees_accept_null),
      cmocka_unit_test(metrics_out_of_range_give_nan_and_null_and_lookup_by_name),
      cmocka_unit_test(copy_to_copies_exactly_numel_when_capacity_suffices),
      cmocka_unit_test(copy_to_with_too_little_capacity_is_out_of_range_and_copies_nothing),
      cmocka_unit_test(copy_to_of_the_other_dtype_is_invalid_argument),
      cmocka_unit_test(copy_to_checks_its_pointers_and_accepts_an_empty_tensor_without_a_buffer),
      cmocka_unit_test(forward_backward_output_json_has_the_sdk_shape),
      cmocka_unit_test(forward_backward_output_json_round_trips_floats_exactly),
      cmocka_unit_test(forward_backward_output_json_writes_non_finite_numbers_as_null),
      cmocka_unit_test(forward_backward_output_json_of_an_empty_output_and_a_shapeless_tensor),
      cmocka_unit_test(to_result_moves_every_field_of_the_wire_output),
      cmocka_unit_test(other_results_to_json_round_trip_what_the_server_sent),
      cmocka_unit_test(other_results_to_json_are_built_from_the_fields_without_a_server_body),
      cmocka_unit_test(model_info_getters_return_the_fields),
      cmocka_unit_test(takes_of_another_kind_are_invalid_argument_and_the_right_take_succeeds),
      cmocka_unit_test(takes_refuse_a_second_take_a_pending_future_and_null_arguments),
      cmocka_unit_test(a_failed_future_hands_its_error_to_the_take),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
