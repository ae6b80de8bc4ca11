// Writes the seed corpus of every harness as files, for libFuzzer (scripts/fuzz.sh):
// <dir>/<target>/<seed name> and the dictionary <dir>/<target>.dict.
//
//   fuzz_write_corpus <dir>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "seeds.h"

namespace {

// libFuzzer's dictionary syntax: one "quoted" token a line, bytes outside printable ASCII as \xNN.
std::string dict_line(const std::string& token) {
  std::string line = "\"";
  for (unsigned char c : token) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      line += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      line += buf;
    }
  }
  return line + "\"\n";
}

bool write(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_write_corpus <dir>\n";
    return 2;
  }
  const std::string dir = argv[1];
  mkdir(dir.c_str(), 0755);
  for (const std::string& target : fuzz::fuzz_targets()) {
    const std::string sub = dir + "/" + target;
    mkdir(sub.c_str(), 0755);
    for (const fuzz::Seed& s : fuzz::seeds_for(target))
      if (!write(sub + "/" + s.name, s.bytes)) {
        std::cerr << "cannot write " << sub << "/" << s.name << "\n";
        return 1;
      }
    std::string dict;
    for (const std::string& t : fuzz::dictionary_for(target))
      if (!t.empty()) dict += dict_line(t);  // libFuzzer refuses an empty entry
    if (!write(dir + "/" + target + ".dict", dict)) return 1;
  }
  return 0;
}
