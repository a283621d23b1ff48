// SPDX-License-Identifier: Apache-2.0
// UDP (RFC 768): a checked view over a received datagram and a value type that
// emits exactly wire_size() bytes with its checksum (IPv4 pseudo-header,
// RFC 768 "Fields"; a computed 0 is sent as 0xffff, a received 0 means "no
// checksum", RFC 1122 §4.1.3.4).
#pragma once

#include <cstdint>
#include <expected>

#include "base/bytes.hpp"
#include "wire/error.hpp"
#include "wire/ipv4.hpp"

namespace synack {

/// A validated UDP datagram: at least 8 bytes, 8 ≤ length field ≤ the buffer.
/// Bytes past the length field (link padding) are not part of it.
class UdpView {
 public:
  static constexpr std::size_t kHeaderSize = 8;
  /// Errors: kTruncated (< 8 bytes), kUdpBadLength.
  static std::expected<UdpView, WireError> parse(Bytes datagram);

  [[nodiscard]] std::uint16_t src_port() const { return load_be16(bytes_, 0); }
  [[nodiscard]] std::uint16_t dst_port() const { return load_be16(bytes_, 2); }
  /// The length field: header + payload, bytes.
  [[nodiscard]] std::uint16_t length() const { return load_be16(bytes_, 4); }
  [[nodiscard]] std::uint16_t checksum() const { return load_be16(bytes_, 6); }
  [[nodiscard]] Bytes payload() const { return bytes_.subspan(kHeaderSize); }
  /// The datagram (header + payload, as long as the length field says).
  [[nodiscard]] Bytes bytes() const { return bytes_; }
  /// True when the checksum field is 0 (not computed by the sender) or the
  /// sum over the IPv4 pseudo-header and the datagram verifies.
  [[nodiscard]] bool checksum_ok(Ipv4Addr src, Ipv4Addr dst) const;

 private:
  explicit UdpView(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// A UDP datagram to send: ports and payload (not owned).
struct UdpDatagram {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  Bytes payload;

  [[nodiscard]] std::size_t wire_size() const { return UdpView::kHeaderSize + payload.size(); }
  /// Writes wire_size() (≤ 65535) bytes into `out` with the checksum for src → dst.
  void emit(MutableBytes out, Ipv4Addr src, Ipv4Addr dst) const;
};

/// Writes an IPv4 header (protocol 17, total length set) and `d` into `out`
/// (≥ 20 + d.wire_size() bytes); returns the packet's length.
std::size_t emit_ipv4_udp(MutableBytes out, Ipv4Header ip, const UdpDatagram& d);

}  // namespace synack
