// forward / forward_backward bodies between the wire codecs (src/wire) and the model library
// (emulator/model): a cheap header scan of protobuf requests (for ordering and the request
// log), request -> model inputs, and model outputs -> a result renderable as protobuf or as the
// legacy JSON shape (protocol.md §1.6, §7.4, §11).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emu_model/training_types.h"
#include "jobs.h"
#include "wire/messages.h"

namespace emu {

// The top-level scalar fields of a protobuf ForwardBackwardRequest, read without decoding the
// datums (each datum is skipped by its length).
struct FwdBwdHeader {
  std::string model_id;
  int64_t seq_id = 0;  // proto3: absent = 0
  std::string loss_fn;
  bool forward_only = false;
  size_t n_datums = 0;
};
bool scan_fwdbwd_header(std::string_view body, FwdBwdHeader* out, std::string* err);

// The wire name of a chunk kind ("encoded_text", "image", ...), for messages.
const char* chunk_kind_name(tinker::wire::ChunkKind k);

// Request datums -> model datums: text chunks concatenated into the token list, sparse CSR
// loss inputs densified. Non-text chunks (images, audio) are a user error: the emulator's
// model reads text only.
bool to_model_data(const tinker::wire::ForwardBackwardRequest& req,
                   std::vector<tinker::emu::Datum>* out, std::string* err);

// Model result -> ForwardBackwardOutput with one float32 `logprobs` field per datum.
tinker::wire::ForwardBackwardOutput to_wire_output(tinker::emu::ForwardBackwardResult&& r);

// The finished job result: encoded in the preferred form (protobuf when the request was
// protobuf), convertible to the other form per poll (jobs.h JobResult::render).
JobResult fwdbwd_job_result(tinker::wire::ForwardBackwardOutput output, bool prefer_protobuf);

}  // namespace emu
