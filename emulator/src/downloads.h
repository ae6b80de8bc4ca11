// Files the emulator hands out at signed, expiring URLs: checkpoint archives (GET …/archive)
// and session trace exports (GET sessions/{id}/trace_export). They are served by
// GET /_emulator/downloads/{token}?expires=<unix seconds>&sig=<hex> without authentication,
// like a cloud store's pre-signed URL: the signature is HMAC-SHA256 over "<token>\n<expires>"
// with a key made at start-up, so nobody can forge a URL or stretch its expiry, and a URL
// stops working once it expires. docs/emulator.md "Downloads". Loop-thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace emu {

class Downloads {
 public:
  struct File {
    std::string path;          // on disk
    std::string content_type;  // e.g. application/gzip
    std::string filename;      // Content-Disposition's name
  };

  // Files live under `dir` (created when needed).
  explicit Downloads(std::string dir);

  const std::string& dir() const { return dir_; }
  // A new token for `file`.
  std::string add(File file);
  // Forgets the token and deletes its file.
  void remove(const std::string& token);

  // "/_emulator/downloads/<token>?expires=<expires_unix>&sig=<hex>".
  std::string signed_path(const std::string& token, int64_t expires_unix) const;

  enum class Verdict { kOk, kBadSignature, kExpired, kUnknown };
  // Checks a request for `token` with the query values `expires` and `sig` at `now_unix`: the
  // signature first (a tampered URL says nothing about what exists), then the expiry, then
  // whether the file is still there. *file is set for kOk.
  Verdict check(const std::string& token, const std::string& expires, const std::string& sig,
                double now_unix, const File** file) const;

 private:
  std::string signature(const std::string& token, const std::string& expires) const;

  std::string dir_;
  std::string key_;
  std::map<std::string, File> files_;
};

}  // namespace emu
