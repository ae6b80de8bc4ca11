// X-API-Key handling (protocol.md §1.2): any `tml-` key is a user of its own; JWTs minted by
// POST /api/v1/auth/token map back to the user whose key asked for them. Keys live only in
// this table's memory: logs and admin replies use the anonymous ids ("u1", "u2", ...).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace emu {

class Auth {
 public:
  struct Result {
    bool ok = false;
    std::string user;   // anonymous id when ok
    std::string error;  // reason when not ok (never contains the credential)
  };

  // `require_jwt`: only an issued, unexpired JWT is accepted (pjwt_auth_enabled mode).
  Result check(const char* header_value, bool require_jwt);
  // The anonymous id for a credential, or "" when it is neither a tml- key nor an issued JWT.
  // Does not register new keys; used by the request log.
  std::string peek_user(const char* header_value) const;

  // Mints an unsigned-looking JWT `eyJ...` with sub/email/iss/iat/exp claims for `user`.
  std::string issue_jwt(const std::string& user, int64_t ttl_sec);

 private:
  static bool looks_like_key(const std::string& v);
  std::string user_for_key(const std::string& key);

  struct Token {
    std::string user;
    int64_t exp = 0;  // unix seconds
  };
  uint64_t next_user_ = 1;
  std::unordered_map<std::string, std::string> key_users_;
  std::unordered_map<std::string, Token> tokens_;
};

}  // namespace emu
