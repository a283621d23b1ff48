// SPDX-License-Identifier: Apache-2.0
#include "tcp/rst.hpp"

namespace synack::tcp {

std::optional<TcpSegment> reset_for(const TcpSegment& seg) {
  if (seg.flags.rst()) return std::nullopt;  // §3.10.7.1: a RST is discarded
  if (seg.flags.ack()) return reset_to_ack(seg);
  TcpSegment r;
  r.src_port = seg.dst_port;
  r.dst_port = seg.src_port;
  r.seq = SeqNum(0);
  r.ack = seg.seq + seg.seg_len();
  r.flags.bits = TcpFlags::kRst | TcpFlags::kAck;
  return r;
}

TcpSegment reset_to_ack(const TcpSegment& seg) {
  TcpSegment r;
  r.src_port = seg.dst_port;
  r.dst_port = seg.src_port;
  r.seq = seg.ack;
  r.flags.bits = TcpFlags::kRst;
  return r;
}

}  // namespace synack::tcp
