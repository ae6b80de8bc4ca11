// The emulator's own JSON conventions, on top of the helpers it shares with the library
// (wire/json.h, namespace tinker::json, known here as emu::json): how request bodies are
// parsed, and the body every error reply carries.
#pragma once

#include <string>

#include "wire/json.h"

namespace emu {

namespace json = ::tinker::json;

// A request body as a JSON document; null with *error (when not null) saying why when it is
// not one ("invalid JSON near byte N", "trailing characters after JSON value"). Whitespace and
// NUL bytes may follow the document.
json::Ptr parse_body(const std::string& payload, std::string* error);

// {"error": message, "code": code}. Every error reply carries a body (an empty 400 means
// "Cloudflare rejected the connection" to the SDK, protocol.md §1.5).
std::string json_error_body(const std::string& message, const std::string& code);

}  // namespace emu
