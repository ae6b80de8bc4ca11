// Test support for src/wire (include it last, after any other header): a seeded random source, randomly generated inputs that own their
// memory (the codec only borrows it), libprotobuf message builders that follow the spec
// independently of the codec under test, and CMocka comparison helpers.
#pragma once

#include <cjson/cJSON.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tinker_public.pb.h"
#include "wire/base64.h"
#include "wire/estimate.h"
#include "wire/fwdbwd_output.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"
#include "wire/json_tensor.h"
#include "wire/json_writer.h"
#include "wire/messages.h"
#include "wire/sample_response.h"
#include "wire/views.h"
#include "wire/zstd_codec.h"

// CMocka last: its macros (fail, ...) clash with names in the headers above.
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

namespace wiretest {

namespace tp = tinker_public;
namespace w = tinker::wire;

// Every randomized test starts from a fixed seed, so a failure reproduces.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t u64() { return g_(); }
  // Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(g_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(0, 99) < percent; }
  std::string bytes(size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(g_());
    return s;
  }
  // Printable ASCII plus some UTF-8 (proto3 strings must be valid UTF-8).
  std::string text(size_t max_len);
  // Random bit patterns, including NaNs, infinities, subnormals and -0.
  float any_float() {
    uint32_t b = static_cast<uint32_t>(g_());
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  double any_double() {
    uint64_t b = g_();
    double d;
    std::memcpy(&d, &b, 8);
    return d;
  }
  // Values that exercise every varint length and the int32 limits.
  int32_t any_int32();
  int64_t any_int64();

 private:
  std::mt19937_64 g_;
};

// Random datum whose arrays live here, with a view of them.
struct OwnedDatum {
  std::deque<std::string> blobs;  // deque: pushing never moves earlier elements
  std::deque<std::vector<int32_t>> i32;
  std::deque<std::vector<int64_t>> i64;
  std::deque<std::vector<float>> f32;
  std::deque<std::vector<uint16_t>> bf16;
  w::DatumView view;
};

struct GenOptions {
  bool allow_asset_pointers = false;
  bool allow_empty_names = true;
};

std::unique_ptr<OwnedDatum> random_datum(Rng& r, const GenOptions& opt = {});
w::RequestHeader random_header(Rng& r);

// libprotobuf messages built straight from the views, the way the official client's
// request_conv does (protocol.md §1.6.1), independently of the hand-written encoder.
void to_proto(const w::DatumView& d, tp::Datum* m);
void to_proto(const w::RequestHeader& h, const std::vector<w::DatumView>& data,
              tp::ForwardBackwardRequest* m);
void to_proto(const w::SampleResponse& s, tp::SampleResponse* m);

// Sprinkles unknown fields (varint, fixed32, fixed64, length-delimited, groups, all with field
// numbers the schema does not use) into every message of a request / result.
void add_unknown_fields(Rng& r, tp::ForwardBackwardRequest* m);
void add_unknown_fields(Rng& r, tp::ForwardBackwardOutput* m);
void add_unknown_fields(Rng& r, tp::SampleResponse* m);

std::string serialize_deterministic(const google::protobuf::MessageLite& m);

// The bytes a tensor view holds, as they must appear on the wire.
std::string tensor_bytes(const w::TensorView& t);
// int32 LE bytes of a token chunk (int64 ids narrowed).
std::string token_bytes(const w::ChunkView& c);

// Widened values of a tensor view, as a decoder must produce them.
void widened(const w::TensorView& t, std::vector<float>* f32, std::vector<int64_t>* i64);

// Bitwise float comparison (NaN payloads included).
void assert_same_floats(const std::vector<float>& a, const std::vector<float>& b);
void assert_same_doubles(double a, double b);

// Decoded request == the view it was made from (tensors compared after widening).
void assert_datum_equals_view(const w::InputDatum& got, const w::DatumView& want);
void assert_requests_equal(const w::ForwardBackwardRequest& a, const w::ForwardBackwardRequest& b);
void assert_outputs_equal(const w::ForwardBackwardOutput& a, const w::ForwardBackwardOutput& b);
void assert_samples_equal(const w::SampleResponse& a, const w::SampleResponse& b);

// ---- reference decoders ---------------------------------------------------------------
// The decoding rules of protocol.md §1.6.1 (and the codec's documented strictness) applied to
// a message libprotobuf parsed. Independent of src/wire's decoders; false = must be rejected.
bool reference_decode(const tp::ForwardBackwardOutput& m, w::ForwardBackwardOutput* out);
bool reference_decode(const tp::SampleResponse& m, w::SampleResponse* out);
bool reference_decode(const tp::ForwardBackwardRequest& m, w::ForwardBackwardRequest* out);

// A random ForwardBackwardOutput message with 0..3 records, all four dtypes, trailing shapes,
// num_datums set or 0, metrics, and an output type with or without a module prefix. Always
// valid under the decoding rules.
void random_output_message(Rng& r, tp::ForwardBackwardOutput* m);
// A random valid SampleResponse value.
w::SampleResponse random_sample_response(Rng& r);
// A random valid decoded ForwardBackwardOutput (what the emulator would encode).
w::ForwardBackwardOutput random_output_value(Rng& r);

}  // namespace wiretest
