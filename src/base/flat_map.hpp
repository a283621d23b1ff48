// SPDX-License-Identifier: Apache-2.0
// An open-addressing hash map with linear probing and backward-shift deletion
// (no tombstones), for the stack's demux table: one flat array, no allocation
// per insert once grown, lookups touch one or two cache lines.
//
// The hash may carry state (a secret key, so peers cannot aim collisions at one
// bucket). Keys and values must be cheap to move. Capacity is a power of two; the table
// grows (doubling) above 7/8 load and shrinks (halving, never below the initial
// capacity) below 1/8, so a table that once held a million connections gives
// the memory back as they close. Iterators are not provided: use for_each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace synack {

template <typename K, typename V, typename Hash = std::hash<K>>
class FlatMap {
 public:
  explicit FlatMap(std::size_t initial_capacity = 16, Hash hash = Hash{})
      : hash_(std::move(hash)), min_capacity_(round_up(initial_capacity)) {
    rehash(min_capacity_);
  }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }

  /// Pointer to the value for `key`, or nullptr. Valid until the next insert/erase.
  [[nodiscard]] V* find(const K& key) {
    const std::size_t i = probe(key);
    return slots_[i].used ? &slots_[i].value : nullptr;
  }
  [[nodiscard]] const V* find(const K& key) const { return const_cast<FlatMap*>(this)->find(key); }

  /// Inserts or replaces. Returns true if the key was new.
  bool insert(const K& key, V value) {
    if ((size_ + 1) * 8 > slots_.size() * 7) rehash(slots_.size() * 2);
    const std::size_t i = probe(key);
    Slot& s = slots_[i];
    const bool fresh = !s.used;
    s.key = key;
    s.value = std::move(value);
    s.used = true;
    size_ += fresh ? 1 : 0;
    return fresh;
  }

  /// Removes `key`. Returns true if it was present. Pointers from find() are
  /// invalid afterwards (the table may shrink).
  bool erase(const K& key) {
    std::size_t i = probe(key);
    if (!slots_[i].used) return false;
    // Backward-shift: pull later members of the probe run into the hole.
    const std::size_t mask = slots_.size() - 1;
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (!slots_[j].used) break;
      const std::size_t home = hash_(slots_[j].key) & mask;
      // Move j back to i unless its home lies cyclically in (i, j].
      const bool home_between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!home_between) {
        slots_[i] = std::move(slots_[j]);
        i = j;
      }
    }
    slots_[i].used = false;
    slots_[i].value = V{};
    --size_;
    if (slots_.size() > min_capacity_ && size_ * 8 < slots_.size()) rehash(slots_.size() / 2);
    return true;
  }

  /// Calls f(const K&, V&) for every entry, in table order.
  template <typename F>
  void for_each(F&& f) {
    for (auto& s : slots_) {
      if (s.used) f(std::as_const(s.key), s.value);
    }
  }

  void clear() {
    for (auto& s : slots_) s = Slot{};
    size_ = 0;
  }

 private:
  struct Slot {
    K key{};
    V value{};
    bool used = false;
  };

  static std::size_t round_up(std::size_t n) {
    std::size_t c = 8;
    while (c < n) c *= 2;
    return c;
  }

  // The slot holding `key`, or the empty slot where it would go.
  std::size_t probe(const K& key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash_(key) & mask;
    while (slots_[i].used && !(slots_[i].key == key)) i = (i + 1) & mask;
    return i;
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    size_ = 0;
    for (auto& s : old) {
      if (s.used) insert(s.key, std::move(s.value));
    }
  }

  Hash hash_;
  std::size_t min_capacity_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace synack
