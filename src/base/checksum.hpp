// SPDX-License-Identifier: Apache-2.0
// The Internet checksum (RFC 1071) with the IPv4 pseudo-header (RFC 9293 §3.1)
// and incremental update (RFC 1624).
//
// The sum is accumulated 8 bytes at a time into a 64-bit register and folded
// once at the end (RFC 1071 §2(B) "deferred carries" and §2(C) byte-order
// independence), so it runs at memory speed; see bench/micro_bench.cc.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"

namespace synack {

/// Running one's-complement sum over a message given in pieces. Pieces may have
/// odd lengths: the next piece is then summed as if it continued the last one.
class Checksum {
 public:
  /// Adds a piece of the message (any length, any alignment).
  Checksum& add(Bytes piece);
  /// Adds one 16-bit word given in host order (as it reads on the wire, big-endian).
  Checksum& add_be16(std::uint16_t word);
  /// Adds one 32-bit word given in host order (two 16-bit words).
  Checksum& add_be32(std::uint32_t word);
  /// The folded one's-complement sum (not yet complemented).
  [[nodiscard]] std::uint16_t sum() const;
  /// The checksum field value: the complement of the sum. A message that
  /// includes a correct checksum field yields 0 here.
  [[nodiscard]] std::uint16_t finish() const { return static_cast<std::uint16_t>(~sum()); }

 private:
  std::uint64_t acc_ = 0;  // big-endian-domain partial sum, carries deferred
  bool odd_ = false;       // the pieces so far have an odd total length
};

/// The checksum field value for `data` alone (e.g. an IPv4 header).
[[nodiscard]] std::uint16_t internet_checksum(Bytes data);

/// Starts a TCP/UDP checksum with the IPv4 pseudo-header (RFC 9293 §3.1):
/// source, destination (host order), zero, protocol, and the TCP length in bytes
/// (header + data). Add the segment itself, then finish().
[[nodiscard]] Checksum pseudo_header_ipv4(std::uint32_t src, std::uint32_t dst,
                                          std::uint8_t protocol, std::uint16_t length);

/// RFC 1624 eqn. 3: the new checksum field after one 16-bit word of the
/// covered data changes from `old_word` to `new_word`: HC' = ~(~HC + ~m + m').
[[nodiscard]] std::uint16_t checksum_update16(std::uint16_t old_checksum, std::uint16_t old_word,
                                              std::uint16_t new_word);

/// checksum_update16 for a 32-bit field (addresses, sequence numbers).
[[nodiscard]] std::uint16_t checksum_update32(std::uint16_t old_checksum, std::uint32_t old_value,
                                              std::uint32_t new_value);

}  // namespace synack
