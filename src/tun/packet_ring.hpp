// SPDX-License-Identifier: Apache-2.0
// A bounded FIFO of packets stored in fixed-size slots allocated once.
//
// The TUN device queues outgoing packets here when the kernel's queue is full
// (write returns EAGAIN); the impairment stage keeps its held packets in a
// PacketPool. Neither allocates per packet in steady state (docs/architecture.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/bytes.hpp"

namespace synack {

/// `capacity` slots of `slot_size` bytes each, handed out by index.
/// Not thread-safe. acquire() is O(1); memory is allocated by the constructor only.
class PacketPool {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  PacketPool(std::size_t capacity, std::size_t slot_size)
      : slot_size_(slot_size), storage_(capacity * slot_size), lens_(capacity), free_(capacity) {
    for (std::size_t i = 0; i < capacity; ++i) {
      free_[i] = static_cast<std::uint32_t>(capacity - 1 - i);
    }
  }

  /// Copies `packet` into a free slot; returns its index, or kNone when the
  /// pool is full or the packet is longer than a slot.
  [[nodiscard]] std::uint32_t store(Bytes packet) {
    if (free_.empty() || packet.size() > slot_size_) return kNone;
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    if (!packet.empty())
      std::memcpy(storage_.data() + slot * slot_size_, packet.data(), packet.size());
    lens_[slot] = static_cast<std::uint32_t>(packet.size());
    return slot;
  }
  /// The packet in `slot` (valid until release(slot)).
  [[nodiscard]] Bytes get(std::uint32_t slot) const {
    return Bytes(storage_.data() + slot * slot_size_, lens_[slot]);
  }
  /// The packet in `slot`, writable (e.g. to corrupt it on purpose).
  [[nodiscard]] MutableBytes get_mut(std::uint32_t slot) {
    return MutableBytes(storage_.data() + slot * slot_size_, lens_[slot]);
  }
  /// Returns `slot` to the free list.
  void release(std::uint32_t slot) { free_.push_back(slot); }

  [[nodiscard]] std::size_t capacity() const { return lens_.size(); }
  [[nodiscard]] std::size_t in_use() const { return lens_.size() - free_.size(); }
  /// Largest packet a slot holds, in bytes.
  [[nodiscard]] std::size_t slot_size() const { return slot_size_; }

 private:
  std::size_t slot_size_;
  std::vector<std::byte> storage_;
  std::vector<std::uint32_t> lens_;
  std::vector<std::uint32_t> free_;  // stack of free slot indices (capacity reserved)
};

/// A bounded FIFO of packets over a PacketPool.
class PacketRing {
 public:
  PacketRing(std::size_t capacity, std::size_t slot_size)
      : pool_(capacity, slot_size), order_(capacity) {}

  /// Appends a copy of `packet`; false (nothing stored) when full or too long.
  [[nodiscard]] bool push(Bytes packet) {
    const std::uint32_t slot = pool_.store(packet);
    if (slot == PacketPool::kNone) return false;
    order_[(head_ + count_) % order_.size()] = slot;
    ++count_;
    return true;
  }
  /// The oldest packet; precondition: !empty().
  [[nodiscard]] Bytes front() const { return pool_.get(order_[head_]); }
  /// Drops the oldest packet; precondition: !empty().
  void pop() {
    pool_.release(order_[head_]);
    head_ = (head_ + 1) % order_.size();
    --count_;
  }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] std::size_t capacity() const { return order_.size(); }

 private:
  PacketPool pool_;
  std::vector<std::uint32_t> order_;  // slot indices, circular
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace synack
