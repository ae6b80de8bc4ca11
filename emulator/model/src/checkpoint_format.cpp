#include "checkpoint_format.h"

#include <cstring>

#include "hash_rng.h"

namespace tinker::emu {

namespace {

constexpr char kMagic[8] = {'T', 'K', 'E', 'M', 'U', 'C', 'K', 'P'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kFlagOptimizer = 1u << 0;
constexpr uint32_t kFlagSynthetic = 1u << 1;

class Writer {
 public:
  void bytes(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void f64s(const std::vector<double>& v) {
    for (double x : v) f64(x);
  }
  std::string& out() { return out_; }

 private:
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Bounds-checked reader: every read fails cleanly (ok() turns false) past the end.
class Reader {
 public:
  Reader(const char* p, size_t n) : p_(reinterpret_cast<const unsigned char*>(p)), n_(n) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return n_ - pos_; }
  bool take(void* dst, size_t n) {
    if (!ok_ || remaining() < n) return ok_ = false;
    std::memcpy(dst, p_ + pos_, n);
    pos_ += n;
    return true;
  }
  uint64_t le(int n) {
    if (!ok_ || remaining() < size_t(n)) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(p_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  double f64() {
    const uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::string str() {
    const uint32_t n = u32();
    if (!ok_ || remaining() < n) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_ + pos_), n);
    pos_ += n;
    return s;
  }
  bool f64s(size_t count, std::vector<double>* out) {
    if (!ok_ || remaining() / 8 < count) return ok_ = false;
    out->resize(count);
    for (auto& x : *out) x = f64();
    return ok_;
  }

 private:
  const unsigned char* p_;
  size_t n_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Status corrupt(const std::string& why) {
  return Status::internal_error("checkpoint is corrupted or not an emulator checkpoint: " + why);
}

}  // namespace

std::string encode_checkpoint(const CheckpointContents& c) {
  const ModelConfig& cfg = c.info.config;
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.u32((c.info.has_optimizer ? kFlagOptimizer : 0) | (cfg.synthetic ? kFlagSynthetic : 0));
  w.str(cfg.base.name);
  w.u32(static_cast<uint32_t>(cfg.base.vocab_size));
  w.u32(static_cast<uint32_t>(cfg.base.hidden_size));
  w.u32(static_cast<uint32_t>(cfg.lora.rank));
  w.f64(cfg.lora.alpha);
  w.u8(cfg.lora.train_attn);
  w.u8(cfg.lora.train_mlp);
  w.u8(cfg.lora.train_unembed);
  w.u8(cfg.lora.seed.has_value());
  w.u64(cfg.lora.seed.value_or(0));
  w.u64(static_cast<uint64_t>(c.info.has_optimizer ? c.adam.step : 0));
  w.u32(static_cast<uint32_t>(c.tensors.size()));
  for (const auto& t : c.tensors) {
    w.str(t.name);
    w.u32(static_cast<uint32_t>(t.rows));
    w.u32(static_cast<uint32_t>(t.cols));
    w.f64s(t.value);
  }
  if (c.info.has_optimizer) {
    for (size_t i = 0; i < c.tensors.size(); ++i) {
      w.f64s(c.adam.m[i]);
      w.f64s(c.adam.v[i]);
    }
  }
  const uint64_t sum = fnv1a64(w.out().data(), w.out().size());
  w.u64(sum);
  return std::move(w.out());
}

Status decode_checkpoint(const std::string& bytes, CheckpointContents* out) {
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return corrupt("bad magic");
  const size_t body = bytes.size() - 8;
  Reader tail(bytes.data() + body, 8);
  if (tail.u64() != fnv1a64(bytes.data(), body)) return corrupt("checksum mismatch");

  Reader r(bytes.data() + sizeof kMagic, body - sizeof kMagic);
  CheckpointContents c;
  const uint32_t version = r.u32();
  if (r.ok() && version != kVersion)
    return corrupt("format version " + std::to_string(version) + " (this build reads 1)");
  const uint32_t flags = r.u32();
  c.info.has_optimizer = flags & kFlagOptimizer;
  ModelConfig& cfg = c.info.config;
  cfg.synthetic = flags & kFlagSynthetic;
  cfg.base.name = r.str();
  cfg.base.vocab_size = static_cast<int>(r.u32());
  cfg.base.hidden_size = static_cast<int>(r.u32());
  cfg.lora.rank = static_cast<int>(r.u32());
  cfg.lora.alpha = r.f64();
  cfg.lora.train_attn = r.u8() != 0;
  cfg.lora.train_mlp = r.u8() != 0;
  cfg.lora.train_unembed = r.u8() != 0;
  const bool has_seed = r.u8() != 0;
  const uint64_t seed = r.u64();
  if (has_seed) cfg.lora.seed = seed;
  c.adam.step = static_cast<int64_t>(r.u64());
  c.info.optimizer_step = c.adam.step;
  const uint32_t count = r.u32();
  if (!r.ok()) return corrupt("truncated header");
  if (!validate_config(cfg).is_ok()) return corrupt("invalid model configuration in header");
  if (count > 16) return corrupt("implausible tensor count");
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    ParamTensor t;
    t.name = r.str();
    t.rows = static_cast<int>(r.u32());
    t.cols = static_cast<int>(r.u32());
    if (t.rows < 0 || t.cols < 0) return corrupt("bad tensor shape");
    r.f64s(size_t(t.rows) * size_t(t.cols), &t.value);
    c.tensors.push_back(std::move(t));
  }
  if (c.info.has_optimizer) {
    c.adam.m.resize(count);
    c.adam.v.resize(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      r.f64s(c.tensors[i].size(), &c.adam.m[i]);
      r.f64s(c.tensors[i].size(), &c.adam.v[i]);
    }
  }
  if (!r.ok()) return corrupt("truncated tensor data");
  if (r.remaining() != 0) return corrupt("trailing bytes");
  *out = std::move(c);
  return Status::ok();
}

Status read_checkpoint_info(const std::string& bytes, CheckpointInfo* info) {
  CheckpointContents c;
  Status st = decode_checkpoint(bytes, &c);
  if (st.is_ok()) *info = c.info;
  return st;
}

}  // namespace tinker::emu
