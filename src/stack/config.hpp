// SPDX-License-Identifier: Apache-2.0
// Stack configuration: one struct for the layer (docs/architecture.md, "Configuration
// is data"), holding the engine's tcp::Config and the IP-level knobs.
#pragma once

#include <cstdint>

#include "base/siphash.hpp"
#include "stack/ip_reassembly.hpp"
#include "stack/port_allocator.hpp"
#include "stack/udp_sockets.hpp"
#include "tcp/config.hpp"
#include "wire/ipv4.hpp"

namespace synack {

/// What the stack answers to a TCP segment for a port nobody listens on.
enum class ClosedPortReply : std::uint8_t {
  kRst,              ///< RFC 9293 §3.10.7.1 reset (Linux, FreeBSD)
  kIcmpUnreachable,  ///< ICMP port unreachable (RFC 792 code 3), as UDP does
  kNothing,          ///< silently drop (FreeBSD net.inet.tcp.blackhole=2)
};

struct StackConfig {
  /// Our IPv4 address (one interface, one address).
  Ipv4Addr address = Ipv4Addr::from_octets(10, 0, 0, 2);
  /// Link MTU in bytes; the MSS we advertise is min(tcp.mss, mtu − 40).
  std::uint16_t mtu = 1500;
  /// TTL of packets we send (Linux net.ipv4.ip_default_ttl 64).
  std::uint8_t ttl = 64;
  /// Answer ICMP echo requests (RFC 1122 §3.2.2.6: MUST).
  bool icmp_echo = true;
  /// Any-destination mode (tun2socks, transparent proxies): accept packets
  /// for every unicast destination address, not only `address`, and answer
  /// from the address each was sent to. A Stack::listen_any() socket then
  /// terminates TCP to any address and port; replies for closed ports leave
  /// from the destination the packet named. Default off (RFC 9293 MUST-57).
  bool any_destination = false;
  /// Reply for segments to closed ports.
  ClosedPortReply closed_port = ClosedPortReply::kRst;
  /// Bounds of IPv4 fragment reassembly.
  ReassemblyConfig reassembly{};
  /// Ephemeral port range (Linux net.ipv4.ip_local_port_range 32768–60999).
  PortAllocator::Range ports{};
  /// Most connections (TCBs) at once, established or half-open; beyond it
  /// connect() fails with ENOBUFS and SYNs are dropped (counted).
  std::size_t max_connections = 1u << 20;
  /// Most compact TIME-WAIT entries (Linux net.ipv4.tcp_max_tw_buckets 262144);
  /// beyond it a connection leaving for TIME-WAIT is freed at once (counted).
  std::size_t max_time_wait = 262144;
  /// Most packets queued for transmission that belong to no connection
  /// (RSTs, ICMP); beyond it they are dropped (counted).
  std::size_t max_control_queue = 1024;
  /// Most orphaned connections (closed by the application, still finishing:
  /// FIN-WAIT-*, CLOSING, LAST-ACK); a close() beyond it aborts with a RST
  /// instead (counted as orphans_aborted; Linux net.ipv4.tcp_max_orphans,
  /// "too many orphaned sockets"). Orphaned FIN-WAIT-2 also ends after
  /// tcp.fin_wait_2_timeout.
  std::size_t max_orphans = 16384;
  /// Replies to packets that belong to no connection — RSTs for closed ports,
  /// ICMP echo replies and unreachables — at most this many per second
  /// (FreeBSD net.inet.icmp.icmplim 200, which also bounds those RSTs); the
  /// rest are dropped and counted (StackDrop::kReplyRateLimited). 0 = no limit.
  std::uint32_t reply_rate_limit = 200;
  /// Key for the demux hash and port selection (inject a fixed one for
  /// reproducible runs; the ISN key is tcp.isn_secret).
  SipKey secret{};
  /// Bounds of UDP (queues, sockets).
  UdpConfig udp{};
  /// The engine's configuration.
  tcp::Config tcp{};
};

}  // namespace synack
