// SPDX-License-Identifier: Apache-2.0
// A TCP segment as a capture shows it: decoded leniently, because a capture
// is not a receiver. Checksums are not verified (a sender's capture holds
// packets before checksum offload fills them in), the payload may be cut by
// the snap length (its length comes from the IP header), and a TSO/GRO
// super-segment larger than the MSS (IP total length 0 beyond 64 KiB) takes
// its length from the frame's original length.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <expected>
#include <string>

#include "base/bytes.hpp"
#include "capture/link.hpp"
#include "viz/run.hpp"

namespace synack::capture {

/// An IPv4 or IPv6 address (IPv4 in the first 4 bytes).
struct IpAddr {
  std::uint8_t version = 4;  ///< 4 or 6
  std::array<std::uint8_t, 16> bytes{};

  /// "10.0.0.1" (IPv6: RFC 5952 text).
  [[nodiscard]] std::string to_string() const;
  friend auto operator<=>(const IpAddr&, const IpAddr&) = default;
};

/// One side of a TCP conversation.
struct SocketAddr {
  IpAddr ip;
  std::uint16_t port = 0;
  /// "10.0.0.1:80" ("[::1]:80" for IPv6).
  [[nodiscard]] std::string to_string() const;
  friend auto operator<=>(const SocketAddr&, const SocketAddr&) = default;
};

/// A captured TCP segment.
struct Segment {
  SocketAddr src, dst;
  viz::TcpFields tcp;  ///< header values; tcp.len is the payload length on the wire
};

/// Why a packet was not a usable TCP segment (counted, then skipped).
enum class Skip : std::uint8_t {
  kNotIp,      ///< the link carried something else (ARP, LLDP ...)
  kIpv6,       ///< IPv6: not decoded yet
  kNotTcp,     ///< UDP, ICMP ...
  kFragment,   ///< a non-first IPv4 fragment, or a first one (not reassembled)
  kMalformed,  ///< a header that contradicts itself
  kTruncated,  ///< the snap length cut into the IP or TCP header
};

/// "not IP", "IPv6", "not TCP", "IP fragment", "malformed", "truncated header".
[[nodiscard]] const char* skip_name(Skip s);

/// Decodes the TCP segment in `net`. `orig_len`: the frame's length on the
/// wire minus the link header (for super-segments whose IP total length is 0).
/// Never reads past net.bytes.
[[nodiscard]] std::expected<Segment, Skip> decode_segment(const NetPacket& net,
                                                          std::size_t orig_len);

}  // namespace synack::capture
