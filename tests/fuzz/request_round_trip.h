// Round trips of a decoded ForwardBackwardRequest through the client's two encoders, shared by
// the protobuf and the JSON request harnesses. Each returns "" when the request comes back
// unchanged, or when the encoder refused it for a documented reason; otherwise what went wrong.
#pragma once

#include <string>
#include <string_view>

#include "wire/messages.h"

namespace fuzz {

// Protobuf has no image_asset_pointer chunk, and both encoders accept only png / jpeg images.
std::string through_protobuf(const tinker::wire::ForwardBackwardRequest& req);
// Skipped (returns "") for what JSON cannot carry exactly: NUL in a string (cJSON ends strings
// there) and integers beyond ±2^53 (cJSON reads numbers as doubles; docs/wire.md).
std::string through_json(const tinker::wire::ForwardBackwardRequest& req);

using RequestDecoder = bool (*)(std::string_view body, tinker::wire::ForwardBackwardRequest* out, std::string* err);
using RequestRoundTrip = std::string (*)(const tinker::wire::ForwardBackwardRequest& req);

// The property of both request harnesses: `decode` refuses `body` with a message, or what it
// accepts survives both round trips. The harness's own format goes `first`, so that when both
// round trips break, the failure reported is the one of the decoder under test.
void check_request_decoder(std::string_view body, RequestDecoder decode, RequestRoundTrip first,
                           RequestRoundTrip second);

}  // namespace fuzz
