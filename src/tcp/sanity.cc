// SPDX-License-Identifier: Apache-2.0
#include "tcp/sanity.hpp"

#include <algorithm>
#include <string>

namespace synack::tcp {
namespace {

std::string num(std::uint64_t v) {
  return std::to_string(v);
}
std::string seq(SeqNum s) {
  return std::to_string(s.raw());
}

// States whose receive buffer and RCV.NXT describe the live stream (the
// buffers may be released in TIME-WAIT and CLOSED).
bool has_live_stream(State s) {
  switch (s) {
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
    case State::kClosing:
    case State::kLastAck:
      return true;
    default:
      return false;
  }
}

std::string check_send(const Status& st, std::size_t snd_cap) {
  if (!is_synchronized(st.state) && st.state != State::kSynSent) return {};
  if (!seq_le(st.snd.una, st.snd.nxt)) {
    return "SND.UNA " + seq(st.snd.una) + " > SND.NXT " + seq(st.snd.nxt);
  }
  const auto flight = static_cast<std::uint32_t>(st.snd.nxt - st.snd.una);
  const std::uint64_t cover = st.send_queued + 2;  // data + SYN + FIN
  if (flight > cover) {
    return "bytes in flight " + num(flight) + " exceed the send buffer " + num(st.send_queued) +
           " + SYN + FIN";
  }
  if (st.send_queued > snd_cap) {
    return "send buffer holds " + num(st.send_queued) + " > capacity " + num(snd_cap);
  }
  if (st.snd.wnd > st.max_snd_wnd) {
    return "SND.WND " + num(st.snd.wnd) + " > MAX.SND.WND " + num(st.max_snd_wnd);
  }
  return {};
}

std::string check_scoreboard(const SackScoreboard& sb, const Status& st) {
  SeqNum prev = st.snd.una;
  for (const SeqRange& r : sb.ranges()) {
    if (!seq_le(prev, r.left) || !seq_lt(r.left, r.right) || !seq_le(r.right, st.snd.nxt)) {
      return "SACK scoreboard range [" + seq(r.left) + ", " + seq(r.right) +
             ") not sorted inside [SND.UNA, SND.NXT] = [" + seq(st.snd.una) + ", " +
             seq(st.snd.nxt) + "]";
    }
    prev = r.right;
  }
  return {};
}

std::string check_reassembly(const Reassembler& r, std::uint64_t rcv_nxt, std::uint64_t head,
                             std::size_t capacity) {
  if (r.intervals().size() > r.config().max_intervals) {
    return "out-of-order intervals " + num(r.intervals().size()) + " > bound " +
           num(r.config().max_intervals);
  }
  std::uint64_t prev_end = rcv_nxt;
  std::uint64_t held = 0;
  for (const ByteRange& b : r.intervals()) {
    if (b.begin <= prev_end || b.empty()) {
      return "out-of-order interval [" + num(b.begin) + ", " + num(b.end) +
             ") not beyond RCV.NXT / previous interval " + num(prev_end);
    }
    if (b.end > head + capacity) {
      return "out-of-order interval end " + num(b.end) + " beyond the receive buffer " +
             num(head + capacity);
    }
    held += b.size();
    prev_end = b.end;
  }
  if (held != r.held_bytes()) {
    return "out-of-order bytes " + num(r.held_bytes()) + " != intervals' sum " + num(held);
  }
  return {};
}

}  // namespace

std::string sanity(const Connection& c) {
  const Status st = c.status();
  if (auto e = check_send(st, c.sender_.buffer().capacity()); !e.empty()) return e;
  if (is_synchronized(st.state)) {
    if (auto e = check_scoreboard(c.sender_.scoreboard(), st); !e.empty()) return e;
  }
  if (c.receiver_.buffer().size() > c.receiver_.buffer().capacity()) {
    return "readable bytes " + num(c.receiver_.buffer().size()) + " > RCV.BUFF " +
           num(c.receiver_.buffer().capacity());
  }
  if (!has_live_stream(st.state)) return {};
  const std::uint64_t delivered = c.receiver_.buffer().next_offset();
  const SeqNum expect = st.rcv.irs + static_cast<SeqLen>(1 + delivered + (st.fin_received ? 1 : 0));
  if (st.rcv.nxt != expect) {
    return "RCV.NXT " + seq(st.rcv.nxt) + " != IRS + 1 + delivered " + num(delivered) +
           (st.fin_received ? " + FIN" : "") + " = " + seq(expect);
  }
  const std::uint64_t head = delivered - c.receiver_.buffer().size();
  return check_reassembly(c.receiver_.buffer().reassembler(), delivered, head,
                          c.receiver_.buffer().capacity());
}

bool is_diagram_edge(State from, State to) {
  if (from == to) return true;
  const auto edges = state_diagram_edges();
  return std::any_of(edges.begin(), edges.end(),
                     [&](const StateEdge& e) { return e.from == from && e.to == to; });
}

void SanitySink::on_event(const TraceEvent& e) {
  if (e.kind == TraceKind::kStateChange && violation_.empty() && !is_diagram_edge(e.from, e.to)) {
    violation_ = std::string(to_string(e.from)) + " -> " + std::string(to_string(e.to)) + " (" +
                 std::string(e.cause) + ")";
  }
  if (next_ != nullptr) next_->on_event(e);
}

}  // namespace synack::tcp
