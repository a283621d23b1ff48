// SPDX-License-Identifier: Apache-2.0
// What the sender sends (sender.hpp): retransmissions (RTO, fast retransmit,
// the RTO's go-back-N at cwnd pace), new data within the send window and
// cwnd with Nagle and sender SWS avoidance, the FIN, zero-window probes.
#include <algorithm>

#include "tcp/sender.hpp"
#include "tcp/window.hpp"

namespace synack::tcp {

void Sender::start_poll() {
  // A fast retransmit / partial ACK (sender_recovery.cc) asked for the segment at SND.UNA.
  if (!fast_rtx_pending_) return;
  fast_rtx_pending_ = false;
  if (snd.una != snd.nxt) rtx_pending_ = true;
}

Outgoing Sender::resend_from(SeqNum seq, std::size_t max_len, Instant now) {
  // Sent data from `seq` (≥ the first unacknowledged byte), with the FIN if it
  // follows; Karn: the ACK of a retransmission is ambiguous (RFC 6298 §3).
  const SeqNum front = data_front();
  const SeqNum end = fin_sent_ ? fin_seq_ : snd.nxt;
  const auto off = static_cast<std::size_t>(std::max<std::int32_t>(seq - front, 0));
  const auto avail = static_cast<std::size_t>(std::max<std::int32_t>(end - seq, 0));
  Outgoing o;
  o.seq = seq;
  o.payload = buf_.peek(off, std::min(avail, max_len));
  if (fin_sent_ && seq + static_cast<SeqLen>(o.payload.size()) == fin_seq_) {
    o.flags |= TcpFlags::kFin;
  }
  if (!o.payload.empty() && off + o.payload.size() == buf_.size()) {
    o.flags |= TcpFlags::kPsh;  // end of queue
  }
  rtt_sampler_.on_retransmission_sent(now);
  return o;
}

std::optional<Outgoing> Sender::next_retransmission(const SendParams& p, Instant now,
                                                    bool& ack_taken) {
  if (rtx_pending_) {
    if (auto o = retransmission(p, now, ack_taken)) return o;
  }
  if (auto o = rto_recovery_segment(p, now, ack_taken)) return o;
  return sack_recovery_segment(p, now, ack_taken);
}

// RFC 9293 SHLD-16: an RTO resends the oldest unacknowledged data from SND.UNA.
// RFC 9293 MAY-7: a full segment from SND.UNA, even past SND.UNA + SND.WND.
std::optional<Outgoing> Sender::retransmission(const SendParams& p, Instant now, bool& ack_taken) {
  // RFC 9293 §3.10.8: "send the segment at the front of the retransmission queue".
  rtx_pending_ = false;
  rtt_sampler_.on_retransmit();  // RFC 6298 §3 (Karn): the ACK would be ambiguous
  if (snd.una == snd.iss) {      // our SYN-ACK is still unacknowledged (CLOSE in SYN-RECEIVED)
    ack_taken = true;
    Outgoing o;
    o.seq = snd.iss;
    o.flags = TcpFlags::kSyn | TcpFlags::kAck;
    o.cause = "RTO: SYN,ACK";
    o.rfc = "RFC 6298 §5 (5.4)";
    return o;
  }
  if (bytes_in_flight() == 0 && !fin_sent_) return std::nullopt;
  Outgoing o = resend_from(data_front(), p.data_mss(), now);
  ack_taken = true;
  if (o.seg_len() == 0) return std::nullopt;
  const SeqNum end = o.seq + o.seg_len();
  if (rto_recovery_ && seq_lt(rtx_next_, end)) rtx_next_ = end;            // the go-back-N follows
  if (recovery_.in_recovery() && seq_lt(high_rxt_, end)) high_rxt_ = end;  // RFC 6675 HighRxt
  if (cc_ && recovery_.in_recovery()) {
    o.cause = recovery_.dup_acks() >= 3 && seq_le(snd.una, recovery_.recover())
                  ? "fast retransmit (duplicate ACKs / partial ACK)"
                  : "fast recovery";
    o.rfc = "RFC 5681 §3.2, RFC 6582 §3.2";
  } else {
    o.cause = (o.flags & TcpFlags::kFin) && o.payload.empty() ? "RTO: FIN" : "RTO: data";
    o.rfc = "RFC 6298 §5 (5.4)";
  }
  return o;
}

std::optional<Outgoing> Sender::rto_recovery_segment(const SendParams& p, Instant now,
                                                     bool& ack_taken) {
  // After an RTO everything in [SND.UNA, rto_high_) is presumed lost and resent
  // in slow start from one segment (RFC 5681 §3.1, RFC 6298 §5): as ACKs grow
  // cwnd, up to cwnd bytes are outstanding again (go-back-N at cwnd pace).
  if (!rto_recovery_ || !cc_) return std::nullopt;
  const SeqNum front = data_front();
  if (seq_lt(rtx_next_, front)) rtx_next_ = front;
  // DEVIATION(linux): SACKed data is skipped (tcp_timeout_mark_lost), not
  // forgotten as RFC 2018 §8 suggests for receivers that renege.
  std::size_t mss = p.data_mss();
  for (const SeqRange& r : scoreboard_.get().ranges()) {
    if (seq_le(r.left, rtx_next_) && seq_lt(rtx_next_, r.right)) rtx_next_ = r.right;
  }
  if (const auto hole = scoreboard_.get().next_hole(rtx_next_)) {
    mss = std::min<std::size_t>(mss, static_cast<std::size_t>(hole->right - hole->left));
  }
  if (!seq_lt(rtx_next_, rto_high_)) {
    rto_recovery_ = false;
    return std::nullopt;
  }
  const auto outstanding = static_cast<std::uint32_t>(rtx_next_ - front) -
                           scoreboard_.get().sacked_between(front, rtx_next_);
  if (outstanding >= cc_->cwnd()) return std::nullopt;
  Outgoing o = resend_from(rtx_next_, mss, now);
  ack_taken = true;
  if (o.seg_len() == 0) {
    rto_recovery_ = false;
    return std::nullopt;
  }
  rtx_next_ = rtx_next_ + o.seg_len();
  o.cause = "RTO recovery: slow start";
  o.rfc = "RFC 5681 §3.1, RFC 6298 §5";
  return o;
}

bool Sender::nagle_unacked(const Config& cfg) const {
  // The bracketed [SND.NXT = SND.UNA] of RFC 9293 §3.8.6.2.1 / §3.7.4, or with
  // Config::nagle_minshall: a short segment is unacknowledged.
  if (cfg.nagle_minshall) return snd_sml_ && seq_gt(*snd_sml_, snd.una);
  return snd.una != snd.nxt;
}

std::optional<Outgoing> Sender::next_data(const SendParams& p, Instant now) {
  const std::size_t sent = bytes_in_flight();
  const std::size_t unsent = buf_.size() - std::min(buf_.size(), sent);
  if (fin_sent_) return std::nullopt;
  // Usable window: SND.UNA + SND.WND − SND.NXT (RFC 9293 §3.8.6.2.1), then cwnd
  // (RFC 5681 §3.1) and limited transmit (RFC 3042).
  const std::uint32_t window = usable_window(snd.una, snd.wnd, snd.nxt);
  const std::size_t usable = congestion_usable(window, p);
  const std::size_t mss = p.data_mss();              // RFC 6691: options count
  const bool forced = probe_pending_ && unsent > 0;  // the persist timer fired
  probe_pending_ = false;
  std::size_t len = 0;
  bool probe = false;
  if (forced) {
    // A zero window is probed with one octet of new data (RFC 9293 §3.8.6.1); a
    // silly window gets what it allows (override timeout, §3.8.6.2.1 (4)).
    probe = usable == 0;
    len = std::min({unsent, std::max<std::size_t>(usable, 1), mss});
  } else {
    // Sender SWS avoidance and Nagle (RFC 9293 §3.8.6.2.1, §3.7.4; window.cc).
    // RFC 9293 MUST-60: every SEND is pushed: data waits only for Nagle, SWS or the window.
    const SendDecision d = send_decision({.queued = unsent,
                                          .usable = static_cast<std::uint32_t>(usable),
                                          .mss = static_cast<std::uint32_t>(mss),
                                          .max_snd_wnd = max_snd_wnd_,
                                          .unacked = nagle_unacked(p.cfg),
                                          .nodelay = p.cfg.nodelay,
                                          .push = true,
                                          .fin_queued = fin_queued_});
    // RFC 9293 SHLD-28: full-sized segments whenever the data and the window allow.
    if (d == SendDecision::kSend) len = std::min({unsent, usable, mss});
    // Nothing outstanding will bring an ACK: the persist timer forces a send.
    if (d == SendDecision::kWaitWindow && sent == 0 && rtx_deadline_ == kNever &&
        persist_.get().deadline == kNever) {
      arm_persist(p.cfg, now);
    }
  }
  const bool fin_now = fin_queued_ && unsent == len && !(forced && usable == 0);
  if (len == 0 && !fin_now) return std::nullopt;
  Outgoing o;
  o.seq = snd.nxt;
  o.payload = buf_.peek(sent, len);
  // RFC 9293 MUST-61: PSH on the segment that empties the send queue.
  // RFC 9293 SHLD-27: successive SENDs' pushes collapse: PSH only where the queue ends.
  if (!o.payload.empty() && len == unsent) o.flags |= TcpFlags::kPsh;
  if (fin_now) {
    o.flags |= TcpFlags::kFin;
    fin_sent_ = true;
    fin_seq_ = snd.nxt + static_cast<SeqLen>(len);
  }
  o.new_data = !probe;
  rtt_sampler_.on_send(snd.nxt, o.seg_len(), now, /*retransmission=*/probe);
  // A probe octet does not advance SND.NXT: our ACKs keep SEQ = SND.NXT inside
  // the peer's zero window (else it drops them as unacceptable); if the peer
  // takes the octet, the fifth step accepts SEG.ACK = SND.NXT + 1 (note_probe_taken).
  if (!probe) snd.nxt += o.seg_len();
  if (len < mss && !probe) snd_sml_ = snd.nxt;
  if (!probe && cc_) {
    cc_->on_data_sent(static_cast<std::uint32_t>(bytes_in_flight()), snd.una, snd.nxt);
  }
  if (probe) {  // the persist timer, not the RTO, repeats it (RFC 6429)
    ++persist_.mut().probes;
    zero_window_probed_ = true;
    o.cause = "zero-window probe";
    o.rfc = "RFC 9293 §3.8.6.1";
    arm_persist(p.cfg, now);
  } else if (rtx_deadline_ == kNever) {
    stop_persist();
    arm_retransmit(p.cfg, now);
  }
  return o;
}

}  // namespace synack::tcp
