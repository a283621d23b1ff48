// SPDX-License-Identifier: Apache-2.0
#include "viz/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "viz/collapse.hpp"

namespace synack::viz {

bool PacketInfo::has(Tag t) const {
  return std::ranges::find(tags, t) != tags.end();
}

std::vector<std::string> PacketInfo::tag_texts() const {
  std::vector<std::string> out;
  for (Tag t : tags) {
    switch (t) {
      case Tag::kRetransmission:
        out.emplace_back("[TCP Retransmission]");
        break;
      case Tag::kSpuriousRetransmission:
        out.emplace_back("[TCP Spurious Retransmission]");
        break;
      case Tag::kDupAck:
        out.push_back(fmt::format("[TCP Dup ACK {}#{}]", dup_ack_of, dup_ack_count));
        break;
      case Tag::kOutOfOrder:
        out.emplace_back("[TCP Out-Of-Order]");
        break;
      case Tag::kKeepAlive:
        out.emplace_back("[TCP Keep-Alive]");
        break;
      case Tag::kZeroWindow:
        out.emplace_back("[TCP ZeroWindow]");
        break;
      case Tag::kWindowFull:
        out.emplace_back("[TCP Window Full]");
        break;
      case Tag::kPreviousSegmentNotCaptured:
        out.emplace_back("[TCP Previous segment not captured]");
        break;
    }
  }
  return out;
}

const PacketInfo* Analysis::for_event(std::size_t event_index) const {
  auto it = std::ranges::lower_bound(packets, event_index, {}, &PacketInfo::event_index);
  return it != packets.end() && it->event_index == event_index ? &*it : nullptr;
}

std::int64_t Analysis::relative(std::uint32_t raw, EndpointId owner) const {
  if (absolute || owner >= base.size() || !base[owner]) return raw;
  // The nearest ISN at or below `raw` (mod 2^32): a SYN,ACK answers one
  // connection, so with several drawn against one endpoint (a SYN flood's
  // spoofed clients) each counts from its own SYN,ACK.
  std::uint32_t best = raw - *base[owner];
  if (owner < isns.size()) {
    for (const std::uint32_t isn : isns[owner]) best = std::min(best, raw - isn);
  }
  return best;
}

namespace {

// What has been seen so far in one direction (from → to).
struct Direction {
  bool sent_any = false;
  bool sent_syn_ack = false;
  SeqNum max_end;  // highest SEG.SEQ + SEG.LEN sent
  bool ack_valid = false;
  std::uint32_t last_ack = 0;
  std::uint16_t last_win = 0;
  std::uint32_t ack_frame = 0;  // frame of the first ACK with last_ack
  std::uint32_t dup_count = 0;
  std::optional<std::uint64_t> right_edge;  // last SEG.ACK + window advertised
};

std::vector<std::optional<std::uint32_t>> compute_bases(const Run& run) {
  std::vector<std::optional<std::uint32_t>> base(run.endpoints.size());
  std::vector<std::optional<std::uint32_t>> first_syn(base.size()), first_seq(base.size());
  for (const auto& e : run.events) {
    const auto* p = std::get_if<PacketEvent>(&e);
    if (!p || p->from >= base.size()) continue;
    if (!first_seq[p->from]) first_seq[p->from] = p->tcp.seq;
    if (p->tcp.flags.syn() && !first_syn[p->from]) first_syn[p->from] = p->tcp.seq;
  }
  for (std::size_t i = 0; i < base.size(); ++i) {
    base[i] = run.endpoints[i].isn ? run.endpoints[i].isn
              : first_syn[i]       ? first_syn[i]
                                   : first_seq[i];
  }
  return base;
}

// Window scale shift per endpoint, when both ends of a pair offered it (RFC 7323 §2.2).
std::vector<unsigned> compute_shifts(const Run& run) {
  std::vector<std::optional<std::uint8_t>> offered(run.endpoints.size());
  for (const auto& e : run.events) {
    const auto* p = std::get_if<PacketEvent>(&e);
    if (p && p->from < offered.size() && p->tcp.flags.syn() && p->tcp.options.window_scale) {
      offered[p->from] = std::min<std::uint8_t>(*p->tcp.options.window_scale, 14);
    }
  }
  const bool all = std::ranges::all_of(offered, [](const auto& o) { return o.has_value(); });
  std::vector<unsigned> shift(offered.size(), 0);
  if (all) {
    for (std::size_t i = 0; i < shift.size(); ++i) shift[i] = *offered[i];
  }
  return shift;
}

// Highest ACK from `peer` to `self` that arrived intact before `t`.
std::optional<SeqNum> acked_before(const Run& run, EndpointId self, EndpointId peer, Instant t) {
  std::optional<SeqNum> best;
  for (const auto& e : run.events) {
    const auto* p = std::get_if<PacketEvent>(&e);
    if (!p || p->from != peer || p->to != self || !p->tcp.flags.ack()) continue;
    if (!p->arrived || *p->arrived > t || p->fate == Fate::kCorrupted) continue;
    const SeqNum a(p->tcp.ack);
    if (!best || seq_gt(a, *best)) best = a;
  }
  return best;
}

void tag_sequence(const Run& run, const PacketEvent& p, Direction& d, PacketInfo& info) {
  const auto& f = p.tcp;
  const SeqNum seq(f.seq);
  const SeqNum end = seq + f.seg_len();
  const bool control = f.flags.syn() || f.flags.fin() || f.flags.rst();
  if (d.sent_any && !f.flags.rst()) {
    if (f.seg_len() <= 1 && !control && seq == d.max_end - 1) {
      info.tags.push_back(Tag::kKeepAlive);
    } else if (f.flags.syn() && f.flags.ack() && !d.sent_syn_ack && seq == d.max_end - 1) {
      // Simultaneous open (RFC 9293 Figure 8): the SYN,ACK repeats our SYN's
      // sequence number with the ACK added; it is the next step, not a repeat.
    } else if (f.seg_len() > 0 && seq_lt(seq, d.max_end)) {
      info.tags.push_back(Tag::kRetransmission);
      auto acked = acked_before(run, p.from, p.to, p.sent);
      if (acked && seq_le(end, *acked)) info.tags.push_back(Tag::kSpuriousRetransmission);
    } else if (seq_gt(seq, d.max_end) && !f.flags.syn()) {
      info.tags.push_back(Tag::kPreviousSegmentNotCaptured);
    }
  }
  if (!f.flags.rst() && (!d.sent_any || seq_gt(end, d.max_end))) d.max_end = end;
  if (!f.flags.rst()) d.sent_any = true;
  if (f.flags.syn() && f.flags.ack()) d.sent_syn_ack = true;
}

void tag_ack(const PacketEvent& p, Direction& d, PacketInfo& info) {
  const auto& f = p.tcp;
  if (!f.flags.ack()) return;
  const bool pure = f.seg_len() == 0 && !f.flags.syn() && !f.flags.fin() && !f.flags.rst();
  if (pure && d.ack_valid && f.ack == d.last_ack && f.window == d.last_win && f.window != 0) {
    ++d.dup_count;
    info.tags.push_back(Tag::kDupAck);
    info.dup_ack_of = d.ack_frame;
    info.dup_ack_count = d.dup_count;
    return;
  }
  if (f.flags.rst()) return;
  d.ack_valid = true;
  d.last_ack = f.ack;
  d.last_win = f.window;
  d.ack_frame = info.number;
  d.dup_count = 0;
}

void tag_window(const PacketEvent& p, const Direction& reverse, PacketInfo& info) {
  const auto& f = p.tcp;
  if (f.window == 0 && !f.flags.syn() && !f.flags.fin() && !f.flags.rst()) {
    info.tags.push_back(Tag::kZeroWindow);
  }
  if (f.len > 0 && reverse.right_edge &&
      (std::uint64_t{f.seq} + f.seg_len()) % (1ull << 32) == *reverse.right_edge % (1ull << 32)) {
    info.tags.push_back(Tag::kWindowFull);
  }
}

// Out-Of-Order: a new segment that arrived after a later-sent, higher segment.
void tag_out_of_order(const Run& run, Analysis& a) {
  for (auto& info : a.packets) {
    const auto& p = std::get<PacketEvent>(run.events[info.event_index]);
    if (!p.arrived || p.tcp.seg_len() == 0 || info.has(Tag::kRetransmission)) continue;
    for (const auto& other : a.packets) {
      if (other.number <= info.number) continue;
      const auto& q = std::get<PacketEvent>(run.events[other.event_index]);
      if (q.from == p.from && q.to == p.to && q.arrived && *q.arrived < *p.arrived &&
          seq_gt(SeqNum(q.tcp.seq), SeqNum(p.tcp.seq))) {
        info.tags.push_back(Tag::kOutOfOrder);
        break;
      }
    }
  }
}

}  // namespace

Analysis analyze(const Run& run, bool absolute) {
  Analysis a;
  a.absolute = absolute;
  a.base = compute_bases(run);
  a.isns.resize(run.endpoints.size());
  for (const auto& e : run.events) {
    const auto* p = std::get_if<PacketEvent>(&e);
    if (!p || p->from >= a.isns.size() || !p->tcp.flags.syn() || !p->tcp.flags.ack()) continue;
    auto& known = a.isns[p->from];
    if (known.size() < Analysis::kMaxIsns && std::ranges::find(known, p->tcp.seq) == known.end()) {
      known.push_back(p->tcp.seq);
    }
  }
  const auto shift = compute_shifts(run);
  std::map<std::pair<EndpointId, EndpointId>, Direction> dirs;
  std::uint32_t number = 0;
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    if (is_summary(run.events[i])) {
      for (auto& [key, d] : dirs) d = Direction{};  // segments were collapsed here
    }
    const auto* p = std::get_if<PacketEvent>(&run.events[i]);
    if (!p) continue;
    PacketInfo info;
    info.event_index = i;
    info.number = ++number;
    info.seq = a.relative(p->tcp.seq, p->from);
    info.ack = a.relative(p->tcp.ack, p->to);
    const unsigned s = p->tcp.flags.syn() || p->from >= shift.size() ? 0 : shift[p->from];
    info.window = std::uint64_t{p->tcp.window} << s;
    if (p->fate != Fate::kDuplicated) {
      Direction& d = dirs[{p->from, p->to}];
      tag_sequence(run, *p, d, info);
      tag_ack(*p, d, info);
      tag_window(*p, dirs[{p->to, p->from}], info);
      if (p->tcp.flags.ack() && !p->tcp.flags.rst()) {
        dirs[{p->from, p->to}].right_edge = std::uint64_t{p->tcp.ack} + info.window;
      }
    }
    a.packets.push_back(std::move(info));
  }
  tag_out_of_order(run, a);
  return a;
}

}  // namespace synack::viz
