// SPDX-License-Identifier: Apache-2.0
// TCP header (RFC 9293 §3.1): a checked view over received bytes and a value
// type (`TcpSegment`) that parses from a view and emits exactly wire_size() bytes.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "base/bytes.hpp"
#include "base/seq.hpp"
#include "wire/error.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6_addr.hpp"
#include "wire/tcp_options.hpp"

namespace synack {

/// The control bits: the 8 flag bits of byte 13, plus AE (RFC 9768 accurate
/// ECN, bit 8 of the 16-bit field). Any combination is representable.
struct TcpFlags {
  static constexpr std::uint16_t kFin = 0x001;
  static constexpr std::uint16_t kSyn = 0x002;
  static constexpr std::uint16_t kRst = 0x004;
  static constexpr std::uint16_t kPsh = 0x008;
  static constexpr std::uint16_t kAck = 0x010;
  static constexpr std::uint16_t kUrg = 0x020;
  static constexpr std::uint16_t kEce = 0x040;
  static constexpr std::uint16_t kCwr = 0x080;
  static constexpr std::uint16_t kAe = 0x100;

  std::uint16_t bits = 0;

  [[nodiscard]] constexpr bool fin() const { return bits & kFin; }
  [[nodiscard]] constexpr bool syn() const { return bits & kSyn; }
  [[nodiscard]] constexpr bool rst() const { return bits & kRst; }
  [[nodiscard]] constexpr bool psh() const { return bits & kPsh; }
  [[nodiscard]] constexpr bool ack() const { return bits & kAck; }
  [[nodiscard]] constexpr bool urg() const { return bits & kUrg; }
  [[nodiscard]] constexpr bool ece() const { return bits & kEce; }
  [[nodiscard]] constexpr bool cwr() const { return bits & kCwr; }
  [[nodiscard]] constexpr bool ae() const { return bits & kAe; }
  /// packetdrill's spelling: S F R P . E W U and A for AE, "-" for none
  /// (e.g. "S." for SYN+ACK, "F." for FIN+ACK).
  [[nodiscard]] std::string to_string() const;
  friend constexpr bool operator==(TcpFlags, TcpFlags) = default;
};

/// A validated view of a TCP segment: at least 20 bytes, 5 ≤ data offset and
/// data offset × 4 ≤ the segment size. Options are not validated here
/// (TcpSegment::parse does that).
class TcpView {
 public:
  static constexpr std::size_t kMinHeader = 20;
  /// Errors: kTruncated, kTcpBadDataOffset.
  static std::expected<TcpView, WireError> parse(Bytes segment);

  [[nodiscard]] std::uint16_t src_port() const { return load_be16(bytes_, 0); }
  [[nodiscard]] std::uint16_t dst_port() const { return load_be16(bytes_, 2); }
  [[nodiscard]] SeqNum seq() const { return SeqNum(load_be32(bytes_, 4)); }
  [[nodiscard]] SeqNum ack() const { return SeqNum(load_be32(bytes_, 8)); }
  /// Header length in bytes (data offset × 4), 20..60.
  [[nodiscard]] std::size_t header_len() const { return (load_u8(bytes_, 12) >> 4) * 4u; }
  /// The 3 reserved bits (byte 12 bits 1..3), 0..7.
  [[nodiscard]] std::uint8_t reserved() const { return (load_u8(bytes_, 12) >> 1) & 0x7; }
  [[nodiscard]] TcpFlags flags() const {
    return {static_cast<std::uint16_t>(((load_u8(bytes_, 12) & 1u) << 8) | load_u8(bytes_, 13))};
  }
  /// The raw (unscaled) window field.
  [[nodiscard]] std::uint16_t window() const { return load_be16(bytes_, 14); }
  [[nodiscard]] std::uint16_t checksum() const { return load_be16(bytes_, 16); }
  [[nodiscard]] std::uint16_t urgent() const { return load_be16(bytes_, 18); }
  [[nodiscard]] Bytes options() const { return bytes_.subspan(20, header_len() - 20); }
  [[nodiscard]] Bytes payload() const { return bytes_.subspan(header_len()); }
  [[nodiscard]] Bytes bytes() const { return bytes_; }
  /// True if the checksum over the IPv4 pseudo-header and the segment verifies.
  [[nodiscard]] bool checksum_ok(Ipv4Addr src, Ipv4Addr dst) const;
  /// True if the checksum over the IPv6 pseudo-header (RFC 8200 §8.1) and the
  /// segment verifies.
  [[nodiscard]] bool checksum_ok(const Ipv6Addr& src, const Ipv6Addr& dst) const;

 private:
  explicit TcpView(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// A TCP segment as values. `payload` does not own its bytes: it points into
/// the received packet (after parse) or at the sender's data (to emit).
struct TcpSegment {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  SeqNum seq;
  SeqNum ack;
  TcpFlags flags;
  std::uint8_t reserved = 0;   ///< the 3 reserved bits, sent as given (normally 0)
  std::uint16_t window = 0;    ///< raw field; the engine applies window scale
  std::uint16_t checksum = 0;  ///< as received; emit() computes its own
  std::uint16_t urgent = 0;
  TcpOptions options;
  Bytes payload;

  /// Parses a view, validating the options (errors as TcpOptions::parse).
  static std::expected<TcpSegment, WireError> parse(const TcpView& view);
  /// Header bytes: 20 + options padded to a multiple of 4.
  [[nodiscard]] std::size_t header_size() const { return 20 + options.padded_size(); }
  /// Header plus payload, in bytes.
  [[nodiscard]] std::size_t wire_size() const { return header_size() + payload.size(); }
  /// SEG.LEN of RFC 9293 §3.4: payload bytes plus one for SYN and one for FIN.
  [[nodiscard]] SeqLen seg_len() const {
    return static_cast<SeqLen>(payload.size()) + (flags.syn() ? 1u : 0u) + (flags.fin() ? 1u : 0u);
  }
  /// Writes exactly wire_size() bytes into `out` (which must be at least that
  /// large), with the checksum over the IPv4 pseudo-header of src → dst.
  void emit(MutableBytes out, Ipv4Addr src, Ipv4Addr dst) const;
  /// The same with the checksum over the IPv6 pseudo-header (RFC 8200 §8.1).
  void emit(MutableBytes out, const Ipv6Addr& src, const Ipv6Addr& dst) const;
};

/// A parsed IPv4 datagram carrying TCP.
struct Ipv4TcpPacket {
  Ipv4View ip;
  TcpSegment tcp;
};

/// Parses and fully validates an IPv4+TCP packet: IPv4 header and checksum,
/// protocol 6, not a fragment, TCP header, options and TCP checksum.
/// Errors: any WireError.
std::expected<Ipv4TcpPacket, WireError> parse_ipv4_tcp(Bytes packet);

/// Builds IPv4 + TCP into `out` (at least 20 + seg.wire_size() bytes) and
/// returns the number of bytes written. `ip.protocol` is forced to TCP.
std::size_t emit_ipv4_tcp(MutableBytes out, Ipv4Header ip, const TcpSegment& seg);

}  // namespace synack
