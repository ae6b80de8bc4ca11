// Model-input chunks in JSON (protocol.md §7.1), shared by every JSON body that carries a
// ModelInput: the legacy forward/backward request (wire/json_fwdbwd.h) and the sample request
// (wire/json_sample.h).
//   {"tokens": [int], "type": "encoded_text"}
//   {"data": base64, "format": "png"|"jpeg", "expected_tokens"?: int, "type": "image"}
//   {"format": ..., "location": str, "expected_tokens"?: int, "type": "image_asset_pointer"}
//   {"dmel": base64, "type": "dmel"}
#pragma once

#include <cstdint>
#include <string>

#include "wire/json_writer.h"
#include "wire/messages.h"
#include "wire/views.h"

struct cJSON;

namespace tinker::wire {

// Client side: appends one chunk object (int64 token ids are written as they are; callers
// check their range first).
void write_chunk_json(JsonWriter& w, const ChunkView& c);

// Emulator side, also used by the other request decoders: an int32 field must hold a whole
// number in range (JSON numbers are doubles), and a required string member...
bool as_int32(const cJSON* n, int32_t* out);
bool read_string(const cJSON* obj, const char* key, const std::string& what, std::string* out, std::string* err);

// ...and one chunk object; token ids must fit int32, base64 must be valid.
// `what` names the chunk in messages.
bool read_chunk_json(const cJSON* c, const std::string& what, InputChunk* out, std::string* err);

}  // namespace tinker::wire
