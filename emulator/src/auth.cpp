#include "auth.h"

#include <chrono>

#include "crypto.h"
#include "ids.h"
#include "json_body.h"
#include "wire/base64.h"

namespace emu {

namespace {
int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

namespace {
std::string new_salt() { return random_hex(16); }
}  // namespace

Auth::Auth(Db& db) : db_(db), salt_(db.meta("key_salt", new_salt)) {}

std::string Auth::key_hash(const std::string& key) const { return sha256_hex(salt_ + key); }

std::string Auth::stored_user(const std::string& key) const {
  Db::Use use(db_);
  Db::Stmt s(db_, "SELECT n FROM users WHERE key_hash = ?1");
  s.bind(1, key_hash(key));
  if (!s.step()) return "";
  std::string id = "u" + std::to_string(s.i64(0));
  key_users_.emplace(key, id);
  return id;
}

bool Auth::looks_like_key(const std::string& v) {
  return v.size() > 4 && v.compare(0, 4, "tml-") == 0;
}

std::string Auth::user_for_key(const std::string& key) {
  auto it = key_users_.find(key);
  if (it != key_users_.end()) return it->second;
  std::string known = stored_user(key);
  if (!known.empty()) return known;
  Db::Use use(db_);
  Db::Stmt(db_, "INSERT INTO users (key_hash, created_unix) VALUES (?1, ?2)")
      .bind(1, key_hash(key))
      .bind(2, static_cast<double>(unix_now()))
      .run();
  std::string id = "u" + std::to_string(db_.last_insert_rowid());
  key_users_.emplace(key, id);
  return id;
}

Auth::Result Auth::check(const char* header_value, bool require_jwt) {
  Result r;
  if (header_value == nullptr || *header_value == '\0') {
    r.error = "missing X-API-Key header";
    return r;
  }
  std::string v(header_value);
  auto t = tokens_.find(v);
  if (t != tokens_.end()) {
    if (t->second.exp <= unix_now()) {
      r.error = "JWT expired; exchange your API key again at /api/v1/auth/token";
      return r;
    }
    r.ok = true;
    r.user = t->second.user;
    return r;
  }
  if (v.compare(0, 3, "eyJ") == 0) {
    r.error = "unknown JWT (not issued by this server)";
    return r;
  }
  if (!looks_like_key(v)) {
    r.error = "malformed API key: expected a key starting with \"tml-\"";
    return r;
  }
  if (require_jwt) {
    r.error = "JWT authentication is enabled: exchange the API key at /api/v1/auth/token";
    return r;
  }
  r.ok = true;
  r.user = user_for_key(v);
  return r;
}

std::string Auth::peek_user(const char* header_value) const {
  if (header_value == nullptr) return "";
  std::string v(header_value);
  auto t = tokens_.find(v);
  if (t != tokens_.end()) return t->second.user;
  auto k = key_users_.find(v);
  if (k != key_users_.end()) return k->second;
  // A key seen before a restart is still its user (weights_access_token, the request log).
  return looks_like_key(v) ? stored_user(v) : "";
}

std::string Auth::issue_jwt(const std::string& user, int64_t ttl_sec) {
  int64_t now = unix_now();
  json::Ptr header = json::new_object();
  cJSON_AddStringToObject(header.get(), "alg", "HS256");
  cJSON_AddStringToObject(header.get(), "typ", "JWT");
  json::Ptr payload = json::new_object();
  cJSON_AddStringToObject(payload.get(), "iss", "tinker-emulator");
  cJSON_AddStringToObject(payload.get(), "sub", ("emulator-user-" + user).c_str());
  cJSON_AddStringToObject(payload.get(), "email", (user + "@tinker-emulator.invalid").c_str());
  cJSON_AddNumberToObject(payload.get(), "iat", static_cast<double>(now));
  cJSON_AddNumberToObject(payload.get(), "exp", static_cast<double>(now + ttl_sec));
  cJSON_AddStringToObject(payload.get(), "jti", random_hex(8).c_str());
  // The signature is random bytes: clients never verify it (§1.2), and the server looks the
  // whole token up in its table rather than checking a MAC.
  std::string sig_bytes;
  std::string hex = random_hex(32);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    sig_bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  auto segment = [](const std::string& bytes) {
    std::string s;
    tinker::wire::base64url_encode(bytes.data(), bytes.size(), &s);
    return s;
  };
  std::string token = segment(json::dump(header.get())) + "." +
                      segment(json::dump(payload.get())) + "." + segment(sig_bytes);
  tokens_[token] = Token{user, now + ttl_sec};
  return token;
}

}  // namespace emu
