// SPDX-License-Identifier: Apache-2.0
// Bounded recording of a long connection: events are fed one by one and the
// diagram keeps the beginning, every event that matters, and a summary row
// for each stretch in between — so a recorder's memory stays bounded however
// long the connection runs (live --trace, captures).
//
// The first `head` events are kept. After that, packets are held in a ring of
// `context`; those that fall out of it collapse into one summary note ("…
// 68,200 segments (68,100 with data, 98.4 MB) in 0.81 s, 3 retransmissions
// …"). A pinned event — a state change, a note, a segment with SYN, FIN or
// RST — is kept with the `context` packets before it and after it; at most
// `max_pinned` are (an RST storm collapses too, state changes always stay).
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "base/seq.hpp"
#include "viz/run.hpp"

namespace synack::viz {

/// The first characters of every summary note's text ("… 1,234 segments ...").
/// The analysis (analysis.hpp) forgets each direction's sequence history at a
/// summary, so the first segment after it is not "previous segment not captured".
inline constexpr std::string_view kSummaryPrefix = "… ";

/// True for a summary note written by EventCollapser.
[[nodiscard]] inline bool is_summary(const Event& e) {
  const auto* n = std::get_if<NoteEvent>(&e);
  return n != nullptr && !n->endpoint && n->text.starts_with(kSummaryPrefix);
}

struct CollapseOptions {
  std::size_t head = 40;         ///< events kept from the start before collapsing
  std::size_t context = 6;       ///< packets kept before and after each pinned event
  std::size_t max_pinned = 200;  ///< pinned events at most (state changes always kept)
  bool expand = false;           ///< keep everything (memory grows with events)
};

class EventCollapser {
 public:
  explicit EventCollapser(CollapseOptions o = {}) : opt_(o), direct_(o.head) {}

  /// The next event, in time order. Packets between endpoints 0 and 1 feed
  /// the per-direction retransmission count of the summaries.
  void add(Event e);
  /// The kept events and summaries, in order (flushes what is held).
  [[nodiscard]] std::vector<Event> finish();
  /// The kept events so far, without flushing (for a live snapshot).
  [[nodiscard]] std::vector<Event> snapshot() const;

  /// Packets collapsed into summaries so far.
  [[nodiscard]] std::uint64_t collapsed() const { return collapsed_; }
  /// Events held in memory now (kept + ring), bounded unless expand.
  [[nodiscard]] std::size_t held() const { return out_.size() + ring_.size(); }

 private:
  struct Summary {
    std::uint64_t segments = 0, with_data = 0, bytes = 0, retransmissions = 0, notes = 0;
    Instant first, last;
  };
  [[nodiscard]] bool retransmission(const PacketEvent& p);
  void collapse(Event e);
  void flush_ring();
  static void append_summary(const Summary& s, std::vector<Event>& out);

  CollapseOptions opt_;
  std::size_t direct_;
  std::size_t pinned_ = 0;
  std::vector<Event> out_;
  std::deque<Event> ring_;
  std::deque<bool> ring_retx_;
  Summary summary_;
  std::uint64_t collapsed_ = 0;
  SeqNum max_end_[2];
  bool sent_any_[2] = {false, false};
};

}  // namespace synack::viz
