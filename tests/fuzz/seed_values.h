// Random valid values for the seed corpus, which the encoders in src/wire turn into bodies:
// the seeds start where real traffic is, and the mutators take them from there.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "mutate.h"
#include "seeds.h"
#include "wire/messages.h"
#include "wire/views.h"

namespace fuzz {

namespace w = tinker::wire;

// 0..5 datums sharing 1..3 fields (float or int, trailing shape [] or [k], sometimes ragged
// across datums so that the encoder writes several records), extreme values, 0..3 metrics.
w::ForwardBackwardOutput random_output(Rng& r);

// 0..3 sequences, optional logprobs and prompt logprobs (NaN at 0), sometimes a top-k matrix
// with sentinel cells.
w::SampleResponse random_sample(Rng& r);

// A request and the arrays its views borrow.
struct OwnedRequest {
  w::RequestHeader header;
  std::vector<w::DatumView> data;
  std::deque<std::vector<int32_t>> i32;  // deques: growing them never moves earlier arrays
  std::deque<std::vector<int64_t>> i64;
  std::deque<std::vector<float>> f32;
  std::deque<std::vector<uint16_t>> bf16;
  std::deque<std::string> blobs;
};

// 1..3 datums with text (int32 and int64 ids), image and dmel chunks, loss inputs of every
// dtype, shaped and sparse CSR; `json` adds image_asset_pointer chunks, which only JSON carries.
void random_request(Rng& r, bool json, OwnedRequest* out);

// Draws the value of one seed from `r` and encodes it into `body`; false when the encoder
// refuses it. `i` is the seed's number, for encoders that vary their options with it.
using EncodeRandomValue = std::function<bool(Rng& r, int i, std::string* body)>;

// Seeds valid_0 .. valid_<count - 1>, from a generator seeded with `rng_seed` so that every run
// builds the same corpus. A value the encoder refuses is left out, and its number with it.
std::vector<Seed> valid_seeds(uint64_t rng_seed, int count, const EncodeRandomValue& encode);

}  // namespace fuzz
