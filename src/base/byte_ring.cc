// SPDX-License-Identifier: Apache-2.0
#include "base/byte_ring.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "base/buffer_pool.hpp"

namespace synack {

ByteRing::ByteRing(std::size_t capacity, std::uint64_t start, std::size_t linear_slack)
    : capacity_(capacity == 0 ? 0 : std::bit_ceil(std::min(capacity, kMaxCapacity))),
      slack_(std::min(linear_slack, capacity_)),
      head_(start),
      tail_(start),
      written_end_(start) {}

ByteRing::ByteRing(ByteRing&& other) noexcept
    : storage_(std::exchange(other.storage_, nullptr)),
      capacity_(other.capacity_),
      slack_(other.slack_),
      head_(other.head_),
      tail_(other.tail_),
      written_end_(other.written_end_) {}

ByteRing& ByteRing::operator=(ByteRing&& other) noexcept {
  if (this != &other) {
    free_storage();
    storage_ = std::exchange(other.storage_, nullptr);
    capacity_ = other.capacity_;
    slack_ = other.slack_;
    head_ = other.head_;
    tail_ = other.tail_;
    written_end_ = other.written_end_;
  }
  return *this;
}

ByteRing::~ByteRing() {
  free_storage();
}

void ByteRing::free_storage() noexcept {
  buffer_pool::release(storage_, capacity_ + slack_);
  storage_ = nullptr;
}

void ByteRing::ensure_storage() {
  if (storage_ == nullptr && capacity_ != 0) storage_ = buffer_pool::acquire(capacity_ + slack_);
}

void ByteRing::store(std::uint64_t offset, Bytes data) {
  if (data.empty()) return;
  ensure_storage();
  const std::size_t at = index(offset);
  const std::size_t first = std::min(data.size(), capacity_ - at);
  std::memcpy(storage_ + at, data.data(), first);
  std::memcpy(storage_, data.data() + first, data.size() - first);
  written_end_ = std::max(written_end_, offset + data.size());
}

std::size_t ByteRing::append(Bytes data) {
  // Bytes already written past the tail (receive side) would be overwritten:
  // appending is a send-side operation, so the two are not mixed.
  const std::size_t n = std::min(data.size(), free());
  store(tail_, data.first(n));
  tail_ += n;
  return n;
}

std::size_t ByteRing::write_at(std::uint64_t offset, Bytes data) {
  std::uint64_t begin = offset;
  std::uint64_t end = offset + data.size();
  begin = std::max(begin, tail_);
  end = std::min(end, limit());
  if (begin >= end) return 0;
  const auto skip = static_cast<std::size_t>(begin - offset);
  const auto n = static_cast<std::size_t>(end - begin);
  store(begin, data.subspan(skip, n));
  return n;
}

std::uint64_t ByteRing::extend_tail(std::uint64_t new_tail) {
  tail_ = std::clamp(new_tail, tail_, limit());
  written_end_ = std::max(written_end_, tail_);
  return tail_;
}

RingSpans ByteRing::peek(std::uint64_t offset, std::size_t n) const {
  const std::uint64_t begin = std::max(offset, head_);
  const std::uint64_t end = std::min(offset + n, tail_);
  if (begin >= end || storage_ == nullptr) return {};
  const std::size_t at = index(begin);
  const auto len = static_cast<std::size_t>(end - begin);
  const std::size_t first = std::min(len, capacity_ - at);
  return RingSpans{Bytes(storage_ + at, first), Bytes(storage_, len - first)};
}

Bytes ByteRing::peek_contiguous(std::uint64_t offset, std::size_t n) {
  const RingSpans s = peek(offset, std::min(n, slack_));
  if (s.second.empty()) return s.first;
  // The range wraps: complete it in the slack right after the storage's end,
  // where s.first ends.
  std::memcpy(storage_ + capacity_, s.second.data(), s.second.size());
  return Bytes(s.first.data(), s.size());
}

std::size_t ByteRing::copy_out(std::uint64_t offset, MutableBytes out) const {
  const RingSpans s = peek(offset, out.size());
  if (!s.first.empty()) std::memcpy(out.data(), s.first.data(), s.first.size());
  if (!s.second.empty()) {
    std::memcpy(out.data() + s.first.size(), s.second.data(), s.second.size());
  }
  return s.size();
}

std::size_t ByteRing::consume_to(std::uint64_t offset) {
  const std::uint64_t to = std::clamp(offset, head_, tail_);
  const auto n = static_cast<std::size_t>(to - head_);
  head_ = to;
  return n;
}

bool ByteRing::release() {
  if (empty() && written_end_ <= tail_) free_storage();
  return storage_ == nullptr;
}

void ByteRing::reset(std::uint64_t start) {
  head_ = tail_ = written_end_ = start;
}

}  // namespace synack
