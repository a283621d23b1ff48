// SPDX-License-Identifier: Apache-2.0
// The TCP conversations of a capture, numbered as tshark's tcp.stream (0, 1,
// ... in the order of their first segment), with what `synack draw --list`
// prints about each. Memory grows with the number of conversations only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/time.hpp"
#include "capture/segment.hpp"

namespace synack::capture {

/// What is known about one conversation after the segments seen so far.
struct Conversation {
  std::size_t stream = 0;  ///< tcp.stream number
  SocketAddr a;            ///< the side that sent the first SYN (else the first segment)
  SocketAddr b;
  std::uint64_t first_frame = 0;  ///< frame number of its first segment
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  ///< TCP payload bytes, both directions
  Instant first, last;      ///< capture times of the first and last segment
  bool syn = false;         ///< a bare SYN was seen
  std::uint32_t syn_seq = 0;
  bool syn_ack = false;  ///< B answered with a SYN,ACK (else nothing listened, or it stayed silent)
  bool fin_a = false, fin_b = false, rst = false;

  /// Saw the opening SYN and either both FINs or an RST.
  [[nodiscard]] bool complete() const { return syn && ((fin_a && fin_b) || rst); }
  /// How it ended: "FIN both ways", "RST", "FIN from A only", "FIN from B only", "open".
  [[nodiscard]] std::string ending() const;
  /// True if `s` was sent by a.
  [[nodiscard]] bool from_a(const Segment& s) const { return s.src == a && s.dst == b; }
};

/// Assigns each segment to its conversation.
class ConversationTable {
 public:
  /// Records `s`, captured at `t` in frame `frame`, and returns its stream
  /// number. A bare SYN with a new ISN on the tuple of a conversation that
  /// already ended (FIN or RST) starts a new stream (port reuse).
  std::size_t observe(const Segment& s, Instant t, std::uint64_t frame);

  [[nodiscard]] const std::vector<Conversation>& all() const { return conversations_; }
  /// The first complete conversation, else stream 0; nullopt if there is none.
  [[nodiscard]] std::optional<std::size_t> default_stream() const;

 private:
  using Key = std::pair<SocketAddr, SocketAddr>;  // (lower, higher)
  std::map<Key, std::size_t> current_;
  std::vector<Conversation> conversations_;
};

/// The --list table: one header line and one line per conversation:
/// "  0  10.0.0.1:40000 → 10.0.0.2:80  12 pkts  1.0 KiB  0.052 s  FIN both ways".
[[nodiscard]] std::string format_list(const std::vector<Conversation>& all);

}  // namespace synack::capture
