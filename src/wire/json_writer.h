// A streaming JSON writer that appends straight into a std::string (docs/wire.md):
// no node per value, integers and floats formatted with std::to_chars (shortest text that reads
// back to the same value), whole numeric arrays written through a stack buffer. Used for the
// legacy JSON forward/backward bodies (protocol.md §11), where arrays hold millions of numbers.
//
// The writer only tracks commas; callers are responsible for well-formed nesting. Non-finite
// floats have no JSON form and are written as null.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinker::wire {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& string(std::string_view s);
  JsonWriter& int64(int64_t v);
  JsonWriter& float32(float v);   // shortest text that parses back to the same float
  JsonWriter& float64(double v);  // shortest text that parses back to the same double
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  JsonWriter& raw(std::string_view json);  // an already-encoded value
  JsonWriter& base64(const void* data, size_t n);  // standard alphabet, padded, as a string

  // Whole arrays: `[v0,v1,...]`.
  JsonWriter& array_i32(const int32_t* v, size_t n);
  JsonWriter& array_i64(const int64_t* v, size_t n);
  JsonWriter& array_f32(const float* v, size_t n);
  JsonWriter& array_bf16(const uint16_t* v, size_t n);  // widened to float32 values
  JsonWriter& array_f64(const double* v, size_t n);

 private:
  void separate() {
    if (need_comma_) out_->push_back(',');
  }

  std::string* out_;
  bool need_comma_ = false;  // a value was written at the current level
};

}  // namespace tinker::wire
