#include "tcp/stream_buffers.hpp"

#include <algorithm>

namespace synack::tcp {

std::size_t SendBuffer::write(Bytes data) {
  const std::size_t n = std::min(data.size(), free());
  if (head_ > 0 && head_ >= data_.size() / 2) {  // compact before growing
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  data_.insert(data_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

void SendBuffer::acknowledge(std::size_t n) {
  head_ += std::min(n, size());
  if (head_ == data_.size()) clear();
}

Bytes SendBuffer::peek(std::size_t offset, std::size_t len) const {
  if (offset >= size()) return {};
  len = std::min(len, size() - offset);
  return Bytes(data_.data() + head_ + offset, len);
}

ReceiveBuffer::ReceiveBuffer(std::size_t capacity)
    : ring_(std::max<std::size_t>(capacity, 1), 0), capacity_(capacity) {}

std::size_t ReceiveBuffer::push(Bytes data) {
  const std::uint64_t before = ring_.tail();
  const std::uint64_t window_end = before + free();
  return insert(before, data, window_end).delivered;
}

InsertResult ReceiveBuffer::insert(std::uint64_t offset, Bytes data, std::uint64_t window_end) {
  const InsertResult r = reasm_.insert(offset, data, window_end, ring_);
  sack_.on_segment(r, reasm_.intervals());
  return r;
}

std::size_t ReceiveBuffer::read(MutableBytes out) {
  const std::size_t n = ring_.copy_out(ring_.head(), out);
  ring_.consume(n);
  return n;
}

std::size_t ReceiveBuffer::peek(MutableBytes out) const {
  return ring_.copy_out(ring_.head(), out);
}

void ReceiveBuffer::clear() {
  ring_.consume_to(ring_.tail());
  reasm_.clear();
  sack_.clear();
}

}  // namespace synack::tcp
