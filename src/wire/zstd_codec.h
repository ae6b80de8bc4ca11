// zstd for forward_backward request bodies (`Content-Encoding: zstd`, protocol.md §1.3, §1.6):
// the client compresses when the server's client/config says proto_compress_fwdbwd; the
// emulator decompresses. The official client writes one frame at zstd's default level 3.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tinker::wire {

constexpr int kZstdDefaultLevel = 3;

// Replaces *out with one zstd frame of `in` (content size recorded in the frame header).
bool zstd_compress(std::string_view in, int level, std::string* out, std::string* err);

// Replaces *out with the decompressed content of one or more concatenated frames. Frames with
// and without a recorded content size are accepted. Fails (with *out cleared) on corrupt or
// truncated input, trailing garbage, or when the output would exceed max_size bytes. Memory
// follows the content that actually decodes: a content size claimed in a frame header is
// allocated up front only when the frame is large enough to hold it (~43,690 × its size).
bool zstd_decompress(std::string_view in, size_t max_size, std::string* out, std::string* err);

}  // namespace tinker::wire
