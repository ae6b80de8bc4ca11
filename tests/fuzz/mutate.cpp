#include "mutate.h"

#include <cstring>

namespace fuzz {

std::string Rng::bytes(size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(g_());
  return s;
}

namespace {

// Values that sit on the edges decoders check: zero, sign, varint and int32/int64 limits.
const uint8_t kBytes[] = {0x00, 0x01, 0x02, 0x07, 0x08, 0x0a, 0x12, 0x1a, 0x7f, 0x80, 0xfe, 0xff};
const int64_t kInts[] = {0, 1, -1, 2, 4, 8, 0x7f, 0x80, 0x7fffffff, -0x80000000LL, int64_t{1} << 32,
                         int64_t{1} << 53, INT64_MAX, INT64_MIN};

size_t pos(Rng& r, const std::string& s) { return r.below(s.size() + 1); }

void mutate_once(Rng& r, std::string& m, const std::vector<std::string>& dict,
                 const std::vector<std::string>& others) {
  switch (r.below(10)) {
    case 0:  // truncate
      m.resize(pos(r, m));
      break;
    case 1:  // flip bits
      for (size_t i = 1 + r.below(4); i > 0 && !m.empty(); --i) m[r.below(m.size())] ^= static_cast<char>(1 << r.below(8));
      break;
    case 2:  // insert random bytes
      m.insert(pos(r, m), r.bytes(1 + r.below(8)));
      break;
    case 3:  // duplicate a run
      if (!m.empty()) {
        const size_t a = r.below(m.size());
        m.insert(pos(r, m), m.substr(a, 1 + r.below(m.size() - a)));
      }
      break;
    case 4:  // delete a run
      if (!m.empty()) {
        const size_t a = r.below(m.size());
        m.erase(a, 1 + r.below(m.size() - a));
      }
      break;
    case 5:  // an interesting byte
      if (!m.empty()) m[r.below(m.size())] = static_cast<char>(kBytes[r.below(sizeof kBytes)]);
      break;
    case 6:  // an interesting int64, little-endian, over 8 bytes (byte offsets, packed values)
      if (m.size() >= 8) {
        const int64_t v = kInts[r.below(sizeof kInts / sizeof kInts[0])];
        std::memcpy(&m[r.below(m.size() - 7)], &v, 8);
      }
      break;
    case 7:
    case 8:  // a token of the format
      if (!dict.empty()) {
        const std::string& t = dict[r.below(dict.size())];
        if (r.below(2) && m.size() >= t.size()) m.replace(r.below(m.size() - t.size() + 1), t.size(), t);
        else m.insert(pos(r, m), t);
      }
      break;
    default:  // splice: our head, another seed's tail
      if (!others.empty()) {
        const std::string& o = others[r.below(others.size())];
        m = m.substr(0, pos(r, m)) + o.substr(r.below(o.size() + 1));
      }
      break;
  }
}

}  // namespace

std::string mutate(Rng& r, const std::string& s, const std::vector<std::string>& dictionary,
                   const std::vector<std::string>& others) {
  std::string m = s;
  for (size_t n = 1 + r.below(4); n > 0; --n) mutate_once(r, m, dictionary, others);
  return m;
}

}  // namespace fuzz
