// What may reach a log line, an error message or a callback. Server text is untrusted: it may
// echo the credential, carry control characters (a forged log line, a terminal escape),
// invalid UTF-8 (which bindings cannot turn into strings) or megabytes of noise. Every such
// string passes through printable() on its way out: credentials are redacted *before* the text
// is cut, so no part of a key survives a cut that would have split it.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace tinker {

constexpr size_t kMaxMessageBytes = 4096;

// Credentials known to this process (API keys and JWTs of live clients). Redaction is
// process-wide, so a message redacts every client's credential, wherever it was made.
// Holds its strings while it lives; one per client context. Thread-safe.
class SecretSet {
 public:
  SecretSet() = default;
  ~SecretSet();
  SecretSet(const SecretSet&) = delete;
  SecretSet& operator=(const SecretSet&) = delete;

  // Starts redacting `secret` (ignored when empty or held already). Keeps the last kKept added
  // besides the first (the API key), so old JWTs stay redacted for a while after a refresh.
  void add(const std::string& secret);

 private:
  static constexpr size_t kKept = 8;
  std::mutex mu_;
  std::vector<std::string> held_;
};

// `text` with every known credential replaced by "[redacted]".
std::string redact_secrets(std::string text);

// redact_secrets, then control characters escaped ("\n" → "\\n", others "\\xHH"; tabs kept),
// invalid UTF-8 replaced by U+FFFD, then cut to at most `max_bytes` on a character boundary
// with "…" marking the cut.
std::string printable(std::string text, size_t max_bytes = kMaxMessageBytes);

}  // namespace tinker
