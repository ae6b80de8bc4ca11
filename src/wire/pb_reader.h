// A bounds-checked protobuf wire-format reader for the hand-written decoders. It never reads
// past the buffer it was given; malformed input (bad varint, length past the end, invalid wire
// type, unbalanced groups) ends the walk with an error message. Unknown fields of every wire
// type, including groups, are skipped by the caller simply not looking at them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/pb_writer.h"

namespace tinker::wire::pb {

struct Field {
  uint32_t number = 0;
  WireType type = VARINT;
  uint64_t value = 0;     // VARINT, I64, I32 payloads
  std::string_view bytes; // LEN payload (points into the reader's buffer)
};

class Reader {
 public:
  // `what` names the message for error messages ("SampleResponse.sequences[2]").
  Reader(std::string_view buf, std::string what) : p_(ptr(buf.data())), end_(p_ + buf.size()),
                                                   what_(std::move(what)) {}

  // Reads the next field into *f. Returns false at the end of the buffer (error() empty) or on
  // malformed input (error() set). Groups are skipped whole and never returned.
  bool next(Field* f);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& what() const { return what_; }

  // Records a semantic error found by the caller ("field 3: ...") and returns false.
  bool fail(const std::string& msg);

 private:
  static const uint8_t* ptr(const char* c) { return reinterpret_cast<const uint8_t*>(c); }
  bool read_varint(uint64_t* v);
  bool read_tag(uint32_t* tag);
  bool skip_group(uint32_t number, int depth);

  const uint8_t* p_;
  const uint8_t* end_;
  std::string what_;
  std::string error_;
};

// Appends the values of a repeated int64 field occurrence, accepting both the packed (LEN)
// and the unpacked (VARINT) encodings, as protobuf parsers must. Other wire types are ignored
// (an unknown field in protobuf terms).
bool append_repeated_int64(const Field& f, std::vector<int64_t>* out, std::string* err);

// The number of values append_repeated_int64 would append, with the same errors, without
// storing them: a decoder that caps a repeated field's length checks first, so a hostile
// field cannot make it hold ~8 bytes per byte of body.
bool count_repeated_int64(const Field& f, size_t* n, std::string* err);

// Reads a map<string, X> entry: key (field 1) and value (field 2). A missing key or value takes
// the proto3 default ("", an empty message, 0.0). A message value may occur more than once in
// one entry; protobuf merges the occurrences, which callers get by parsing every part, in order,
// into the same object.
struct MapEntry {
  std::string_view key;
  std::vector<std::string_view> message_parts;  // LEN occurrences of the value
  double double_value = 0;                       // the last I64 occurrence of the value
};
bool read_map_entry(std::string_view entry, const std::string& what, MapEntry* out,
                    std::string* err);

// Packed little-endian arrays in a bytes field.
bool bytes_to_f32(std::string_view b, std::vector<float>* out, const char* what,
                  std::string* err);
bool bytes_to_i32(std::string_view b, std::vector<int32_t>* out, const char* what,
                  std::string* err);
bool bytes_to_i64(std::string_view b, std::vector<int64_t>* out, const char* what,
                  std::string* err);

}  // namespace tinker::wire::pb
