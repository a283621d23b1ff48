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

std::size_t ReceiveBuffer::push(Bytes data) {
  const std::size_t n = std::min(data.size(), free());
  data_.insert(data_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

std::size_t ReceiveBuffer::read(MutableBytes out) {
  const std::size_t n = std::min(out.size(), data_.size());
  std::copy_n(data_.begin(), n, out.begin());
  data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

std::size_t ReceiveBuffer::peek(MutableBytes out) const {
  const std::size_t n = std::min(out.size(), data_.size());
  std::copy_n(data_.begin(), n, out.begin());
  return n;
}

}  // namespace synack::tcp
