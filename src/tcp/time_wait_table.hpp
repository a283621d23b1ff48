// SPDX-License-Identifier: Apache-2.0
// The compact TIME-WAIT table of tcp::Demux: ~64 bytes per entry at a million
// entries (the compact TCB of docs/architecture.md, issue 12).
//
//   - the entries (tcp::TimeWaitEntry, 48 bytes) in a slot vector with a free
//     list; a free slot has expiry == kNever;
//   - the index, 4-tuple → slot: open addressing over 4-byte slot numbers
//     (linear probing, backward-shift deletion, load between 1/8 and 1/2),
//     comparing the tuple stored in the entry: 8 bytes per entry, not a copy
//     of the key;
//   - the expiry queue instead of a timer per entry: every entry lives 2·MSL
//     from its last FIN, so the queue of slot numbers in arrival order is
//     already ordered by expiry (4 bytes per entry). An entry whose 2MSL
//     restarts is queued again at the back; the element it leaves behind is
//     stale, recognised by its ticket (the entry's current queue position,
//     4 bytes), and skipped. The rare entry that expires before the last one
//     queued (a TCB that stayed in TIME-WAIT while its socket was held) is
//     placed in order from the back.
//
// An entry expires at the first expire() whose `now` is at or past its expiry
// rounded up to the millisecond (as the timer wheel it replaces, 1 ms tick).
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

#include "base/time.hpp"
#include "tcp/time_wait.hpp"
#include "tcp/types.hpp"

namespace synack::tcp {

/// `Hash`: a hash of FourTuple (the demux's keyed TupleHash).
template <typename Hash>
class TimeWaitTable {
 public:
  using Slot = std::uint32_t;
  static constexpr Slot kNone = std::numeric_limits<Slot>::max();

  explicit TimeWaitTable(Hash hash) : hash_(hash) { index_.assign(kMinIndex, kNone); }

  [[nodiscard]] std::size_t size() const { return size_; }
  /// The slot of `tuple`'s entry, or kNone.
  [[nodiscard]] Slot find(const FourTuple& tuple) const { return index_[probe(tuple)]; }
  [[nodiscard]] TimeWaitEntry& at(Slot s) { return slots_[s]; }
  [[nodiscard]] const TimeWaitEntry& at(Slot s) const { return slots_[s]; }

  /// Adds `e` (its tuple is not in the table; e.expiry is finite).
  void insert(const TimeWaitEntry& e) {
    Slot s;
    if (!free_.empty()) {
      s = free_.back();
      free_.pop_back();
    } else {
      s = static_cast<Slot>(slots_.size());
      slots_.emplace_back();
      tickets_.emplace_back();
    }
    slots_[s] = e;
    if ((size_ + 1) * 2 > index_.size()) rehash(index_.size() * 2);
    index_[probe(e.tuple.get())] = s;
    ++size_;
    enqueue(s);
  }

  /// at(s).expiry has moved later (2MSL restarted): the entry expires then.
  void restarted(Slot s) { enqueue(s); }

  /// Removes the entry in slot `s`.
  void erase(Slot s) {
    unindex(s);
    slots_[s].expiry = kNever;
    free_.push_back(s);
    --size_;
    drop_stale();
  }

  /// When the next entry is due (its expiry rounded up to the ms), kNever if none.
  [[nodiscard]] Instant next_expiry() const {
    for (std::size_t p = 0; p < queue_.size(); ++p) {
      if (current(p)) return due(queue_[p]);
    }
    return kNever;
  }

  /// Removes every entry due at `now`, calling on_expire(const TimeWaitEntry&)
  /// for each (in expiry order) before it goes.
  template <typename F>
  void expire(Instant now, F&& on_expire) {
    while (!queue_.empty()) {
      const Slot s = queue_.front();
      if (current(0)) {
        if (due(s) > now) break;
        on_expire(std::as_const(slots_[s]));
        erase(s);  // pops the front: its ticket no longer matches
        continue;
      }
      pop_front();
    }
  }

  /// Calls f(const TimeWaitEntry&) for every entry.
  template <typename F>
  void for_each(F&& f) const {
    for (const TimeWaitEntry& e : slots_) {
      if (e.expiry != kNever) f(e);
    }
  }

  /// Slots in use, in slot order (for drop-all loops).
  [[nodiscard]] std::size_t slot_count() const { return slots_.size(); }
  [[nodiscard]] bool used(Slot s) const { return slots_[s].expiry != kNever; }

 private:
  static constexpr std::size_t kMinIndex = 64;

  // Expiry rounded up to the millisecond (the 1 ms tick of the wheel it replaces).
  [[nodiscard]] Instant due(Slot s) const {
    const auto ns = slots_[s].expiry.time_since_epoch().count();
    constexpr std::int64_t kMs = 1'000'000;
    if (ns <= 0) return Instant{};
    return Instant{} + Duration{(ns + kMs - 1) / kMs * kMs};
  }
  // Queue position p holds its slot's current element (not a stale one).
  [[nodiscard]] bool current(std::size_t p) const {
    const Slot s = queue_[p];
    return slots_[s].expiry != kNever && tickets_[s] == head_ + static_cast<std::uint32_t>(p);
  }

  void enqueue(Slot s) {
    // From the back, past the elements that are due later (usually none).
    std::size_t p = queue_.size();
    while (p > 0 && (!current(p - 1) || due(queue_[p - 1]) > due(s))) --p;
    if (p == queue_.size()) {
      queue_.push_back(s);
    } else {
      for (std::size_t q = p; q < queue_.size(); ++q) {  // they move back one place
        if (current(q)) ++tickets_[queue_[q]];
      }
      queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(p), s);
    }
    tickets_[s] = head_ + static_cast<std::uint32_t>(p);
    drop_stale();
  }
  void pop_front() {
    queue_.pop_front();
    ++head_;
  }
  void drop_stale() {
    while (!queue_.empty() && !current(0)) pop_front();
  }

  // The index position of `tuple`, or the empty one where it would go.
  [[nodiscard]] std::size_t probe(const FourTuple& tuple) const {
    const std::size_t mask = index_.size() - 1;
    std::size_t i = hash_(tuple) & mask;
    while (index_[i] != kNone && !slots_[index_[i]].tuple.matches(tuple)) i = (i + 1) & mask;
    return i;
  }
  void unindex(Slot s) {
    std::size_t i = probe(slots_[s].tuple.get());
    // Backward-shift deletion: pull later members of the probe run into the hole.
    const std::size_t mask = index_.size() - 1;
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (index_[j] == kNone) break;
      const std::size_t home = hash_(slots_[index_[j]].tuple.get()) & mask;
      const bool home_between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!home_between) {
        index_[i] = index_[j];
        i = j;
      }
    }
    index_[i] = kNone;
    if (index_.size() > kMinIndex && (size_ - 1) * 8 < index_.size()) rehash(index_.size() / 2);
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(index_);
    index_.assign(capacity, kNone);
    for (const Slot s : old) {
      if (s != kNone) index_[probe(slots_[s].tuple.get())] = s;
    }
  }

  Hash hash_;
  std::vector<TimeWaitEntry> slots_;  // expiry == kNever: free
  std::vector<std::uint32_t>
      tickets_;  // by slot: queue position (head_-relative seq) of its element
  std::vector<Slot> free_;
  std::vector<Slot> index_;  // open addressing, kNone = empty
  std::deque<Slot> queue_;   // slots in expiry order (with stale elements)
  std::uint32_t head_ = 0;   // ticket of queue_.front()
  std::size_t size_ = 0;
};

}  // namespace synack::tcp
