// SPDX-License-Identifier: Apache-2.0
// What the stack saw and did, counted. Every drop has a reason (docs/architecture.md).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "wire/error.hpp"

namespace synack {

/// Why the stack (not the engine) dropped an inbound packet.
enum class StackDrop : std::uint8_t {
  kMalformed,           ///< the wire layer rejected it (see `wire_errors`)
  kNotForUs,            ///< destination is not our address
  kBadSource,           ///< source is broadcast/multicast/zero (RFC 1122 §3.2.1.3)
  kUnknownProtocol,     ///< neither TCP, UDP nor ICMP
  kFragment,            ///< held or dropped by IPv4 reassembly
  kNoConnection,        ///< TCP or UDP to a closed port (TCP: per ClosedPortReply; UDP: ICMP)
  kTooManyConnections,  ///< a new connection over StackConfig::max_connections
  kControlQueueFull,    ///< an RST/ICMP reply not sent: control queue full
  kIcmpIgnored,         ///< ICMP we do not act on
  kReplyRateLimited,    ///< an RST/ICMP reply not sent: StackConfig::reply_rate_limit
  kCount,
};
inline constexpr std::size_t kStackDropCount = static_cast<std::size_t>(StackDrop::kCount);

[[nodiscard]] std::string_view to_string(StackDrop d);

struct StackCounters {
  std::uint64_t ip_in = 0;    ///< IPv4 packets received (any validity)
  std::uint64_t ip_out = 0;   ///< IPv4 packets sent
  std::uint64_t tcp_in = 0;   ///< valid TCP segments received
  std::uint64_t tcp_out = 0;  ///< TCP segments sent
  std::uint64_t rst_out = 0;  ///< RSTs sent for segments to no connection
  std::uint64_t icmp_in = 0;
  std::uint64_t icmp_out = 0;
  std::uint64_t time_wait_evicted = 0;  ///< TIME-WAIT entries not kept (table full)
  std::uint64_t orphans_aborted = 0;    ///< close() answered by RST: max_orphans reached
  /// Orphaned FIN-WAIT-2 connections ended by tcp.fin_wait_2_timeout (the
  /// peer never sent its FIN), as Linux tcp_fin_timeout ends them.
  std::uint64_t fin_wait_2_timeouts = 0;
  /// Of freed connections (Stack::stats() adds the live ones): out-of-order
  /// segments dropped by the reassembler's interval bound (SegmentSmack), and
  /// SACK blocks not recorded because the scoreboard was full.
  std::uint64_t ooo_interval_limit_segments = 0;
  std::uint64_t sack_blocks_ignored = 0;
  std::array<std::uint64_t, kStackDropCount> drops{};
  std::array<std::uint64_t, kWireErrorCount> wire_errors{};  ///< index = WireError

  void drop(StackDrop d) { ++drops[static_cast<std::size_t>(d)]; }
  [[nodiscard]] std::uint64_t dropped(StackDrop d) const {
    return drops[static_cast<std::size_t>(d)];
  }
};

}  // namespace synack
