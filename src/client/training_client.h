// TrainingClient: the operations of one training run (protocol.md §6). Every ordered operation
// reserves its seq_id(s) when called and submits in seq_id order through the run's TurnGate.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/json_op.h"
#include "client/training_types.h"
#include "core/client_context.h"
#include "core/turn_gate.h"

namespace tinker {

// What in-flight calls of a run share. Calls hold it, never the ClientContext, so that freeing
// the last handle still shuts the runtime down.
struct TrainingRun {
  std::string model_id;
  TurnGate gate;  // reserve() any thread; wait_turn/release on the IO thread
};

// A client-side loss for forward_backward_custom (§6.5).
struct CustomLoss {
  tinker_custom_loss_fn_t fn = nullptr;
  void* user_data = nullptr;
};

class TrainingClient {
 public:
  // `ids_used`: seq ids the run already consumed while being created (a load during
  // create-from-state), so the first operation continues after them.
  TrainingClient(std::shared_ptr<ClientContext> ctx, std::string model_id, uint64_t ids_used = 0);

  const std::string& model_id() const { return run_->model_id; }
  const std::shared_ptr<ClientContext>& context() const { return ctx_; }

  // T1 / T2. Fails fast (null future, `err` set) on bad input: empty batch, unencodable datum.
  std::shared_ptr<FutureState> forward_backward(const std::vector<wire::DatumView>& data, const std::string& loss_fn,
                                                const std::map<std::string, double>& config, bool forward_only,
                                                Error* err);
  std::shared_ptr<FutureState> forward_backward_custom(const std::vector<wire::DatumView>& data, CustomLoss loss,
                                                       Error* err);                            // T3
  // T3 in two phases (custom_loss.h).
  std::shared_ptr<FutureState> forward_backward_custom_begin(const std::vector<wire::DatumView>& data, Error* err);
  std::shared_ptr<FutureState> forward_backward_custom_finish(tinker_custom_loss_step& step, Error* err);
  std::shared_ptr<FutureState> create_sampling_client(const std::string& model_path, const wire::api::RetryConfig& retry);  // T10
  std::shared_ptr<FutureState> save_weights_and_get_sampling_client(const wire::api::RetryConfig& retry);  // T11
  std::shared_ptr<FutureState> get_tokenizer();  // T13 (client/get_tokenizer.cpp)
  // A plain operation of the registry (T4–T9, T12): an ordered one reserves its seq_id now, at
  // call time, and submits in turn (protocol.md §6.1). `path`: op.path with its parameters
  // filled in ("" when it has none).
  std::shared_ptr<FutureState> run(const JsonOp& op, const BodyFn& body, std::string path = "");

 private:
  // Makes `spec` take the turn of id `id` (protocol.md §6.1).
  void take_turn(CallSpec& spec, uint64_t id) const;

  std::shared_ptr<ClientContext> ctx_;
  std::shared_ptr<TrainingRun> run_;
};

// T1/T2 for a run, usable where no TrainingClient object is at hand (custom loss).
std::shared_ptr<FutureState> start_forward_backward(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                                    const std::vector<wire::DatumView>& data,
                                                    const std::string& loss_fn,
                                                    const std::map<std::string, double>& config, bool forward_only,
                                                    Error* err);

// Creates a sampling-session-backed sampling client result (T10, S5) — shared with the service
// client, which creates sampling clients too.
std::shared_ptr<FutureState> create_sampling_session(ClientContext& ctx, const std::string& model_path,
                                                     const std::string& base_model, const wire::api::RetryConfig& retry);

// S2–S4: the operations of ServiceClient that create training runs.
std::shared_ptr<FutureState> create_lora_training_client(const std::shared_ptr<ClientContext>& ctx,
                                                         const std::string& base_model, const wire::api::LoraConfig& lora,
                                                         const std::map<std::string, std::string>& user_metadata);
std::shared_ptr<FutureState> create_training_client_from_state(const std::shared_ptr<ClientContext>& ctx,
                                                               const std::string& path, const std::string& base_model,
                                                               const std::map<std::string, std::string>& user_metadata,
                                                               const std::string& weights_access_token, bool optimizer);

// The largest LoRA rank a server may report (real ranks are at most a few hundred).
constexpr int64_t kMaxLoraRank = 65536;

}  // namespace tinker

namespace tinker {

// Future results of operations that create clients. They hold the context weakly: a strong
// reference dropped on the IO thread could end up destroying the runtime from its own thread.
// The C handle, made on the caller's thread when the result is taken, holds it strongly.
struct TrainingClientResult final : Result {
  std::weak_ptr<ClientContext> ctx;
  std::string model_id;
  uint64_t ids_used = 0;
  ResultKind kind() const override { return &result_types::TrainingClient; }
};

struct SamplingClientResult final : Result {
  std::weak_ptr<ClientContext> ctx;
  std::string sampling_session_id;
  wire::api::RetryConfig retry;
  ResultKind kind() const override { return &result_types::SamplingClient; }
};

}  // namespace tinker

