#include "client/training_types.h"

namespace tinker {

std::unique_ptr<tinker_forward_backward_output> to_result(wire::ForwardBackwardOutput&& o) {
  auto r = std::make_unique<tinker_forward_backward_output>();
  r->loss_fn_output_type = std::move(o.loss_fn_output_type);
  r->outputs.reserve(o.outputs.size());
  for (wire::LossFnOutput& datum : o.outputs) {
    std::vector<std::pair<std::string, tinker_tensor>> fields;
    fields.reserve(datum.size());
    for (auto& [name, tensor] : datum) fields.emplace_back(std::move(name), tinker_tensor{std::move(tensor)});
    r->outputs.push_back(std::move(fields));
  }
  r->metrics.items = std::move(o.metrics);
  return r;
}

}  // namespace tinker
