#include "ids.h"

#include <mutex>
#include <random>

namespace emu {

namespace {
std::mutex g_rng_mu;
std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}
}  // namespace

std::string random_hex(size_t n_bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n_bytes * 2);
  std::lock_guard<std::mutex> lock(g_rng_mu);
  for (size_t i = 0; i < n_bytes; ++i) {
    unsigned b = static_cast<unsigned>(rng()() & 0xFF);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

uint64_t random_u64() {
  std::lock_guard<std::mutex> lock(g_rng_mu);
  return rng()();
}

std::string random_uuid() {
  std::string h = random_hex(16);
  h[12] = '4';                                           // version 4
  h[16] = "89ab"[static_cast<unsigned char>(h[16]) % 4];  // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace emu
