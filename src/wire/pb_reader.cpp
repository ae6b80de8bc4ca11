#include "wire/pb_reader.h"

#include <cstring>

namespace tinker::wire::pb {

namespace {
// Groups are a proto2 relic; nobody sends them to us, but a conforming parser skips them.
// Bounded so that a hostile body cannot recurse deeply.
constexpr int kMaxGroupDepth = 32;
}  // namespace

bool Reader::fail(const std::string& msg) {
  if (error_.empty()) error_ = what_ + ": " + msg;
  return false;
}

bool Reader::read_varint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p_ == end_) return fail("truncated varint");
    uint8_t b = *p_++;
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = result;
      return true;
    }
  }
  return fail("varint longer than 10 bytes");
}

// Tags are at most five varint bytes; like libprotobuf, bits past 32 in the fifth byte are
// dropped rather than rejected.
bool Reader::read_tag(uint32_t* tag) {
  uint32_t result = 0;
  for (int i = 0; i < 5; ++i) {
    if (p_ == end_) return fail("truncated tag");
    uint8_t b = *p_++;
    result |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *tag = result;
      return true;
    }
  }
  return fail("tag longer than 5 bytes");
}

bool Reader::skip_group(uint32_t number, int depth) {
  if (depth > kMaxGroupDepth) return fail("groups nested too deeply");
  for (;;) {
    if (p_ == end_) return fail("unterminated group (field " + std::to_string(number) + ")");
    uint32_t key;
    if (!read_tag(&key)) return false;
    uint32_t wt = static_cast<uint32_t>(key & 7);
    uint32_t num = key >> 3;
    if (num == 0) return fail("field number 0 in group");
    switch (wt) {
      case VARINT: {
        uint64_t ignored;
        if (!read_varint(&ignored)) return false;
        break;
      }
      case I64:
        if (end_ - p_ < 8) return fail("truncated fixed64 field");
        p_ += 8;
        break;
      case I32:
        if (end_ - p_ < 4) return fail("truncated fixed32 field");
        p_ += 4;
        break;
      case LEN: {
        uint64_t len;
        if (!read_varint(&len)) return false;
        if (len > static_cast<uint64_t>(end_ - p_)) return fail("length past the end of the buffer");
        p_ += len;
        break;
      }
      case SGROUP:
        if (!skip_group(num, depth + 1)) return false;
        break;
      case EGROUP:
        if (num != number) return fail("mismatched end-group tag");
        return true;
      default:
        return fail("invalid wire type " + std::to_string(wt));
    }
  }
}

bool Reader::next(Field* f) {
  for (;;) {
    if (!error_.empty() || p_ == end_) return false;
    uint32_t key;
    if (!read_tag(&key)) return false;
    uint32_t wt = static_cast<uint32_t>(key & 7);
    uint32_t num = key >> 3;
    if (num == 0) return fail("field number 0");
    f->number = num;
    f->type = static_cast<WireType>(wt);
    f->value = 0;
    f->bytes = {};
    switch (wt) {
      case VARINT:
        return read_varint(&f->value);
      case I64:
        if (end_ - p_ < 8) return fail("truncated fixed64 field " + std::to_string(num));
        f->value = load_u64le(p_);
        p_ += 8;
        return true;
      case I32:
        if (end_ - p_ < 4) return fail("truncated fixed32 field " + std::to_string(num));
        f->value = load_u32le(p_);
        p_ += 4;
        return true;
      case LEN: {
        uint64_t len;
        if (!read_varint(&len)) return false;
        if (len > static_cast<uint64_t>(end_ - p_))
          return fail("field " + std::to_string(num) + ": length " + std::to_string(len) +
                      " past the end of the buffer");
        f->bytes = std::string_view(reinterpret_cast<const char*>(p_), static_cast<size_t>(len));
        p_ += len;
        return true;
      }
      case SGROUP:
        if (!skip_group(num, 1)) return false;
        continue;  // groups are never ours: skip and read on
      case EGROUP:
        return fail("end-group tag without a group");
      default:
        return fail("invalid wire type " + std::to_string(wt) + " (field " + std::to_string(num) +
                    ")");
    }
  }
}

namespace {
// Walks the values of one occurrence of a repeated int64 field; `sink(v)` gets each one.
template <typename Sink>
bool walk_repeated_int64(const Field& f, std::string* err, Sink sink) {
  if (f.type == VARINT) {
    sink(f.value);
    return true;
  }
  if (f.type != LEN) return true;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(f.bytes.data());
  const uint8_t* end = p + f.bytes.size();
  while (p < end) {
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (p == end || shift >= 64) {
        *err = "malformed packed int64 field " + std::to_string(f.number);
        return false;
      }
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    sink(v);
  }
  return true;
}
}  // namespace

bool append_repeated_int64(const Field& f, std::vector<int64_t>* out, std::string* err) {
  return walk_repeated_int64(f, err, [&](uint64_t v) { out->push_back(static_cast<int64_t>(v)); });
}

bool count_repeated_int64(const Field& f, size_t* n, std::string* err) {
  *n = 0;
  return walk_repeated_int64(f, err, [&](uint64_t) { ++*n; });
}

bool read_map_entry(std::string_view entry, const std::string& what, MapEntry* out,
                    std::string* err) {
  Reader r(entry, what);
  Field f;
  *out = MapEntry{};
  while (r.next(&f)) {
    if (f.number == 1 && f.type == LEN) out->key = f.bytes;
    else if (f.number == 2 && f.type == LEN) out->message_parts.push_back(f.bytes);
    else if (f.number == 2 && f.type == I64) std::memcpy(&out->double_value, &f.value, 8);
  }
  if (r.failed()) {
    *err = r.error();
    return false;
  }
  return true;
}

namespace {
template <typename T>
bool bytes_to(std::string_view b, std::vector<T>* out, const char* what, std::string* err) {
  if (b.size() % sizeof(T) != 0) {
    *err = std::string(what) + ": " + std::to_string(b.size()) + " bytes is not a whole number of " +
           std::to_string(sizeof(T)) + "-byte elements";
    return false;
  }
  out->resize(b.size() / sizeof(T));
  if (!b.empty()) std::memcpy(out->data(), b.data(), b.size());
  return true;
}
}  // namespace

bool bytes_to_f32(std::string_view b, std::vector<float>* out, const char* what,
                  std::string* err) {
  return bytes_to(b, out, what, err);
}
bool bytes_to_i32(std::string_view b, std::vector<int32_t>* out, const char* what,
                  std::string* err) {
  return bytes_to(b, out, what, err);
}
bool bytes_to_i64(std::string_view b, std::vector<int64_t>* out, const char* what,
                  std::string* err) {
  return bytes_to(b, out, what, err);
}

}  // namespace tinker::wire::pb
