// SPDX-License-Identifier: Apache-2.0
// Wireshark-style analysis of a run's segments: relative sequence numbers per
// direction and the expert tags people know from Wireshark ("[TCP
// Retransmission]", "[TCP Dup ACK 5#1]" ...).
//
// The capture point is the whole network: every segment a sender emits is
// seen in send order, including those the link later drops. Definitions
// (adapted from Wireshark's tcp_analyze_sequence_number, per direction
// from → to):
//  - Retransmission: SEG.LEN > 0 and SEG.SEQ before the highest sequence
//    number already sent in this direction (and not a keep-alive). The first
//    SYN,ACK after a bare SYN of a simultaneous open is not a retransmission.
//  - Spurious Retransmission: a retransmission whose bytes had already been
//    acknowledged by an ACK that *arrived* at the sender before it was sent.
//  - Dup ACK N#M: a pure ACK (no data, no SYN/FIN/RST) repeating the previous
//    ACK number and window of this direction; N is the frame number of the
//    first ACK with that number, M counts the duplicates.
//  - Out-Of-Order: a new (not retransmitted) segment that arrived after a
//    later-sent segment of the same direction with a higher SEG.SEQ.
//  - Keep-Alive: SEG.LEN ≤ 1 and SEG.SEQ = highest sent − 1, no SYN/FIN/RST.
//  - ZeroWindow: window 0 on a segment without SYN/FIN/RST.
//  - Window Full: data that fills the peer's last advertised window exactly.
//  - Previous segment not captured: SEG.SEQ beyond the highest sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/run.hpp"

namespace synack::viz {

/// One expert tag; rendered by tag_text().
enum class Tag : std::uint8_t {
  kRetransmission,
  kSpuriousRetransmission,
  kDupAck,
  kOutOfOrder,
  kKeepAlive,
  kZeroWindow,
  kWindowFull,
  kPreviousSegmentNotCaptured,
};

/// What the analysis says about one PacketEvent.
struct PacketInfo {
  std::size_t event_index = 0;  ///< index into Run::events
  std::uint32_t number = 0;     ///< frame number, 1-based, in packet order
  std::int64_t seq = 0;         ///< relative SEG.SEQ (raw value if absolute)
  std::int64_t ack = 0;         ///< relative SEG.ACK (raw value if absolute)
  std::uint64_t window = 0;     ///< window in bytes (scaled once both SYNs carried wscale)
  std::vector<Tag> tags;
  std::uint32_t dup_ack_of = 0;     ///< frame number N of "Dup ACK N#M"
  std::uint32_t dup_ack_count = 0;  ///< M of "Dup ACK N#M"

  [[nodiscard]] bool has(Tag t) const;
  /// Wireshark's words for each tag: "[TCP Retransmission]", "[TCP Dup ACK 3#1]".
  [[nodiscard]] std::vector<std::string> tag_texts() const;
};

/// The analysis of a whole run.
struct Analysis {
  std::vector<PacketInfo> packets;  ///< one per PacketEvent, in event order
  /// Per endpoint: the sequence number relative numbers count from (its ISN,
  /// else its first SYN's SEG.SEQ, else its first SEG.SEQ); nullopt if it sent nothing.
  std::vector<std::optional<std::uint32_t>> base;
  /// Per endpoint: the SEG.SEQ of every SYN,ACK it sent (at most kMaxIsns),
  /// for runs where one endpoint answers several connections (a SYN flood's
  /// spoofed clients): each number counts from the nearest ISN below it. Bare
  /// SYNs keep counting from base, so a new incarnation's SYN shows how far
  /// its ISN moved (old-duplicate-syn).
  std::vector<std::vector<std::uint32_t>> isns;
  static constexpr std::size_t kMaxIsns = 64;
  bool absolute = false;

  /// The info for Run::events[event_index], or nullptr if that is not a packet.
  [[nodiscard]] const PacketInfo* for_event(std::size_t event_index) const;
  /// A raw sequence number of endpoint `owner`'s space, relative unless
  /// absolute: the distance (mod 2^32, so never negative) from base[owner]
  /// or, if nearer, from one of isns[owner] at or below it.
  [[nodiscard]] std::int64_t relative(std::uint32_t raw, EndpointId owner) const;
};

/// Analyses every packet of the run. `absolute`: keep raw sequence numbers.
[[nodiscard]] Analysis analyze(const Run& run, bool absolute = false);

}  // namespace synack::viz
