// SPDX-License-Identifier: Apache-2.0
// ICMPv6 (RFC 4443): a checked view, the quoted packet of an error, and a
// value type to build, with the checksum over the IPv6 pseudo-header
// (RFC 4443 §2.3). Error messages: Destination Unreachable, Packet Too Big,
// Time Exceeded, Parameter Problem; informational: Echo Request and Reply.
// Neighbor Discovery (RFC 4861) and MLD parse as plain messages (type, code, body).
#pragma once

#include <cstdint>
#include <expected>

#include "base/bytes.hpp"
#include "wire/error.hpp"
#include "wire/ipv6.hpp"
#include "wire/ipv6_ext.hpp"

namespace synack {

enum class Icmpv6Type : std::uint8_t {
  kDestUnreachable = 1,
  kPacketTooBig = 2,
  kTimeExceeded = 3,
  kParameterProblem = 4,
  kEchoRequest = 128,
  kEchoReply = 129,
};

/// Destination Unreachable codes (RFC 4443 §3.1).
enum class Icmpv6UnreachCode : std::uint8_t {
  kNoRoute = 0,
  kAdminProhibited = 1,
  kBeyondScope = 2,
  kAddress = 3,
  kPort = 4,
  kSourcePolicy = 5,
  kRejectRoute = 6,
};

/// Time Exceeded codes (RFC 4443 §3.3).
enum class Icmpv6TimeCode : std::uint8_t {
  kHopLimit = 0,
  kReassembly = 1,
};

/// The most of the offending packet an error quotes, in bytes: the whole error
/// must fit in the minimum MTU (RFC 4443 §2.4 (c)): 1280 − 40 − 8.
inline constexpr std::size_t kIcmpv6MaxQuote = kIpv6MinMtu - Ipv6View::kHeaderSize - 8;

/// A validated ICMPv6 message: at least 8 bytes with a correct checksum.
class Icmpv6View {
 public:
  static constexpr std::size_t kHeaderSize = 8;
  /// `message` is the upper-layer part of a packet from `src` to `dst`.
  /// Errors: kTruncated (< 8 bytes), kIcmp6BadChecksum.
  static std::expected<Icmpv6View, WireError> parse(Bytes message, const Ipv6Addr& src,
                                                    const Ipv6Addr& dst);

  [[nodiscard]] std::uint8_t type() const { return load_u8(bytes_, 0); }
  [[nodiscard]] std::uint8_t code() const { return load_u8(bytes_, 1); }
  [[nodiscard]] std::uint16_t checksum() const { return load_be16(bytes_, 2); }
  /// The 4 bytes after the checksum (echo id/seq, MTU, pointer, or unused).
  [[nodiscard]] std::uint32_t rest() const { return load_be32(bytes_, 4); }
  /// Echo identifier / sequence number (types 128 and 129, RFC 4443 §4).
  [[nodiscard]] std::uint16_t echo_id() const { return load_be16(bytes_, 4); }
  [[nodiscard]] std::uint16_t echo_seq() const { return load_be16(bytes_, 6); }
  /// Packet Too Big: the next-hop link's MTU in bytes (RFC 4443 §3.2).
  [[nodiscard]] std::uint32_t mtu() const { return load_be32(bytes_, 4); }
  /// Parameter Problem: offset of the byte at fault in the quoted packet (RFC 4443 §3.4).
  [[nodiscard]] std::uint32_t pointer() const { return load_be32(bytes_, 4); }
  /// Everything after the 8-byte header: echo data, or the quoted packet.
  [[nodiscard]] Bytes body() const { return bytes_.subspan(kHeaderSize); }
  [[nodiscard]] Bytes bytes() const { return bytes_; }
  /// Types 0..127 are errors, 128..255 informational (RFC 4443 §2.1).
  [[nodiscard]] bool is_error() const { return type() < 128; }

 private:
  explicit Icmpv6View(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// What an ICMPv6 error quotes of the offending packet: enough to find the
/// connection and check the quoted sequence number (RFC 5927 §4.1).
struct Icmpv6Quote {
  Ipv6Addr src;
  Ipv6Addr dst;
  std::uint8_t protocol = 0;  ///< after the quoted extension headers
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t tcp_seq = 0;  ///< valid when protocol is TCP
};

/// Parses the quoted packet of an error (its extension headers skipped with
/// walk_ipv6_quote). Errors: those of walk_ipv6_quote, and kTruncated when
/// fewer than 8 bytes of the upper-layer header were quoted.
std::expected<Icmpv6Quote, WireError> parse_icmpv6_quote(Bytes body);

/// An ICMPv6 message to build: type, code, the 4 bytes after the checksum, body.
struct Icmpv6Message {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t rest = 0;  ///< echo id<<16|seq, MTU, pointer, or 0
  Bytes body;              ///< not owned

  static Icmpv6Message echo_request(std::uint16_t id, std::uint16_t seq, Bytes data);
  /// The reply to `request`: same identifier, sequence number and data (RFC 4443 §4.2).
  static Icmpv6Message echo_reply(const Icmpv6View& request);
  /// The errors quote `invoking` (the offending packet from its IPv6 header
  /// on), cut to kIcmpv6MaxQuote bytes.
  static Icmpv6Message dest_unreachable(Icmpv6UnreachCode code, Bytes invoking);
  /// `mtu` in bytes (RFC 4443 §3.2).
  static Icmpv6Message packet_too_big(std::uint32_t mtu, Bytes invoking);
  static Icmpv6Message time_exceeded(Icmpv6TimeCode code, Bytes invoking);
  static Icmpv6Message parameter_problem(Icmpv6ParamProblem problem, Bytes invoking);

  [[nodiscard]] std::size_t wire_size() const { return Icmpv6View::kHeaderSize + body.size(); }
  /// Writes wire_size() bytes with the checksum over the pseudo-header of src → dst.
  void emit(MutableBytes out, const Ipv6Addr& src, const Ipv6Addr& dst) const;
};

/// Builds IPv6 + `msg` into `out` (at least 40 + msg.wire_size() bytes) and
/// returns the bytes written. `ip.next_header` is forced to 58.
std::size_t emit_ipv6_icmpv6(MutableBytes out, Ipv6Header ip, const Icmpv6Message& msg);

}  // namespace synack
