// SPDX-License-Identifier: Apache-2.0
#include "tcp/stream_buffers.hpp"

#include <algorithm>

namespace synack::tcp {

std::size_t SendBuffer::write(Bytes data) {
  return ring_.append(data.first(std::min(data.size(), free())));
}

void SendBuffer::acknowledge(std::size_t n) {
  ring_.consume(std::min(n, size()));
  if (ring_.empty()) ring_.release();  // all acknowledged: no buffer while idle
}

Bytes SendBuffer::peek(std::size_t offset, std::size_t len) {
  return ring_.peek_contiguous(ring_.head() + offset, len);
}

void SendBuffer::clear() {
  ring_.consume_to(ring_.tail());
  ring_.release();
}

ReceiveBuffer::ReceiveBuffer(std::size_t capacity)
    : ring_(std::max<std::size_t>(capacity, 1), 0), capacity_(capacity) {}

std::size_t ReceiveBuffer::push(Bytes data) {
  const std::uint64_t before = ring_.tail();
  const std::uint64_t window_end = before + free();
  return insert(before, data, window_end).delivered;
}

InsertResult ReceiveBuffer::insert(std::uint64_t offset, Bytes data, std::uint64_t window_end) {
  OutOfOrder& o = ooo_.mut();
  const InsertResult r = o.reasm.insert(offset, data, window_end, ring_);
  o.sack.on_segment(r, o.reasm.intervals());
  return r;
}

std::size_t ReceiveBuffer::read(MutableBytes out) {
  const std::size_t n = ring_.copy_out(ring_.head(), out);
  ring_.consume(n);
  // All read and nothing held out of order: give the storage back (no buffer
  // while idle; the next data takes a warm block from base/buffer_pool).
  if (ring_.empty()) ring_.release();
  return n;
}

std::size_t ReceiveBuffer::peek(MutableBytes out) const {
  return ring_.copy_out(ring_.head(), out);
}

void ReceiveBuffer::clear() {
  ring_.reset(ring_.tail());  // also forgets bytes held past the tail
  if (ooo_) {
    ooo_.mut().reasm.clear();
    ooo_.mut().sack.clear();
  }
  ring_.release();
}

}  // namespace synack::tcp
