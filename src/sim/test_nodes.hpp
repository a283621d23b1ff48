// SPDX-License-Identifier: Apache-2.0
// Test helpers for the simulator: TCP packets built with src/wire, and dummy
// nodes that record or echo what they receive.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/network.hpp"
#include "wire/tcp.hpp"

namespace synack::sim::test {

inline constexpr Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
inline constexpr Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

/// An IPv4+TCP packet src:1000 → dst:80 with `flags`, `seq` and `payload_len`
/// bytes of payload (value 'x'); total size 40 + payload_len bytes.
inline std::vector<std::byte> tcp_packet(Ipv4Addr src, Ipv4Addr dst, std::uint16_t flags,
                                         std::uint32_t seq = 1, std::size_t payload_len = 0) {
  static const std::vector<std::byte> kPayload(65535, std::byte{'x'});
  TcpSegment seg;
  seg.src_port = 1000;
  seg.dst_port = 80;
  seg.seq = SeqNum(seq);
  seg.flags = {flags};
  seg.window = 65535;
  seg.payload = Bytes(kPayload).first(payload_len);
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  emit_ipv4_tcp(out, Ipv4Header{.src = src, .dst = dst}, seg);
  return out;
}

/// A node that records every arrival.
class RecordingNode : public Node {
 public:
  struct Arrival {
    Instant at;
    std::vector<std::byte> bytes;
    std::uint32_t seq() const {
      auto p = parse_ipv4_tcp(bytes);
      return p ? p->tcp.seq.raw() : 0xffffffffu;
    }
  };
  using Node::Node;
  using Node::send;
  void on_packet(Bytes p, Instant now) override { arrivals.push_back({now, {p.begin(), p.end()}}); }
  std::vector<Arrival> arrivals;
};

/// A node that answers every TCP packet with an ACK back to its source.
class EchoNode : public Node {
 public:
  using Node::Node;
  void on_packet(Bytes p, Instant) override {
    ++received;
    const auto ip = Ipv4View::parse(p, false);
    if (!ip) return;
    send(tcp_packet(address(), ip->src(), TcpFlags::kAck, received));
  }
  std::uint32_t received = 0;
};

}  // namespace synack::sim::test
