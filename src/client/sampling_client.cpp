#include "client/sampling_client.h"

namespace tinker {

std::shared_ptr<FutureState> SamplingClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
}

}  // namespace tinker
