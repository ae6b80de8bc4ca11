#include "downloads.h"

#include <cstdio>

#include "checkpoints.h"  // remove_tree
#include "crypto.h"
#include "ids.h"

namespace emu {

Downloads::Downloads(std::string dir) : dir_(std::move(dir)), key_(random_hex(32)) {
  // Files of an earlier process are unreachable (tokens and key were its own): start empty.
  remove_tree(dir_);
}

std::string Downloads::add(File file) {
  std::string token = random_hex(16);
  files_.emplace(token, std::move(file));
  return token;
}

void Downloads::remove(const std::string& token) {
  auto it = files_.find(token);
  if (it == files_.end()) return;
  std::remove(it->second.path.c_str());
  files_.erase(it);
}

std::string Downloads::signature(const std::string& token, const std::string& expires) const {
  return hmac_sha256_hex(key_, token + "\n" + expires);
}

std::string Downloads::signed_path(const std::string& token, int64_t expires_unix) const {
  std::string expires = std::to_string(expires_unix);
  return "/_emulator/downloads/" + token + "?expires=" + expires + "&sig=" + signature(token, expires);
}

Downloads::Verdict Downloads::check(const std::string& token, const std::string& expires,
                                    const std::string& sig, double now_unix, const File** file) const {
  if (!constant_time_equal(signature(token, expires), sig)) return Verdict::kBadSignature;
  // The signature covers the text of `expires`, so it is a number the emulator wrote.
  if (std::stod(expires) <= now_unix) return Verdict::kExpired;
  auto it = files_.find(token);
  if (it == files_.end()) return Verdict::kUnknown;
  *file = &it->second;
  return Verdict::kOk;
}

}  // namespace emu
