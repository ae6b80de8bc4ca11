// Exhaustive check behind JsonWriter's float32 output (docs/wire.md "JSON"): every finite
// float32 bit pattern is written by JsonWriter, read back the way cJSON does (parse a double,
// round to float), and compared bit for bit. Not a test: it takes minutes. Usage:
//   check_json_floats            all 2^32 patterns
//   check_json_floats STEP       every STEP-th pattern (a quick sample)
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "wire/json_writer.h"

int main(int argc, char** argv) {
  const uint64_t step = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  uint64_t checked = 0, bad = 0;
  std::string s;
  for (uint64_t b = 0; b <= 0xffffffffu; b += step) {
    const uint32_t u = static_cast<uint32_t>(b);
    float f;
    std::memcpy(&f, &u, 4);
    if (!std::isfinite(f)) continue;
    s.clear();
    tinker::wire::JsonWriter(&s).float32(f);
    double d = 0;
    std::from_chars(s.data(), s.data() + s.size(), d);
    const float g = static_cast<float>(d);
    ++checked;
    if (std::memcmp(&g, &f, 4) != 0 && ++bad <= 10) std::printf("mismatch: %08x written as %s\n", u, s.c_str());
  }
  std::printf("checked %llu finite float32 values: %llu mismatches\n", static_cast<unsigned long long>(checked),
              static_cast<unsigned long long>(bad));
  return bad != 0;
}
