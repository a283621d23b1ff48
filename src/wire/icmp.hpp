// SPDX-License-Identifier: Apache-2.0
// ICMPv4 (RFC 792): a checked view and a value type. The stack answers echo
// requests, sends port-unreachable (optionally) for closed ports, and hands
// destination-unreachable / time-exceeded errors to TCP (RFC 1122 §4.2.3.9,
// RFC 5927) with the quoted datagram, and fragmentation-needed with its
// next-hop MTU (RFC 1191 §4).
#pragma once

#include <cstdint>
#include <expected>

#include "base/bytes.hpp"
#include "wire/error.hpp"
#include "wire/ipv4.hpp"

namespace synack {

enum class IcmpType : std::uint8_t {
  kEchoReply = 0,
  kDestUnreachable = 3,
  kEchoRequest = 8,
  kTimeExceeded = 11,
  kParameterProblem = 12,
};

/// Destination-unreachable codes (RFC 792, RFC 1122 §3.2.2.1).
enum class IcmpUnreachCode : std::uint8_t {
  kNet = 0,
  kHost = 1,
  kProtocol = 2,
  kPort = 3,
  kFragNeeded = 4,  ///< "fragmentation needed and DF set": carries the next-hop MTU
  kSourceRouteFailed = 5,
  kAdminProhibited = 13,
};

/// A validated ICMP message: at least 8 bytes with a correct checksum.
class IcmpView {
 public:
  static constexpr std::size_t kHeaderSize = 8;
  /// Errors: kTruncated, kIpBadChecksum (the ICMP checksum is reported as this
  /// class: it protects the ICMP message, not the TCP one).
  static std::expected<IcmpView, WireError> parse(Bytes message);

  [[nodiscard]] std::uint8_t type() const { return load_u8(bytes_, 0); }
  [[nodiscard]] std::uint8_t code() const { return load_u8(bytes_, 1); }
  /// Echo identifier / sequence (types 0 and 8).
  [[nodiscard]] std::uint16_t echo_id() const { return load_be16(bytes_, 4); }
  [[nodiscard]] std::uint16_t echo_seq() const { return load_be16(bytes_, 6); }
  /// Next-hop MTU in bytes for fragmentation-needed (RFC 1191 §4); 0 if unset.
  [[nodiscard]] std::uint16_t next_hop_mtu() const { return load_be16(bytes_, 6); }
  /// Everything after the 8-byte header: echo data, or the quoted datagram
  /// (its IP header and at least 8 bytes of its payload) for error messages.
  [[nodiscard]] Bytes body() const { return bytes_.subspan(kHeaderSize); }
  [[nodiscard]] bool is_error() const { return type() == 3 || type() == 11 || type() == 12; }

 private:
  explicit IcmpView(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// What an ICMP error quotes of the offending datagram: enough to find the TCP
/// connection (addresses, ports) and check the quoted sequence number (RFC 5927 §4.1).
struct IcmpQuote {
  Ipv4Addr src;
  Ipv4Addr dst;
  std::uint8_t protocol = 0;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t tcp_seq = 0;  ///< valid when protocol is TCP (first 8 bytes quoted)
};

/// Parses the quoted datagram of an ICMP error. Errors: kTruncated (fewer than
/// the quoted IP header + 8 bytes), kIpBadVersion, kIpBadIhl.
std::expected<IcmpQuote, WireError> parse_icmp_quote(Bytes body);

/// An ICMP message to build: type, code, the 4 "rest of header" bytes, body.
struct IcmpMessage {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t rest = 0;  ///< echo id<<16|seq, or next-hop MTU, or 0
  Bytes body;

  [[nodiscard]] std::size_t wire_size() const { return IcmpView::kHeaderSize + body.size(); }
  /// Writes wire_size() bytes with the checksum filled in.
  void emit(MutableBytes out) const;
};

}  // namespace synack
