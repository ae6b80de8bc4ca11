// The training client's handle functions and the custom-loss callback objects (its operations
// are generated: capi/api_ops.cpp).
#include "capi/op.h"
#include "client/custom_loss.h"

using namespace tinker;
using capi::fail;
using capi::guard;

extern "C" {

// ---- TrainingClient ----------------------------------------------------------------------------

TINKER_API const char* tinker_training_client_model_id(const tinker_training_client_t* client) {
  return client ? client->impl->model_id().c_str() : nullptr;
}

TINKER_API void tinker_training_client_free(tinker_training_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;
    return 0;
  });
}

// ---- sampling client handles -------------------------------------------------------------------

TINKER_API const char* tinker_sampling_client_sampling_session_id(const tinker_sampling_client_t* client) {
  return client ? client->impl->sampling_session_id().c_str() : nullptr;
}

TINKER_API void tinker_sampling_client_free(tinker_sampling_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;
    return 0;
  });
}

// ---- custom loss callback objects --------------------------------------------------------------

TINKER_API size_t tinker_custom_loss_input_num_datums(const tinker_custom_loss_input_t* input) {
  return input ? input->logprobs.size() : 0;
}

TINKER_API tinker_status_t tinker_custom_loss_input_logprobs(const tinker_custom_loss_input_t* input, size_t index,
                                                             const float** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, data);
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->logprobs.size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    *data = input->logprobs[index]->f32.data();
    *count = input->logprobs[index]->f32.size();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_custom_loss_input_tensor_int64(const tinker_custom_loss_input_t* input, size_t index,
                                                                 const char* name, const int64_t** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, data);
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->data->size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    if (std::string(name) != "target_tokens")
      return fail(TINKER_E_NOT_FOUND, std::string(fn) + ": no int64 input '" + name + "'");
    const auto& d = (*input->data)[index];
    *data = d.target_tokens.data();
    *count = d.target_tokens.size();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_custom_loss_input_tensor_float32(const tinker_custom_loss_input_t* input, size_t index,
                                                                   const char* name, const float** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, data);
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->data->size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    const auto& d = (*input->data)[index];
    if (std::string(name) != "weights" || !d.weights)
      return fail(TINKER_E_NOT_FOUND, std::string(fn) + ": no float32 input '" + name + "'");
    *data = d.weights->data();
    *count = d.weights->size();
    return TINKER_OK;
  });
}

// The callback's output object and the two-phase step share these setters.
namespace {

tinker_status_t set_loss(const char* fn, tinker_custom_loss_output* output, double loss) {
  TINKER_CHECK_ARG(fn, output);
  output->loss = loss;
  return TINKER_OK;
}

tinker_status_t set_gradient(const char* fn, tinker_custom_loss_output* output, size_t index, const float* gradient,
                             size_t count) {
  TINKER_CHECK_ARG(fn, output);
  TINKER_CHECK_ARG(fn, gradient);
  if (index >= output->gradients.size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
  if (count != output->expected_counts[index])
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": count " + std::to_string(count) + " != " +
                                               std::to_string(output->expected_counts[index]) + " logprobs of datum " +
                                               std::to_string(index));
  output->gradients[index] = std::vector<float>(gradient, gradient + count);
  return TINKER_OK;
}

tinker_status_t add_metric(const char* fn, tinker_custom_loss_output* output, const char* name, double value) {
  TINKER_CHECK_ARG(fn, output);
  TINKER_CHECK_ARG(fn, name);
  output->metrics.emplace_back(name, value);
  return TINKER_OK;
}

}  // namespace

TINKER_API tinker_status_t tinker_custom_loss_output_set_loss(tinker_custom_loss_output_t* output, double loss) {
  return guard(__func__, [&](const char* fn) { return set_loss(fn, output, loss); });
}

TINKER_API tinker_status_t tinker_custom_loss_output_set_gradient(tinker_custom_loss_output_t* output, size_t index,
                                                                  const float* gradient, size_t count) {
  return guard(__func__, [&](const char* fn) { return set_gradient(fn, output, index, gradient, count); });
}

TINKER_API tinker_status_t tinker_custom_loss_output_add_metric(tinker_custom_loss_output_t* output, const char* name,
                                                                double value) {
  return guard(__func__, [&](const char* fn) { return add_metric(fn, output, name, value); });
}

TINKER_API const tinker_forward_backward_output_t* tinker_custom_loss_step_forward_output(
    const tinker_custom_loss_step_t* step) {
  return step ? step->forward.get() : nullptr;
}

TINKER_API tinker_status_t tinker_custom_loss_step_set_loss(tinker_custom_loss_step_t* step, double loss) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return set_loss(fn, &step->output, loss);
  });
}

TINKER_API tinker_status_t tinker_custom_loss_step_set_gradient(tinker_custom_loss_step_t* step, size_t index,
                                                                const float* gradient, size_t count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return set_gradient(fn, &step->output, index, gradient, count);
  });
}

TINKER_API tinker_status_t tinker_custom_loss_step_add_metric(tinker_custom_loss_step_t* step, const char* name,
                                                              double value) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return add_metric(fn, &step->output, name, value);
  });
}

TINKER_API void tinker_custom_loss_step_free(tinker_custom_loss_step_t* step) {
  capi::guard_value(0, [&] {
    delete step;
    return 0;
  });
}

}  // extern "C"
