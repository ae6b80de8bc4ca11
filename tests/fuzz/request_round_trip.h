// Round trips of a decoded ForwardBackwardRequest through the client's two encoders, shared by
// the protobuf and the JSON request harnesses. Each returns "" when the request comes back
// unchanged, or when the encoder refused it for a documented reason; otherwise what went wrong.
#pragma once

#include <string>

#include "wire/messages.h"

namespace fuzz {

// Protobuf has no image_asset_pointer chunk, and both encoders accept only png / jpeg images.
std::string through_protobuf(const tinker::wire::ForwardBackwardRequest& req);
// Skipped (returns "") for what JSON cannot carry exactly: NUL in a string (cJSON ends strings
// there) and integers beyond ±2^53 (cJSON reads numbers as doubles; docs/wire.md).
std::string through_json(const tinker::wire::ForwardBackwardRequest& req);

}  // namespace fuzz
