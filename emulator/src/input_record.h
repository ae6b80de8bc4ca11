// A bounded record of the forward / forward_backward requests a model executed, as the
// emulator decoded them (GET /_emulator/inputs, docs/emulator.md): what a test needs to see
// that a client sent the loss inputs it meant to (e.g. weights = -gradient for a custom loss).
// Off unless the `record_inputs` setting is > 0, so benchmarks pay nothing.
//
// Written by job bodies on workers (in the model's seq_id order), read on the loop thread:
// guarded by its own mutex, never held while the model computes.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "wire/messages.h"

namespace emu {

class InputRecord {
 public:
  // Appends `req` and drops the oldest entries beyond `keep`. `encoding` says how the body
  // arrived: "protobuf" or "json", with "+zstd" when it was compressed.
  void add(const tinker::wire::ForwardBackwardRequest& req, const std::string& encoding,
           size_t keep);
  // The recorded requests, oldest first, as a JSON array.
  std::string to_json() const;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> entries_;  // each a rendered JSON object
};

}  // namespace emu
