// SPDX-License-Identifier: Apache-2.0
// Receiver-side SACK and D-SACK block generation (RFC 2018 §4, RFC 2883 §4).
//
// The generator remembers the out-of-order intervals in the order they were
// last touched by an arriving segment. The SACK option of the next ACK is:
//   [D-SACK block]  the duplicate range of the segment just received, if any
//                   (RFC 2883 §4 (1)); if that range lies inside a held
//                   interval, that interval comes next (§4 (2));
//   first block     the interval holding the segment that triggered the ACK
//                   (RFC 2018 §4: "MUST specify the contiguous block of data
//                   containing the segment which triggered this ACK");
//   then            the other intervals, most recently touched first ("SHOULD
//                   be filled out by repeating the most recently reported SACK
//                   blocks"), never a block already included.
// At most 4 blocks, or 3 when timestamps are in use (10 + 2 + 8·3 ≤ 40 option
// bytes). The D-SACK block is reported in one ACK only (ack_sent()).
//
// Work happens in 64-bit stream offsets (the Reassembler's ByteRange);
// to_sack_blocks() converts to SeqNum for the wire.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/seq.hpp"
#include "tcp/reassembly.hpp"
#include "wire/tcp_options.hpp"

namespace synack::tcp {

/// Up to four blocks in stream offsets, in the order they go on the wire.
struct SackRanges {
  std::array<ByteRange, 4> blocks{};
  std::size_t count = 0;
  /// Whether blocks[0] is a D-SACK block (RFC 2883).
  bool dsack = false;
  [[nodiscard]] std::span<const ByteRange> view() const { return {blocks.data(), count}; }
};

/// Blocks as they go into the SACK option (RFC 2018 §3).
struct SackList {
  std::array<SackBlock, 4> blocks{};
  std::size_t count = 0;
  [[nodiscard]] std::span<const SackBlock> view() const { return {blocks.data(), count}; }
};

/// Converts offsets to sequence numbers. `data_isn` is the sequence number of
/// stream offset 0: irs + 1 for the receive direction (the SYN takes irs).
[[nodiscard]] SackList to_sack_blocks(const SackRanges& ranges, SeqNum data_isn);

/// Most blocks that fit: 4, or 3 with the timestamps option (RFC 2018 §3).
[[nodiscard]] constexpr std::size_t max_sack_blocks(bool timestamps) {
  return timestamps ? 3 : 4;
}

class SackGenerator {
 public:
  /// `dsack`: report duplicates (RFC 2883) — only when the peer sent
  /// SACK-permitted; Linux does by default (net.ipv4.tcp_dsack = 1).
  explicit SackGenerator(bool dsack = true) : dsack_(dsack) {}

  /// Records a data segment's arrival after Reassembler::insert():
  /// `result` is what insert() returned and `held` the reassembler's
  /// intervals() after it. Call for every segment with text, in order.
  void on_segment(const InsertResult& result, std::span<const ByteRange> held);

  /// The blocks for the next ACK (at most `max_blocks`, 1..4), given the
  /// reassembler's current intervals and rcv.nxt. Empty when nothing is held
  /// and there is no duplicate to report.
  [[nodiscard]] SackRanges build(std::span<const ByteRange> held, std::uint64_t rcv_nxt,
                                 std::size_t max_blocks) const;

  /// An ACK carrying build()'s blocks was sent: the D-SACK block is reported
  /// once only (RFC 2883 §4).
  void ack_sent() { duplicate_ = {}; }

  /// Forgets everything (connection reset).
  void clear();

 private:
  bool dsack_;
  ByteRange duplicate_;  // pending D-SACK range, empty if none
  // One offset inside each remembered interval, most recently touched first.
  // Intervals merge as holes fill, so an entry is resolved against the
  // reassembler's current intervals whenever it is used.
  std::vector<std::uint64_t> recent_;
};

}  // namespace synack::tcp
