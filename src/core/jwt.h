// Reading (never verifying) the claims of a JWT: the SDK uses `exp` to refresh tokens and
// `sub`/`email` for whoami (protocol.md §1.2).
#pragma once

#include <optional>
#include <string>

namespace tinker {

// The decoded JSON payload (second dot-separated part, base64url), or nullopt if malformed.
std::optional<std::string> jwt_payload(const std::string& token);
// The `exp` claim in Unix seconds, or nullopt when absent or unparseable.
std::optional<double> jwt_expiry(const std::string& token);

}  // namespace tinker
