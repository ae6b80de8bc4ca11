// How the tokenizer's layers report a refusal: an exception carrying the C status, thrown while
// loading or encoding and turned into the error record at the C boundary (capi_tokenizer.cpp).
#pragma once

#include <stdexcept>
#include <string>

#include "tinker/common.h"

namespace tinker::tok {

class TokenizerError : public std::runtime_error {
 public:
  TokenizerError(tinker_status_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
  tinker_status_t code() const { return code_; }

 private:
  tinker_status_t code_;
};

// A tokenizer.json that breaks its format (INVALID_ARGUMENT).
[[noreturn]] inline void bad_file(const std::string& message) {
  throw TokenizerError(TINKER_E_INVALID_ARGUMENT, message);
}

// A component this library does not implement (UNIMPLEMENTED), named in the message.
[[noreturn]] inline void unimplemented(const std::string& what) {
  throw TokenizerError(TINKER_E_UNIMPLEMENTED, what + " is not supported by libtinker's tokenizer (docs/tokenizer.md)");
}

}  // namespace tinker::tok
