#include "wire/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "wire/base64.h"
#include "wire/dtype.h"

namespace tinker::wire {

namespace {

// Longest number text: int64 "-9223372036854775808" (20), float "-1.1754944e-38" (14),
// double "-2.2250738585072014e-308" (24). Arrays flush their stack buffer below this margin.
constexpr size_t kMaxNumber = 32;
constexpr size_t kArrayBuffer = 16384;

char* put_i64(char* p, int64_t v) { return std::to_chars(p, p + kMaxNumber, v).ptr; }

char* put_f32(char* p, float v) {
  if (!std::isfinite(v)) return std::copy_n("null", 4, p);
  // Readers such as cJSON parse a double and round it to float. For exactly one magnitude the
  // shortest float text rounds twice the wrong way: 7.038531e-26 reads back as the next float.
  // It is written with its (longer) double text instead. Found, and the fix confirmed, by
  // checking every float32 bit pattern (bench/encode/check_json_floats.cpp).
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  if ((bits & 0x7fffffffu) == 0x15ae43fdu) return std::to_chars(p, p + kMaxNumber, static_cast<double>(v)).ptr;
  return std::to_chars(p, p + kMaxNumber, v).ptr;
}

char* put_f64(char* p, double v) {
  if (!std::isfinite(v)) return std::copy_n("null", 4, p);
  return std::to_chars(p, p + kMaxNumber, v).ptr;
}

// Shared array loop: `put` writes one element at p and returns the end.
template <typename T, typename Put>
void put_array(std::string* out, const T* v, size_t n, Put put) {
  char buf[kArrayBuffer];
  char* p = buf;
  *p++ = '[';
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<size_t>(buf + kArrayBuffer - p) < kMaxNumber + 1) {
      out->append(buf, static_cast<size_t>(p - buf));
      p = buf;
    }
    if (i) *p++ = ',';
    p = put(p, v[i]);
  }
  *p++ = ']';
  out->append(buf, static_cast<size_t>(p - buf));
}

const char kHex[] = "0123456789abcdef";

}  // namespace

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_->push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_->push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_->push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_->push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  string(k);
  out_->push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  out_->push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_->append("\\\""); break;
      case '\\': out_->append("\\\\"); break;
      case '\n': out_->append("\\n"); break;
      case '\r': out_->append("\\r"); break;
      case '\t': out_->append("\\t"); break;
      case '\b': out_->append("\\b"); break;
      case '\f': out_->append("\\f"); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out_->append(u, 6);
      }
    }
  }
  out_->append(s.data() + run, s.size() - run);
  out_->push_back('"');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::int64(int64_t v) {
  separate();
  char buf[kMaxNumber];
  out_->append(buf, static_cast<size_t>(put_i64(buf, v) - buf));
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::float32(float v) {
  separate();
  char buf[kMaxNumber];
  out_->append(buf, static_cast<size_t>(put_f32(buf, v) - buf));
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::float64(double v) {
  separate();
  char buf[kMaxNumber];
  out_->append(buf, static_cast<size_t>(put_f64(buf, v) - buf));
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
  separate();
  out_->append(v ? "true" : "false");
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_->append("null");
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_->append(json);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::base64(const void* data, size_t n) {
  separate();
  out_->push_back('"');
  base64_encode(data, n, out_);
  out_->push_back('"');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::array_i32(const int32_t* v, size_t n) {
  separate();
  put_array(out_, v, n, [](char* p, int32_t x) { return put_i64(p, x); });
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::array_i64(const int64_t* v, size_t n) {
  separate();
  put_array(out_, v, n, put_i64);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::array_f32(const float* v, size_t n) {
  separate();
  put_array(out_, v, n, put_f32);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::array_bf16(const uint16_t* v, size_t n) {
  separate();
  put_array(out_, v, n, [](char* p, uint16_t x) { return put_f32(p, bf16_to_float(x)); });
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::array_f64(const double* v, size_t n) {
  separate();
  put_array(out_, v, n, put_f64);
  need_comma_ = true;
  return *this;
}

}  // namespace tinker::wire
