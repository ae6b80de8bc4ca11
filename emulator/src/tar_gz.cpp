#include "tar_gz.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace emu {

namespace {

constexpr size_t kBlock = 512;

// A relative name of non-empty parts, none of them "." or "..", that fits the 100-byte field.
bool safe_name(const std::string& name, std::string* error) {
  if (name.empty() || name.size() >= 100 || name.front() == '/') {
    *error = "archive member name '" + name + "' must be relative and shorter than 100 bytes";
    return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) slash = name.size();
    std::string part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") {
      *error = "archive member name '" + name + "' has an empty, '.' or '..' part";
      return false;
    }
    start = slash + 1;
  }
  return true;
}

// `v` in octal, zero-padded to `width` - 1 digits, then NUL (the value must fit: sizes up to
// 8 GiB, which a checkpoint of the tiny models never nears).
void octal(char* field, size_t width, uint64_t v) {
  for (size_t i = width - 1; i-- > 0; v >>= 3) field[i] = static_cast<char>('0' + (v & 7));
  field[width - 1] = '\0';
}

// The 512-byte ustar header of one regular file.
void header(const TarFile& f, char* h) {
  std::memset(h, 0, kBlock);
  std::memcpy(h, f.name.data(), f.name.size());   // name[100]
  octal(h + 100, 8, 0644);                        // mode
  octal(h + 108, 8, 0);                           // uid
  octal(h + 116, 8, 0);                           // gid
  octal(h + 124, 12, f.bytes.size());             // size
  octal(h + 136, 12, static_cast<uint64_t>(f.mtime < 0 ? 0 : f.mtime));  // mtime
  h[156] = '0';                                   // typeflag: regular file
  std::memcpy(h + 257, "ustar", 6);               // magic "ustar\0"
  std::memcpy(h + 263, "00", 2);                  // version
  std::memcpy(h + 265, "tinker", 6);              // uname
  std::memcpy(h + 297, "tinker", 6);              // gname
  // The checksum is the byte sum with its own field read as eight spaces, written as six octal
  // digits, NUL, space.
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
  std::snprintf(h + 148, 7, "%06o", sum);
  h[154] = '\0';
  h[155] = ' ';
}

bool gzip(const std::string& in, std::string* out, std::string* error) {
  z_stream z{};
  // windowBits 15 + 16: the gzip wrapper (header and CRC-32), which tarfile's "r:gz" expects.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    *error = "cannot start gzip compression";
    return false;
  }
  out->resize(deflateBound(&z, in.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(&(*out)[0]);
  z.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&z, Z_FINISH);
  out->resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    *error = "gzip compression failed";
    return false;
  }
  return true;
}

}  // namespace

bool make_tar_gz(const std::vector<TarFile>& files, std::string* out, std::string* error) {
  std::string tar;
  char h[kBlock];
  for (const TarFile& f : files) {
    if (!safe_name(f.name, error)) return false;
    header(f, h);
    tar.append(h, kBlock);
    tar += f.bytes;
    tar.append((kBlock - f.bytes.size() % kBlock) % kBlock, '\0');
  }
  tar.append(2 * kBlock, '\0');  // the end-of-archive marker
  return gzip(tar, out, error);
}

}  // namespace emu
