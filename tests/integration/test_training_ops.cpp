// Training operations against the emulator's tiny model (protocol.md §6.4, §6.11, §7.3–§7.6):
// create_lora_training_client (S2), get_info (T9), unload_model (T12), forward (T1),
// forward_backward (T2) and optim_step (T4), each blocking and _async.
#include "harness.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace itest;

namespace {

tinker_service_client_t* service() { return new_client(fast_options()); }

// Three datums of different lengths, weights 1.
void three_texts(TrainBatch* b) {
  b->add_text("abcd");
  b->add_text("the cat");
  b->add_text("hello there");
}

// Creates a run blocking or _async; `*out` receives the client when it succeeded (tracked).
Outcome create(tinker_service_client_t* c, const char* base, const tinker_lora_config_t* lora,
               const tinker_metadata_t* md, bool async, tinker_training_client_t** out) {
  *out = nullptr;
  if (!async) {
    Outcome o = blocking_outcome(tinker_service_client_create_lora_training_client(c, base, lora, md, out));
    if (*out) track_training(*out);
    return o;
  }
  tinker_future_t* f = nullptr;
  Outcome o = async_outcome(tinker_service_client_create_lora_training_client_async(c, base, lora, md, &f), &f);
  if (o.status == TINKER_OK) {
    assert_status(tinker_future_take_training_client(f, out), TINKER_OK, tinker_last_error());
    track_training(*out);
  }
  return o;
}

// forward or forward_backward with `loss_fn`, blocking or _async; fills `*r` on success.
Outcome run_fb(tinker_training_client_t* tc, const tinker_batch_t* batch, const char* loss_fn, bool backward,
               bool async, FbResult* r = nullptr) {
  if (!async) {
    tinker_forward_backward_output_t* out = nullptr;
    tinker_status_t s = backward ? tinker_training_client_forward_backward(tc, batch, loss_fn, nullptr, &out)
                                 : tinker_training_client_forward(tc, batch, loss_fn, nullptr, &out);
    return blocking_fb_outcome(s, out, r);
  }
  tinker_future_t* f = nullptr;
  tinker_status_t s = backward ? tinker_training_client_forward_backward_async(tc, batch, loss_fn, nullptr, &f)
                               : tinker_training_client_forward_async(tc, batch, loss_fn, nullptr, &f);
  if (s == TINKER_OK) assert_non_null(f);
  return async_fb_outcome(s, &f, r);
}

// Adam step, blocking or _async; the result's metrics.
std::map<std::string, double> step(tinker_training_client_t* tc, const tinker_adam_params_t* p, bool async) {
  tinker_optim_step_result_t* r = nullptr;
  if (!async) {
    assert_status(tinker_training_client_optim_step(tc, p, &r), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_optim_step_async(tc, p, &f), &f);
    if (o.status != TINKER_OK) {
      print_error("optim_step_async: %s %s\n", tinker_status_str(o.status), o.message.c_str());
      fail();
    }
    assert_status(tinker_future_take_optim_step_result(f, &r), TINKER_OK, tinker_last_error());
  }
  std::map<std::string, double> m;
  const tinker_metrics_t* mt = tinker_optim_step_result_metrics(r);
  for (size_t i = 0; i < tinker_metrics_count(mt); ++i) m[tinker_metrics_name(mt, i)] = tinker_metrics_value(mt, i);
  tinker_optim_step_result_free(r);
  return m;
}

void expect_user_failure(const Outcome& o, const char* needle) {
  if (o.status != TINKER_E_REQUEST_FAILED || o.category != TINKER_ERROR_CATEGORY_USER || !contains(o.message, needle)) {
    print_error("expected TINKER_E_REQUEST_FAILED (user) mentioning \"%s\", got %s category %d: %s\n", needle,
                tinker_status_str(o.status), static_cast<int>(o.category), o.message.c_str());
    fail();
  }
}

size_t count_path(const std::string& path) { return request_log(path).size(); }

// weights_info (protocol.md §7.16) of a checkpoint, as the server reports it.
cJSON* weights_info(const std::string& tinker_path) {
  HttpReply r = http("POST", "/api/v1/weights_info", "{\"tinker_path\": \"" + tinker_path + "\"}", api_key());
  assert_int_equal(r.status, 200);
  cJSON* j = cJSON_Parse(r.body.c_str());
  assert_non_null(j);
  return j;
}

bool json_true(const cJSON* o, const char* key) { return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key)); }

}  // namespace

// ---- create_lora_training_client (S2) ------------------------------------------------------------

// S2 (§2.2, §5.3): create_model carries the session id, the session's next model_seq_id, the
// base model, the LoRA rank and the user metadata; the run's id is <session>:train:<n>.
static void create_lora_sends_session_base_model_rank_and_metadata(bool async) {
  tinker_service_client_t* c = service();
  tinker_lora_config_t* lora = nullptr;
  tinker_metadata_t* md = nullptr;
  assert_int_equal(tinker_lora_config_new(&lora), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_rank(lora, 4), TINKER_OK);
  assert_int_equal(tinker_metadata_new(&md), TINKER_OK);
  assert_int_equal(tinker_metadata_set(md, "experiment", "ops"), TINKER_OK);
  assert_int_equal(tinker_metadata_set(md, "owner", "itest"), TINKER_OK);

  tinker_training_client_t* first = nullptr;
  tinker_training_client_t* second = nullptr;
  Outcome o1 = create(c, "meta-llama/Llama-3.2-1B", lora, md, async, &first);
  Outcome o2 = create(c, kTinyModel, nullptr, nullptr, async, &second);
  tinker_lora_config_free(lora);
  tinker_metadata_free(md);
  assert_status(o1.status, TINKER_OK, nullptr);
  assert_status(o2.status, TINKER_OK, nullptr);

  const char* sid = tinker_service_client_session_id(c);
  assert_non_null(sid);
  std::string id1 = tinker_training_client_model_id(first);
  std::string id2 = tinker_training_client_model_id(second);
  assert_string_equal(id1.c_str(), (std::string(sid) + ":train:0").c_str());
  assert_string_equal(id2.c_str(), (std::string(sid) + ":train:1").c_str());

  auto creates = request_log("/api/v1/create_model");
  assert_int_equal(creates.size(), 2);
  for (const auto& e : creates) assert_string_equal(e.session_id.c_str(), sid);

  EmuModel m1 = emulator_model(id1);
  assert_string_equal(m1.base_model.c_str(), "meta-llama/Llama-3.2-1B");
  assert_int_equal(m1.lora_rank, 4);
  assert_string_equal(m1.created_by.c_str(), "create_model");
  assert_int_equal(m1.user_metadata.size(), 2);
  assert_string_equal(m1.user_metadata["experiment"].c_str(), "ops");
  assert_string_equal(m1.user_metadata["owner"].c_str(), "itest");
  EmuModel m2 = emulator_model(id2);
  assert_string_equal(m2.base_model.c_str(), kTinyModel);
  assert_int_equal(m2.lora_rank, 32);  // the official default rank (§7.6)
  assert_int_equal(m2.user_metadata.size(), 0);
}
static void create_lora_blocking_sends_session_base_model_rank_and_metadata(void**) {
  create_lora_sends_session_base_model_rank_and_metadata(false);
}
static void create_lora_async_sends_session_base_model_rank_and_metadata(void**) {
  create_lora_sends_session_base_model_rank_and_metadata(true);
}

// §7.6: the train_* flags reach the server (the checkpoint's weights_info reports them).
static void create_lora_sends_the_train_flags(void**) {
  tinker_service_client_t* c = service();
  tinker_lora_config_t* lora = nullptr;
  assert_int_equal(tinker_lora_config_new(&lora), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_rank(lora, 2), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_train_attn(lora, 0), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_train_unembed(lora, 0), TINKER_OK);
  tinker_training_client_t* tc = nullptr;
  Outcome o = create(c, kTinyModel, lora, nullptr, false, &tc);
  tinker_lora_config_free(lora);
  assert_status(o.status, TINKER_OK, nullptr);
  cJSON* info = weights_info(save_state(tc, "flags"));
  bool mlp = json_true(info, "train_mlp"), attn = json_true(info, "train_attn"),
       unembed = json_true(info, "train_unembed");
  const cJSON* rank = cJSON_GetObjectItemCaseSensitive(info, "lora_rank");
  int r = cJSON_IsNumber(rank) ? rank->valueint : -1;
  cJSON_Delete(info);
  assert_true(mlp);
  assert_false(attn);
  assert_false(unembed);
  assert_int_equal(r, 2);
}

// §7.6: the seed reaches the server: the same seed gives the same adapter (identical outputs
// after one identical step), another seed a different one.
static void create_lora_sends_the_seed(void**) {
  tinker_service_client_t* c = service();
  TrainBatch b;
  b.add_text("seeds decide the adapter");
  tinker_training_client_t* runs[3] = {new_training_client(c, 8, 11), new_training_client(c, 8, 11),
                                       new_training_client(c, 8, 12)};
  FbResult after[3];
  for (int i = 0; i < 3; ++i) {
    forward_backward(runs[i], b);
    optim_step(runs[i], 0.05);
    after[i] = forward(runs[i], b);
  }
  assert_same_logprobs(after[0], after[1], 0.0);
  assert_true(max_logprob_diff(after[0], after[2]) > 1e-6);
}

// §2.2: an unknown base model fails create_model's future with a user error; the library
// reports it as TINKER_E_REQUEST_FAILED, category user, with the server's message.
static void create_lora_unknown_base_model_fails_with_the_servers_user_error(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = nullptr;
  Outcome o = create(c, "no-such/base-model", nullptr, nullptr, async, &tc);
  assert_null(tc);
  expect_user_failure(o, "base model 'no-such/base-model' is not supported");
}
static void create_lora_blocking_unknown_base_model_fails_with_the_servers_user_error(void**) {
  create_lora_unknown_base_model_fails_with_the_servers_user_error(false);
}
static void create_lora_async_unknown_base_model_fails_with_the_servers_user_error(void**) {
  create_lora_unknown_base_model_fails_with_the_servers_user_error(true);
}

// §6.11: a LoRA config with every train_* flag off is rejected before any I/O (not even the
// client/config of a fresh client).
static void create_lora_with_nothing_trainable_is_rejected_before_any_io(bool async) {
  tinker_service_client_t* c = service();
  tinker_lora_config_t* lora = nullptr;
  assert_int_equal(tinker_lora_config_new(&lora), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_train_mlp(lora, 0), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_train_attn(lora, 0), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_train_unembed(lora, 0), TINKER_OK);
  tinker_training_client_t* tc = nullptr;
  Outcome o = create(c, kTinyModel, lora, nullptr, async, &tc);
  tinker_lora_config_free(lora);
  assert_null(tc);
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  sleep_ms(100);
  auto log = request_log();
  if (!log.empty()) {
    print_error("expected no request, got:\n");
    dump(log);
    fail();
  }
}
static void create_lora_blocking_with_nothing_trainable_is_rejected_before_any_io(void**) {
  create_lora_with_nothing_trainable_is_rejected_before_any_io(false);
}
static void create_lora_async_with_nothing_trainable_is_rejected_before_any_io(void**) {
  create_lora_with_nothing_trainable_is_rejected_before_any_io(true);
}

// ---- get_info (T9), unload_model (T12) -------------------------------------------------------------

// T9 (§7.11): model id, base model (model_data.model_name), LoRA and rank; it takes no seq_id,
// so the first training request still has seq_id 1.
static void get_info_reports_model_base_model_lora_and_rank(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c, 16, 1, "Qwen/Qwen3-8B");
  tinker_model_info_t* info = nullptr;
  if (!async) {
    assert_status(tinker_training_client_get_info(tc, &info), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_get_info_async(tc, &f), &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_model_info(f, &info), TINKER_OK, tinker_last_error());
  }
  assert_string_equal(tinker_model_info_model_id(info), tinker_training_client_model_id(tc));
  assert_string_equal(tinker_model_info_base_model(info), "Qwen/Qwen3-8B");
  assert_int_equal(tinker_model_info_is_lora(info), 1);
  assert_int_equal(tinker_model_info_lora_rank(info), 16);
  assert_string_equal(tinker_model_info_tokenizer_id(info), "tinker-emulator/bytes");
  assert_string_equal(tinker_model_info_arch(info), "bigram-lora");
  tinker_model_info_free(info);

  TrainBatch b;
  b.add_text("info");
  forward(tc, b);
  auto seqs = seq_ids(fwdbwd_log(tc));
  assert_int_equal(seqs.size(), 1);
  assert_int_equal(seqs[0], 1);
}
static void get_info_blocking_reports_model_base_model_lora_and_rank(void**) {
  get_info_reports_model_base_model_lora_and_rank(false);
}
static void get_info_async_reports_model_base_model_lora_and_rank(void**) {
  get_info_reports_model_base_model_lora_and_rank(true);
}

// T12: after unload_model the model is gone: forward, optim_step and get_info fail (404).
static void unload_model_makes_later_operations_fail(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("before unloading");
  forward(tc, b);
  if (!async) {
    assert_status(tinker_training_client_unload_model(tc), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    assert_status(async_outcome(tinker_training_client_unload_model_async(tc, &f), &f).status, TINKER_OK, nullptr);
  }
  assert_int_equal(request_log("/api/v1/unload_model").size(), 1);
  assert_string_equal(emulator_model(tinker_training_client_model_id(tc)).state.c_str(), "unloaded");

  Outcome fw = run_fb(tc, b.get(), "cross_entropy", false, async);
  assert_status(fw.status, TINKER_E_NOT_FOUND, nullptr);
  tinker_optim_step_result_t* r = nullptr;
  Outcome os = blocking_outcome(tinker_training_client_optim_step(tc, nullptr, &r));
  assert_status(os.status, TINKER_E_NOT_FOUND, nullptr);
  tinker_model_info_t* info = nullptr;
  Outcome gi = blocking_outcome(tinker_training_client_get_info(tc, &info));
  assert_status(gi.status, TINKER_E_NOT_FOUND, nullptr);
  assert_null(info);
}
static void unload_model_blocking_makes_later_operations_fail(void**) {
  unload_model_makes_later_operations_fail(false);
}
static void unload_model_async_makes_later_operations_fail(void**) { unload_model_makes_later_operations_fail(true); }

// tinker.h "Handles may be freed in any order": a training client keeps working after its
// service client was freed (it shares the runtime), and freeing it last shuts everything down.
static void training_client_outlives_its_service_client(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  free_client(c);
  TrainBatch b;
  b.add_text("still here");
  FbResult r = forward_backward(tc, b);
  assert_int_equal(r.num_datums, 1);
  optim_step(tc, 0.01);
  free_training(tc);
}

// tinker_training_client_free: "Pending operations keep running": a forward_backward and an
// optim_step started just before the handle is freed still complete.
static void pending_operations_survive_freeing_the_training_client(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("fire and forget");
  tinker_future_t* fb = nullptr;
  tinker_future_t* opt = nullptr;
  assert_status(tinker_training_client_forward_backward_async(tc, b.get(), "cross_entropy", nullptr, &fb), TINKER_OK,
                tinker_last_error());
  track(fb);
  assert_status(tinker_training_client_optim_step_async(tc, nullptr, &opt), TINKER_OK, tinker_last_error());
  track(opt);
  std::string id = tinker_training_client_model_id(tc);
  free_training(tc);
  FbResult r = take_fb(fb);
  assert_int_equal(r.num_datums, 1);
  assert_status(tinker_future_wait(opt, 10000), TINKER_OK, tinker_future_error(opt));
  assert_true(seq_ids(model_log(id)) == std::vector<int64_t>({1, 2}));
}

// ---- forward (T1) / forward_backward (T2) ----------------------------------------------------------

// §7.4: one output per datum, in input order, each with a float32 "logprobs" tensor of the
// datum's length (target_tokens' shape [N]); loss_fn_output_type from the server.
static void outputs_have_one_logprobs_tensor_per_datum_of_its_length(bool backward, bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  three_texts(&b);
  FbResult r;
  Outcome o = run_fb(tc, b.get(), "cross_entropy", backward, async, &r);
  assert_status(o.status, TINKER_OK, nullptr);
  assert_int_equal(r.num_datums, 3);
  assert_string_equal(r.loss_fn_output_type.c_str(), "ArrayRecord");
  for (size_t i = 0; i < 3; ++i) {
    assert_int_equal(r.logprobs[i].size(), b.length(i));
    assert_int_equal(r.shapes[i].size(), 1);
    assert_int_equal(r.shapes[i][0], static_cast<int64_t>(b.length(i)));
    for (float lp : r.logprobs[i]) assert_true(lp <= 0.0f && std::isfinite(lp));
  }
  auto log = fwdbwd_log(tc);
  assert_int_equal(log.size(), 1);
  assert_string_equal(log[0].header("content-type").c_str(), "application/x-protobuf");
  auto polls = request_log("/api/v1/retrieve_future");
  assert_true(!polls.empty());
  assert_string_equal(polls.back().header("x-tinker-request-type").c_str(), backward ? "ForwardBackward" : "Forward");
}
static void forward_blocking_outputs_one_logprobs_tensor_per_datum(void**) {
  outputs_have_one_logprobs_tensor_per_datum_of_its_length(false, false);
}
static void forward_async_outputs_one_logprobs_tensor_per_datum(void**) {
  outputs_have_one_logprobs_tensor_per_datum_of_its_length(false, true);
}
static void forward_backward_blocking_outputs_one_logprobs_tensor_per_datum(void**) {
  outputs_have_one_logprobs_tensor_per_datum_of_its_length(true, false);
}
static void forward_backward_async_outputs_one_logprobs_tensor_per_datum(void**) {
  outputs_have_one_logprobs_tensor_per_datum_of_its_length(true, true);
}

// §7.3: cross_entropy's loss:sum is −Σ w·logprob over every target of every datum (weights not
// all 1, so a dropped or misplaced weight shows).
static void loss_sum_is_minus_the_weighted_sum_of_the_logprobs(bool backward, bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add({1, 2, 3, 4}, {2, 3, 4, 5}, {0.5f, 1.0f, 2.0f, 0.0f});
  b.add({100, 101, 102}, {101, 102, 103}, {3.0f, 0.25f, 1.0f});
  b.add({7, 8}, {9, 10}, {});  // no weights: the emulator's default of 1
  FbResult r;
  assert_status(run_fb(tc, b.get(), "cross_entropy", backward, async, &r).status, TINKER_OK, nullptr);
  double expected = cross_entropy(b, r);
  double got = r.metric("loss:sum");
  assert_true(expected > 0);
  if (std::fabs(got - expected) > 1e-4 * std::fabs(expected)) {
    print_error("loss:sum %.9g, −Σ w·logprob %.9g\n", got, expected);
    fail();
  }
}
static void forward_blocking_loss_sum_is_minus_the_weighted_sum_of_the_logprobs(void**) {
  loss_sum_is_minus_the_weighted_sum_of_the_logprobs(false, false);
}
static void forward_async_loss_sum_is_minus_the_weighted_sum_of_the_logprobs(void**) {
  loss_sum_is_minus_the_weighted_sum_of_the_logprobs(false, true);
}
static void forward_backward_blocking_loss_sum_is_minus_the_weighted_sum_of_the_logprobs(void**) {
  loss_sum_is_minus_the_weighted_sum_of_the_logprobs(true, false);
}
static void forward_backward_async_loss_sum_is_minus_the_weighted_sum_of_the_logprobs(void**) {
  loss_sum_is_minus_the_weighted_sum_of_the_logprobs(true, true);
}

// §6.4: the loss name is not checked client-side; the server's user error comes back as
// TINKER_E_REQUEST_FAILED, category user, with its message.
static void unknown_loss_function_fails_with_the_servers_user_error(bool backward, bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("loss");
  Outcome o = run_fb(tc, b.get(), "no_such_loss", backward, async);
  expect_user_failure(o, "no_such_loss");
  assert_int_equal(count_path("/api/v1/forward_backward"), 1);
}
static void forward_blocking_unknown_loss_function_fails_with_the_servers_user_error(void**) {
  unknown_loss_function_fails_with_the_servers_user_error(false, false);
}
static void forward_async_unknown_loss_function_fails_with_the_servers_user_error(void**) {
  unknown_loss_function_fails_with_the_servers_user_error(false, true);
}
static void forward_backward_blocking_unknown_loss_function_fails_with_the_servers_user_error(void**) {
  unknown_loss_function_fails_with_the_servers_user_error(true, false);
}
static void forward_backward_async_unknown_loss_function_fails_with_the_servers_user_error(void**) {
  unknown_loss_function_fails_with_the_servers_user_error(true, true);
}

// A token outside the model's vocabulary (256) is the server's user error, with its message.
static void out_of_vocabulary_token_fails_with_the_servers_user_error(bool backward, bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add({1, 100000, 3}, {2, 3, 4}, {1, 1, 1});
  Outcome o = run_fb(tc, b.get(), "cross_entropy", backward, async);
  expect_user_failure(o, "100000");
  assert_true(contains(o.message, "vocabulary"));
}
static void forward_blocking_out_of_vocabulary_token_fails_with_the_servers_user_error(void**) {
  out_of_vocabulary_token_fails_with_the_servers_user_error(false, false);
}
static void forward_async_out_of_vocabulary_token_fails_with_the_servers_user_error(void**) {
  out_of_vocabulary_token_fails_with_the_servers_user_error(false, true);
}
static void forward_backward_blocking_out_of_vocabulary_token_fails_with_the_servers_user_error(void**) {
  out_of_vocabulary_token_fails_with_the_servers_user_error(true, false);
}
static void forward_backward_async_out_of_vocabulary_token_fails_with_the_servers_user_error(void**) {
  out_of_vocabulary_token_fails_with_the_servers_user_error(true, true);
}

// §6.2: an empty batch is TINKER_E_INVALID_ARGUMENT before any request (no future either).
static void empty_batch_is_rejected_without_a_request(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  tinker_batch_t* empty = nullptr;
  assert_int_equal(tinker_batch_new(&empty), TINKER_OK);
  for (int backward = 0; backward < 2; ++backward) {
    for (int async = 0; async < 2; ++async) {
      tinker_future_t* f = nullptr;
      tinker_forward_backward_output_t* out = nullptr;
      tinker_status_t s;
      if (async) {
        s = backward ? tinker_training_client_forward_backward_async(tc, empty, "cross_entropy", nullptr, &f)
                     : tinker_training_client_forward_async(tc, empty, "cross_entropy", nullptr, &f);
      } else {
        s = backward ? tinker_training_client_forward_backward(tc, empty, "cross_entropy", nullptr, &out)
                     : tinker_training_client_forward(tc, empty, "cross_entropy", nullptr, &out);
      }
      assert_status(s, TINKER_E_INVALID_ARGUMENT, tinker_last_error());
      assert_null(f);
      assert_null(out);
    }
  }
  tinker_batch_free(empty);
  sleep_ms(100);
  assert_int_equal(count_path("/api/v1/forward_backward"), 0);
}

// §7.1, §10 item 21: an image_asset_pointer chunk has no protobuf form: in protobuf wire mode
// forward/backward fails with TINKER_E_INVALID_ARGUMENT before any request.
static void image_asset_pointer_is_rejected_in_protobuf_mode(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add(image_pointer_datum("https://example.com/cat.png"));
  for (int backward = 0; backward < 2; ++backward) {
    for (int async = 0; async < 2; ++async) {
      Outcome o = run_fb(tc, b.get(), "cross_entropy", backward, async);
      assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
    }
  }
  sleep_ms(100);
  assert_int_equal(count_path("/api/v1/forward_backward"), 0);
}

// tinker.h "Training inputs": _async encodes the batch before it returns, so the caller may
// overwrite and free its arrays and builders at once; the result is that of the intact data.
static void forward_backward_async_copies_its_inputs(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  DatumSpec d = text_datum("copy me before returning");
  std::vector<float> w;
  for (size_t i = 0; i < d.input.size(); ++i) w.push_back(1.0f + 0.1f * static_cast<float>(i % 3));
  d.floats.emplace_back("weights", w);
  auto copied = std::make_unique<TrainBatch>();
  copied->add(d, 2);

  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_backward_async(tc, copied->get(), "cross_entropy", nullptr, &f),
                TINKER_OK, tinker_last_error());
  track(f);
  // Clobber and free everything the batch borrowed or was built from.
  copied->clobber();
  copied.reset();
  FbResult clobbered = take_fb(f);

  // The same batch, intact (forward_backward does not change the weights before optim_step).
  TrainBatch intact;
  intact.add(d, 2);
  FbResult reference = forward_backward(tc, intact);
  assert_same_logprobs(clobbered, reference, 0.0);
  assert_true(reference.metric("loss:sum") > 0);
  assert_true(clobbered.metric("loss:sum") == reference.metric("loss:sum"));
}

// §7.3: [N, K] target_tokens (K candidates per position) give logprobs of shape [N, K], and
// cross_entropy with [N, K] weights still sums −w·logprob over every element.
static void two_dimensional_targets_give_logprobs_of_that_shape(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  DatumSpec d;
  d.input = {10, 20, 30};
  d.target = {11, 12, 21, 22, 31, 32};
  d.target_shape = {3, 2};
  d.floats = {{"weights", {1.0f, 0.5f, 0.0f, 2.0f, 1.0f, 1.0f}}};
  d.float_shape = {3, 2};
  TrainBatch b;
  b.add(d);
  FbResult r;
  assert_status(run_fb(tc, b.get(), "cross_entropy", true, false, &r).status, TINKER_OK, nullptr);
  assert_int_equal(r.num_datums, 1);
  assert_true(r.shapes[0] == std::vector<int64_t>({3, 2}));
  assert_int_equal(r.logprobs[0].size(), 6);
  double expected = 0;
  for (size_t j = 0; j < 6; ++j) expected -= d.floats[0].second[j] * r.logprobs[0][j];
  assert_true(std::fabs(r.metric("loss:sum") - expected) <= 1e-5 * expected);
  // The candidates at a position share a context but are different tokens.
  assert_true(r.logprobs[0][0] != r.logprobs[0][1]);
}

// §7.3: the RL losses read float32 "logprobs" (sampling-time q) and "advantages" A. With q the
// current logprobs the ratio is 1, so importance_sampling's loss:sum is −Σ A.
static void importance_sampling_uses_the_logprobs_and_advantages_inputs(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch probe;
  probe.add({40, 41, 42, 43}, {41, 42, 43, 44}, {});
  FbResult current = forward(tc, probe);
  DatumSpec d;
  d.input = {40, 41, 42, 43};
  d.target = {41, 42, 43, 44};
  d.floats = {{"logprobs", current.logprobs[0]}, {"advantages", {1.0f, -2.0f, 0.5f, 3.0f}}};
  TrainBatch b;
  b.add(d);
  FbResult r;
  assert_status(run_fb(tc, b.get(), "importance_sampling", true, false, &r).status, TINKER_OK, nullptr);
  assert_true(std::fabs(r.metric("loss:sum") - (-(1.0 - 2.0 + 0.5 + 3.0))) <= 1e-5);
  assert_same_logprobs(r, current, 0.0);
}

// §6.4: loss_fn_config reaches the server: ppo's clip thresholds from the config are checked
// (low above high is the server's user error) and a key the loss does not use is refused.
static void loss_fn_config_reaches_the_server(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch probe;
  probe.add({50, 51, 52}, {51, 52, 53}, {});
  FbResult current = forward(tc, probe);
  DatumSpec d;
  d.input = {50, 51, 52};
  d.target = {51, 52, 53};
  d.floats = {{"logprobs", current.logprobs[0]}, {"advantages", {1.0f, 1.0f, -1.0f}}};
  TrainBatch rl;
  rl.add(d);
  const tinker_batch_t* b = rl.get();

  tinker_loss_fn_config_t* cfg = nullptr;
  assert_int_equal(tinker_loss_fn_config_new(&cfg), TINKER_OK);
  assert_int_equal(tinker_loss_fn_config_set(cfg, "clip_low_threshold", 1.5), TINKER_OK);
  assert_int_equal(tinker_loss_fn_config_set(cfg, "clip_high_threshold", 0.5), TINKER_OK);
  tinker_forward_backward_output_t* out = nullptr;
  Outcome bad = blocking_outcome(tinker_training_client_forward(tc, b, "ppo", cfg, &out));
  expect_user_failure(bad, "clip_low_threshold");

  assert_int_equal(tinker_loss_fn_config_set(cfg, "clip_low_threshold", 0.9), TINKER_OK);
  assert_int_equal(tinker_loss_fn_config_set(cfg, "clip_high_threshold", 1.1), TINKER_OK);
  tinker_future_t* f = nullptr;
  Outcome ok = async_outcome(tinker_training_client_forward_async(tc, b, "ppo", cfg, &f), &f);
  assert_status(ok.status, TINKER_OK, nullptr);
  FbResult r = take_fb(f);
  assert_true(std::fabs(r.metric("loss:sum") - (-1.0)) <= 1e-5);  // ratio 1: −Σ A
  tinker_loss_fn_config_free(cfg);

  tinker_loss_fn_config_t* unused = nullptr;
  assert_int_equal(tinker_loss_fn_config_new(&unused), TINKER_OK);
  assert_int_equal(tinker_loss_fn_config_set(unused, "beta", 0.1), TINKER_OK);
  TrainBatch ce;
  ce.add_text("config");
  Outcome refused =
      blocking_outcome(tinker_training_client_forward_backward(tc, ce.get(), "cross_entropy", unused, &out));
  tinker_loss_fn_config_free(unused);
  expect_user_failure(refused, "beta");
}

// ---- optim_step (T4) ------------------------------------------------------------------------------

// Trains `steps` steps of forward_backward + optim_step on a fixed batch (pipelined: both
// submitted before waiting); returns the loss:sum of every step.
std::vector<double> train(tinker_training_client_t* tc, const TrainBatch& b, const tinker_adam_params_t* p, int steps,
                          std::map<std::string, double>* last_metrics) {
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) {
    tinker_future_t* fb = nullptr;
    assert_status(tinker_training_client_forward_backward_async(tc, b.get(), "cross_entropy", nullptr, &fb), TINKER_OK,
                  tinker_last_error());
    track(fb);
    *last_metrics = step(tc, p, i % 2 == 1);  // blocking and _async alternately
    losses.push_back(take_fb(fb).metric("loss:sum"));
    free_future(fb);
  }
  return losses;
}

// §7.5: with the default Adam parameters (lr 1e-4) the loss on a fixed batch falls over 20 steps.
static void optim_step_with_defaults_lowers_the_loss(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c, 8, 3);
  TrainBatch b;
  b.add_text("the cat sat on the mat.");
  b.add_text("the dog sat on the log.");
  std::map<std::string, double> m;
  auto losses = train(tc, b, nullptr, 20, &m);
  print_message("default lr: loss %.6f -> %.6f\n", losses.front(), losses.back());
  assert_true(losses.back() < losses.front());
  assert_true(std::fabs(m["learning_rate:mean"] - 1e-4) < 1e-12);
  assert_true(m["grad_norm:mean"] > 0);
}

// §7.5: explicit AdamParams are sent (the step reports their learning rate) and a larger rate
// makes the loss fall far.
static void optim_step_with_adam_params_lowers_the_loss(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c, 8, 3);
  TrainBatch b;
  b.add_text("the cat sat on the mat.");
  b.add_text("the dog sat on the log.");
  tinker_adam_params_t* p = nullptr;
  assert_int_equal(tinker_adam_params_new(&p), TINKER_OK);
  assert_int_equal(tinker_adam_params_set_learning_rate(p, 0.02), TINKER_OK);
  assert_int_equal(tinker_adam_params_set_beta2(p, 0.99), TINKER_OK);
  assert_int_equal(tinker_adam_params_set_grad_clip_norm(p, 100.0), TINKER_OK);
  std::map<std::string, double> m;
  auto losses = train(tc, b, p, 20, &m);
  tinker_adam_params_free(p);
  for (double l : losses) print_message("%.2f ", l);
  print_message("\n");
  double first5 = 0, last5 = 0;
  for (size_t i = 0; i < 5; ++i) {
    first5 += losses[i];
    last5 += losses[losses.size() - 1 - i];
  }
  assert_true(last5 < 0.6 * first5);
  assert_true(losses.back() < 0.6 * losses.front());
  assert_true(std::fabs(m["learning_rate:mean"] - 0.02) < 1e-12);
  auto bodies = request_log("/api/v1/optim_step");
  assert_int_equal(bodies.size(), 20);
}

// After training, forward's logprobs agree with the reported loss: forward's loss:sum is
// −Σ w·logprob of its own outputs and equals the loss the next forward_backward reports at the
// same weights.
static void forward_after_training_matches_the_reported_loss(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c, 8, 5);
  TrainBatch b;
  b.add_text("a cat and a dog sat together.");
  b.add_text("the fire was warm.", 0.5f);
  std::map<std::string, double> m;
  auto losses = train(tc, b, nullptr, 3, &m);
  tinker_adam_params_t* p = nullptr;
  assert_int_equal(tinker_adam_params_new(&p), TINKER_OK);
  assert_int_equal(tinker_adam_params_set_learning_rate(p, 0.05), TINKER_OK);
  losses = train(tc, b, p, 5, &m);
  tinker_adam_params_free(p);

  FbResult fwd = forward(tc, b);
  double from_logprobs = cross_entropy(b, fwd);
  assert_true(std::fabs(fwd.metric("loss:sum") - from_logprobs) <= 1e-4 * from_logprobs);
  assert_true(from_logprobs < losses.front());
  FbResult fb = forward_backward(tc, b);
  assert_true(std::fabs(fb.metric("loss:sum") - fwd.metric("loss:sum")) <= 1e-9 * fwd.metric("loss:sum"));
  assert_same_logprobs(fwd, fb, 0.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(create_lora_blocking_sends_session_base_model_rank_and_metadata, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_lora_async_sends_session_base_model_rank_and_metadata, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_lora_sends_the_train_flags, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_lora_sends_the_seed, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_lora_blocking_unknown_base_model_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_lora_async_unknown_base_model_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_lora_blocking_with_nothing_trainable_is_rejected_before_any_io,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_lora_async_with_nothing_trainable_is_rejected_before_any_io,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(get_info_blocking_reports_model_base_model_lora_and_rank, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(get_info_async_reports_model_base_model_lora_and_rank, training_setup, teardown),
      cmocka_unit_test_setup_teardown(unload_model_blocking_makes_later_operations_fail, training_setup, teardown),
      cmocka_unit_test_setup_teardown(unload_model_async_makes_later_operations_fail, training_setup, teardown),
      cmocka_unit_test_setup_teardown(training_client_outlives_its_service_client, training_setup, teardown),
      cmocka_unit_test_setup_teardown(pending_operations_survive_freeing_the_training_client, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_blocking_outputs_one_logprobs_tensor_per_datum, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_async_outputs_one_logprobs_tensor_per_datum, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_blocking_outputs_one_logprobs_tensor_per_datum, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(forward_backward_async_outputs_one_logprobs_tensor_per_datum, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(forward_blocking_loss_sum_is_minus_the_weighted_sum_of_the_logprobs,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_async_loss_sum_is_minus_the_weighted_sum_of_the_logprobs, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(forward_backward_blocking_loss_sum_is_minus_the_weighted_sum_of_the_logprobs,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_async_loss_sum_is_minus_the_weighted_sum_of_the_logprobs,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_blocking_unknown_loss_function_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_async_unknown_loss_function_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_blocking_unknown_loss_function_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_async_unknown_loss_function_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_blocking_out_of_vocabulary_token_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_async_out_of_vocabulary_token_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(
          forward_backward_blocking_out_of_vocabulary_token_fails_with_the_servers_user_error, training_setup,
          teardown),
      cmocka_unit_test_setup_teardown(forward_backward_async_out_of_vocabulary_token_fails_with_the_servers_user_error,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(two_dimensional_targets_give_logprobs_of_that_shape, training_setup, teardown),
      cmocka_unit_test_setup_teardown(importance_sampling_uses_the_logprobs_and_advantages_inputs, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(loss_fn_config_reaches_the_server, training_setup, teardown),
      cmocka_unit_test_setup_teardown(empty_batch_is_rejected_without_a_request, training_setup, teardown),
      cmocka_unit_test_setup_teardown(image_asset_pointer_is_rejected_in_protobuf_mode, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_async_copies_its_inputs, training_setup, teardown),
      cmocka_unit_test_setup_teardown(optim_step_with_defaults_lowers_the_loss, training_setup, teardown),
      cmocka_unit_test_setup_teardown(optim_step_with_adam_params_lowers_the_loss, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_after_training_matches_the_reported_loss, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_ops", tests, nullptr, nullptr);
}
