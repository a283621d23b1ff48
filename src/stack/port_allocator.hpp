// SPDX-License-Identifier: Apache-2.0
// Ephemeral port selection, RFC 6056 §3.3.4 Algorithm 4 ("double-hash port
// selection"): the starting point depends on a keyed hash of the connection's
// addresses and remote port, so ports are hard for an off-path attacker to
// guess, while a per-bucket counter keeps successive connections to the same
// peer from reusing a port immediately.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <system_error>

#include "base/siphash.hpp"
#include "wire/ipv6_addr.hpp"

namespace synack {

class PortAllocator {
 public:
  /// The range of ephemeral ports, inclusive. Default: Linux's
  /// net.ipv4.ip_local_port_range (32768–60999).
  struct Range {
    std::uint16_t first = 32768;
    std::uint16_t last = 60999;
  };

  PortAllocator(SipKey secret, Range range);
  explicit PortAllocator(SipKey secret) : PortAllocator(secret, Range{}) {}

  /// Picks a local port for a connection from `local` to `remote:remote_port`
  /// (either family; RFC 6056 hashes the addresses as they are on the wire).
  /// `in_use(port)` says whether that 4-tuple is taken. Error:
  /// std::errc::address_not_available when every port in the range is taken.
  template <typename InUse>
  std::expected<std::uint16_t, std::errc> pick(const IpAddr& local, const IpAddr& remote,
                                               std::uint16_t remote_port, InUse&& in_use) {
    const std::uint32_t span = std::uint32_t{range_.last} - range_.first + 1;
    const std::uint64_t offset = hash(local, remote, remote_port, 0);
    std::uint16_t& counter = table_[hash(local, remote, remote_port, 1) % table_.size()];
    for (std::uint32_t tries = 0; tries < span; ++tries) {
      const auto port = static_cast<std::uint16_t>(range_.first + (offset + counter) % span);
      ++counter;
      if (!in_use(port)) return port;
    }
    return std::unexpected(std::errc::address_not_available);
  }

  [[nodiscard]] Range range() const { return range_; }

 private:
  [[nodiscard]] std::uint64_t hash(const IpAddr& local, const IpAddr& remote, std::uint16_t port,
                                   std::uint8_t which) const;

  SipKey secret_;
  Range range_;
  std::array<std::uint16_t, 256> table_{};  // RFC 6056 "TABLE_LENGTH"
};

}  // namespace synack
