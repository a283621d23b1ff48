// SPDX-License-Identifier: Apache-2.0
// Packet matching and building for one connection under test, following
// docs/conformance.md "Matching an outbound (>) line":
//
// - The stack's sequence numbers are relative to its own first SYN/SYN-ACK
//   (script seq 0 = its ISN); the script's (remote) numbers are used as written.
// - Flags (all), ack (omitted = 0), reserved bits and urgent pointer compare
//   exactly; win compares raw, only if given; options compare kind, order,
//   length and value byte for byte (NOP/EOL placement included) except TS
//   val/ecr; "<...>" skips them; payload bytes compare (scripts write zeros).
// - An inbound TS ecr names a scripted TS val of the stack; it is mapped to
//   the TS val the stack actually sent.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drill/ast.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

namespace synack::drill {

/// Script ↔ live numbering of one connection under test.
struct SeqMap {
  /// The stack's live ISN (its first SYN or SYN-ACK); 0 until seen, so before
  /// that script numbers pass through unchanged (as in packetdrill).
  std::uint32_t local_isn = 0;
  bool have_local_isn = false;
  /// Scripted TS val → the TS val the stack sent in that segment.
  std::map<std::uint32_t, std::uint32_t> ts_val;
  /// The first (script, live) TS val pair, to interpolate unmatched ecr values.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> first_ts;

  /// Live sequence number of the stack's script-space `seq`.
  [[nodiscard]] std::uint32_t local_to_live(std::uint32_t seq) const { return seq + local_isn; }
  /// Script-space number of the stack's live `seq`.
  [[nodiscard]] std::uint32_t local_to_script(std::uint32_t seq) const { return seq - local_isn; }
  /// The live TSecr for a scripted ecr: the exact mapping if the script's TS val
  /// was seen, else interpolated from the first mapping, else as written.
  [[nodiscard]] std::uint32_t map_ecr(std::uint32_t script_ecr) const;
};

/// The 4-tuple of the connection under test (the stack is "local").
struct Endpoints {
  Ipv4Addr local_addr;
  Ipv4Addr remote_addr;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
};

/// A live packet parsed from the stack's output. Move-only: `packet` points
/// into `bytes` (a moved vector keeps its buffer).
struct LivePacket {
  LivePacket(std::vector<std::byte> b, Ipv4TcpPacket p) : bytes(std::move(b)), packet(p) {}
  LivePacket(const LivePacket&) = delete;
  LivePacket& operator=(const LivePacket&) = delete;
  LivePacket(LivePacket&&) = default;
  LivePacket& operator=(LivePacket&&) = default;
  ~LivePacket() = default;

  std::vector<std::byte> bytes;
  Ipv4TcpPacket packet;
};

/// Parses an outbound IPv4/TCP packet. Errors: the WireError's name.
[[nodiscard]] std::expected<LivePacket, std::string> parse_live(std::vector<std::byte> bytes);

/// Several consecutive live segments as the one TSO segment they were cut
/// from (packetdrill scripts written for TSO expect one packet of up to 64 KB):
/// the first's header and options, payloads concatenated, PSH and FIN of the
/// last. `parts` must be non-empty, in order and contiguous.
[[nodiscard]] LivePacket coalesce(const std::vector<LivePacket>& parts);

/// Compares a live outbound packet with a `>` line. nullopt when it matches,
/// else packetdrill's message, e.g.
/// "live packet field tcp_ack_seq: expected: 1 vs actual: 0".
[[nodiscard]] std::optional<std::string> match_outbound(const PacketEvent& script,
                                                        const LivePacket& live, const SeqMap& map);

/// Before matching: an outbound SYN sets the connection's ISN if it has none
/// (so that the SYN itself reads as the scripted seq, 0 by convention).
void learn_isn(const PacketEvent& script, const LivePacket& live, SeqMap& map);

/// After a match: records the scripted → live TS val of the segment.
void learn_timestamps(const PacketEvent& script, const LivePacket& live, SeqMap& map);

/// Builds the IPv4 datagram for a `<` line: seq as written, ack and SACK
/// blocks shifted by the stack's ISN (unless written "N!"), TS ecr mapped,
/// payload of `len` zero bytes, window 0 when not given.
[[nodiscard]] std::vector<std::byte> build_inbound(const PacketEvent& script, const SeqMap& map,
                                                   const Endpoints& ends);

/// The live packet in script space (seq relative to the ISN), printed with the
/// wire layer's printer: "S. 0:0(0) ack 1 win 65535 <mss 1460>".
[[nodiscard]] std::string format_live(const LivePacket& live, const SeqMap& map);

/// The option bytes a script list stands for, padded with EOL to a multiple
/// of 4 bytes. `ignore` (same size) marks the TS val/ecr bytes.
std::vector<std::byte> script_option_bytes(const std::vector<OptionSpec>& options,
                                           std::vector<bool>* ignore = nullptr,
                                           const SeqMap* inbound_map = nullptr);

}  // namespace synack::drill
