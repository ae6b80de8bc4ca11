// X-API-Key handling (protocol.md §1.2): any `tml-` key is a user of its own; JWTs minted by
// POST /api/v1/auth/token map back to the user whose key asked for them. Logs and admin replies
// use the anonymous ids ("u1", "u2", ...). A key's user is kept in the database (table users) so
// that the same key is the same user after a restart: the table stores a salted SHA-256 of the
// key, never the key itself, which lives only in this object's memory. JWTs are not stored:
// after a restart a client exchanges its key again. Loop-thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "db.h"

namespace emu {

class Auth {
 public:
  explicit Auth(Db& db);

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
  // The user of a key already in the database, or "".
  std::string stored_user(const std::string& key) const;
  std::string key_hash(const std::string& key) const;

  struct Token {
    std::string user;
    int64_t exp = 0;  // unix seconds
  };
  Db& db_;
  std::string salt_;
  // A cache of the users table by key (filled as keys are seen).
  mutable std::unordered_map<std::string, std::string> key_users_;
  std::unordered_map<std::string, Token> tokens_;
};

}  // namespace emu
