// SamplingClient: the operations of one sampling session (docs/protocol.md §5.5, §6.8): sample
// (P1) and compute_logprobs (P2) through the sampling retry layers (§4.3, §4.4, §6.9), and the
// registry's plain operations (P3) through run().
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "client/json_op.h"
#include "client/sample_handler.h"
#include "core/client_context.h"
#include "wire/api_messages.h"
#include "wire/json_sample.h"
#include "wire/views.h"

namespace tinker {

class SamplingClient {
 public:
  SamplingClient(std::shared_ptr<ClientContext> ctx, std::string sampling_session_id, wire::api::RetryConfig retry);

  const std::string& sampling_session_id() const { return sampling_session_id_; }
  const wire::api::RetryConfig& retry() const { return retry_; }
  const std::shared_ptr<ClientContext>& context() const { return ctx_; }

  // P1. The prompt is encoded now (the caller may free it on return); bad input fails fast
  // (null future, `err` set).
  std::shared_ptr<FutureState> sample(const std::vector<wire::ChunkView>& prompt, int64_t num_samples,
                                      const wire::SamplingParams& params, bool prompt_logprobs,
                                      int64_t topk_prompt_logprobs, Error* err);
  // P2: sample with one sample of one token and prompt logprobs; the result is those logprobs.
  std::shared_ptr<FutureState> compute_logprobs(const std::vector<wire::ChunkView>& prompt, Error* err);
  // P4 (client/get_tokenizer.cpp).
  std::shared_ptr<FutureState> get_tokenizer();

  // A plain operation of the registry; `path` is op.path with its parameters filled in.
  std::shared_ptr<FutureState> run(const JsonOp& op, const BodyFn& body, std::string path = "");

 // What one sample call sends and returns (sampling_client.cpp).
  struct Request;

 private:
  // What sample and compute_logprobs share: the prompt encoded once, its size estimate.
  bool prepare(const char* what, const std::vector<wire::ChunkView>& prompt, Request* req, Error* err);
  std::shared_ptr<FutureState> start(Request request, Error* err);

  std::shared_ptr<ClientContext> ctx_;
  std::string sampling_session_id_;
  wire::api::RetryConfig retry_;
  std::shared_ptr<SampleHandler> handler_;
  // Sampling seq_ids: from 0, one per attempt (§5.3); shared with the operations in flight.
  std::shared_ptr<std::atomic<int64_t>> next_seq_id_ = std::make_shared<std::atomic<int64_t>>(0);
};

}  // namespace tinker
