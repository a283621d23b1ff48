#include "base/byte_ring.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace synack {

ByteRing::ByteRing(std::size_t capacity, std::uint64_t start)
    : capacity_(capacity == 0 ? 0 : std::bit_ceil(std::min(capacity, kMaxCapacity))),
      head_(start),
      tail_(start),
      written_end_(start) {}

void ByteRing::ensure_storage() {
  if (storage_ == nullptr && capacity_ != 0) {
    storage_ = std::make_unique_for_overwrite<std::byte[]>(capacity_);
  }
}

void ByteRing::store(std::uint64_t offset, Bytes data) {
  if (data.empty()) return;
  ensure_storage();
  const std::size_t at = index(offset);
  const std::size_t first = std::min(data.size(), capacity_ - at);
  std::memcpy(storage_.get() + at, data.data(), first);
  std::memcpy(storage_.get(), data.data() + first, data.size() - first);
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
  return RingSpans{Bytes(storage_.get() + at, first), Bytes(storage_.get(), len - first)};
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
  if (empty() && written_end_ <= tail_) storage_.reset();
  return storage_ == nullptr;
}

void ByteRing::reset(std::uint64_t start) {
  head_ = tail_ = written_end_ = start;
}

}  // namespace synack
