// Ordered (key, value) lists with unique keys, the way protobuf maps and JSON objects decode
// here: a repeated key keeps the position of its first occurrence and takes the last value.
// Keys are looked up through a hash index once a list has more than a few entries; a linear
// search per key made a body with many distinct keys quadratic (100,000 metric keys in a
// 1.5 MB body cost ~5·10⁹ comparisons).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tinker::wire {

template <typename Key, typename Value>
class UniqueKeys {
 public:
  // `list` must be empty and grow only through put() while this object lives.
  explicit UniqueKeys(std::vector<std::pair<Key, Value>>* list) : list_(list) {}

  // `key` must stay valid while this object lives: it points into the body being decoded.
  void put(std::string_view key, Value v) {
    const size_t n = list_->size();
    if (n < kLinear) {  // small lists (every real one): no index, no allocation
      for (size_t i = 0; i < n; ++i)
        if (first_[i] == key) return replace(i, std::move(v));
      first_[n] = key;
      list_->emplace_back(Key(key), std::move(v));
      return;
    }
    if (index_.empty())
      for (size_t i = 0; i < kLinear; ++i) index_.emplace(first_[i], i);
    auto [it, fresh] = index_.try_emplace(key, n);
    if (!fresh) return replace(it->second, std::move(v));
    list_->emplace_back(Key(key), std::move(v));
  }

 private:
  static constexpr size_t kLinear = 8;

  void replace(size_t i, Value v) { (*list_)[i].second = std::move(v); }

  std::vector<std::pair<Key, Value>>* list_;
  // The list's own keys may move (short strings live inside the vector's elements), so the
  // lookups use the caller's keys, which point into the input.
  std::array<std::string_view, kLinear> first_{};
  std::unordered_map<std::string_view, size_t> index_;
};

}  // namespace tinker::wire
