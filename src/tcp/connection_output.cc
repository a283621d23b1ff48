// SPDX-License-Identifier: Apache-2.0
// Connection output: poll_transmit and the segments it builds (SYN, SYN-ACK,
// data, FIN, ACK, queued RSTs), with options per RFC 9293 §3.7.1, RFC 7323, RFC 2018.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

TcpOptions Connection::syn_options(bool syn_ack, Instant now) const {
  // A SYN offers what is enabled; a SYN-ACK echoes only what the peer offered
  // (take_peer_options recorded it).
  const bool ws = syn_ack ? wscale_ok_ : cfg_->window_scaling;
  const bool sack = syn_ack ? sack_ok_ : cfg_->sack;
  const bool ts = syn_ack ? ts_ok_ : cfg_->timestamps;
  const std::uint32_t ecr = syn_ack ? ts_recent_ : 0;
  const std::uint8_t shift = std::min<std::uint8_t>(cfg_->window_scale, 14);
  TcpOptions o;
  // RFC 9293 MUST-14: our MSS goes in every SYN and SYN-ACK (the peer's: take_peer_options).
  // RFC 9293 SHLD-5: sent even when it is 536 (IPv4 only: the IPv6 case does not arise).
  // RFC 9293 MAY-3: the MSS option is sent in every SYN, whatever its value.
  o.mss(cfg_->mss);
  if (cfg_->option_layout == OptionLayout::kFreeBsd) {
    // FreeBSD tcp_addoptions: NOP-pad sackOK to an even offset and TS to 2 mod 4;
    // the header padding after the last option is EOL.
    if (ws) o.nop().window_scale(shift);
    if (sack) {
      while (o.size() % 2 != 0) o.nop();
      o.sack_permitted();
    }
    if (ts) {
      while (o.size() % 4 != 2) o.nop();
      o.timestamps(ts_clock(now), ecr);
    }
    return o;
  }
  if (ts) {
    if (sack)
      o.sack_permitted();
    else
      o.nop().nop();
    o.timestamps(ts_clock(now), ecr);
  } else if (sack) {
    o.nop().nop().sack_permitted();
  }
  if (ws) o.nop().window_scale(shift);
  return o;
}

TcpSegment Connection::make_segment(SeqNum seq, std::uint16_t flags, Bytes payload,
                                    Instant now) const {
  TcpSegment s;
  s.src_port = tuple_.local.port;
  s.dst_port = tuple_.remote.port;
  s.seq = seq;
  s.flags.bits = flags;
  if (flags & TcpFlags::kAck) s.ack = receiver_.rcv.nxt;
  const bool syn = (flags & TcpFlags::kSyn) != 0;
  s.window = receiver_.window_field(*cfg_, window_shape(), syn);
  s.payload = payload;
  // RFC 9293 MUST-65: the MSS option only in SYNs (syn_options); never in other segments.
  if (syn) {
    s.options = syn_options((flags & TcpFlags::kAck) != 0, now);
  } else if (ts_ok_ && !(flags & TcpFlags::kRst)) {
    s.options.nop().nop().timestamps(ts_clock(now), ts_recent_);  // RFC 7323 §3.2
  }
  if (!syn && (flags & TcpFlags::kAck) && !(flags & TcpFlags::kRst) && sack_ok_) {
    // RFC 2018 §4 / RFC 2883 §4: the blocks of what is held out of order (and a
    // duplicate just received) on every ACK; 3 blocks fit beside timestamps.
    const SackRanges r = receiver_.sack_blocks(ts_ok_);
    if (r.count > 0) s.options.nop().nop().sack(to_sack_blocks(r, receiver_.rcv.irs + 1).view());
  }
  mark_urgent(s);
  ecn_mark(s);
  return s;
}

std::size_t Connection::sack_option_bytes() const {
  if (!sack_ok_) return 0;
  return receiver_.sack_option_bytes(ts_ok_);
}

SeqNum Connection::data_front() const {
  // The first data byte not yet acknowledged (the SYN occupies ISS).
  return snd.una == snd.iss ? snd.iss + 1 : snd.una;
}

std::size_t Connection::bytes_in_flight() const {
  const SeqNum end = fin_sent_ ? fin_seq_ : snd.nxt;
  const std::int32_t n = end - data_front();
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

TcpSegment Connection::resend_from(SeqNum seq, std::size_t max_len, Instant now) {
  // Sent data from `seq` (≥ the first unacknowledged byte), with the FIN if it
  // follows; Karn: the ACK of a retransmission is ambiguous (RFC 6298 §3).
  const SeqNum front = data_front();
  const SeqNum end = fin_sent_ ? fin_seq_ : snd.nxt;
  const auto off = static_cast<std::size_t>(std::max<std::int32_t>(seq - front, 0));
  const auto avail = static_cast<std::size_t>(std::max<std::int32_t>(end - seq, 0));
  const Bytes data = sndbuf_.peek(off, std::min(avail, max_len));
  std::uint16_t flags = TcpFlags::kAck;
  if (fin_sent_ && seq + static_cast<SeqLen>(data.size()) == fin_seq_) flags |= TcpFlags::kFin;
  if (!data.empty() && off + data.size() == sndbuf_.size())
    flags |= TcpFlags::kPsh;  // end of queue
  rtt_sampler_.on_retransmission_sent(now);
  note_ack_sent();
  return make_segment(seq, flags, data, now);
}

// RFC 9293 SHLD-16: an RTO resends the oldest unacknowledged data from SND.UNA.
// RFC 9293 MAY-7: a full segment from SND.UNA, even past SND.UNA + SND.WND.
std::optional<TcpSegment> Connection::retransmission(Instant now) {
  // RFC 9293 §3.10.8: "send the segment at the front of the retransmission queue".
  rtx_pending_ = false;
  rtt_sampler_.on_retransmit();  // RFC 6298 §3 (Karn): the ACK would be ambiguous
  if (snd.una == snd.iss) {      // our SYN-ACK is still unacknowledged (CLOSE in SYN-RECEIVED)
    trace(TraceKind::kRetransmit, "RTO: SYN,ACK", "RFC 6298 §5 (5.4)", now);
    note_ack_sent();
    return make_segment(snd.iss, TcpFlags::kSyn | TcpFlags::kAck, {}, now);
  }
  if (bytes_in_flight() == 0 && !fin_sent_) return std::nullopt;
  const std::size_t mss = send_mss() - sack_option_bytes();
  TcpSegment s = resend_from(data_front(), mss, now);
  if (s.seg_len() == 0) return std::nullopt;
  const SeqNum end = s.seq + s.seg_len();
  if (rto_recovery_ && seq_lt(rtx_next_, end)) rtx_next_ = end;            // the go-back-N follows
  if (recovery_.in_recovery() && seq_lt(high_rxt_, end)) high_rxt_ = end;  // RFC 6675 HighRxt
  if (cc_ && recovery_.in_recovery()) {
    trace(TraceKind::kRetransmit,
          recovery_.dup_acks() >= 3 && seq_le(snd.una, recovery_.recover())
              ? "fast retransmit (duplicate ACKs / partial ACK)"
              : "fast recovery",
          "RFC 5681 §3.2, RFC 6582 §3.2", now);
  } else {
    trace(TraceKind::kRetransmit, s.flags.fin() && s.payload.empty() ? "RTO: FIN" : "RTO: data",
          "RFC 6298 §5 (5.4)", now);
  }
  return s;
}

std::optional<TcpSegment> Connection::rto_recovery_segment(Instant now) {
  // After an RTO everything in [SND.UNA, recover) is presumed lost and resent
  // in slow start from one segment (RFC 5681 §3.1, RFC 6298 §5): as ACKs grow
  // cwnd, up to cwnd bytes are outstanding again (go-back-N at cwnd pace).
  if (!rto_recovery_ || !cc_) return std::nullopt;
  const SeqNum front = data_front();
  if (seq_lt(rtx_next_, front)) rtx_next_ = front;
  // DEVIATION(linux): SACKed data is skipped (tcp_timeout_mark_lost), not
  // forgotten as RFC 2018 §8 suggests for receivers that renege.
  std::size_t mss = send_mss() - sack_option_bytes();
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
  TcpSegment s = resend_from(rtx_next_, mss, now);
  if (s.seg_len() == 0) {
    rto_recovery_ = false;
    return std::nullopt;
  }
  rtx_next_ = rtx_next_ + s.seg_len();
  trace(TraceKind::kRetransmit, "RTO recovery: slow start", "RFC 5681 §3.1, RFC 6298 §5", now);
  return s;
}

bool Connection::nagle_unacked() const {
  // The bracketed [SND.NXT = SND.UNA] of RFC 9293 §3.8.6.2.1 / §3.7.4, or with
  // Config::nagle_minshall: a short segment is unacknowledged.
  if (cfg_->nagle_minshall) return snd_sml_ && seq_gt(*snd_sml_, snd.una);
  return snd.una != snd.nxt;
}

std::optional<TcpSegment> Connection::next_data_segment(Instant now) {
  const std::size_t sent = bytes_in_flight();
  const std::size_t unsent = sndbuf_.size() - std::min(sndbuf_.size(), sent);
  if (fin_sent_) return std::nullopt;
  // Usable window: SND.UNA + SND.WND − SND.NXT (RFC 9293 §3.8.6.2.1), then cwnd
  // (RFC 5681 §3.1) and limited transmit (RFC 3042).
  const std::uint32_t window = usable_window(snd.una, snd.wnd, snd.nxt);
  const std::size_t usable = congestion_usable(window);
  const std::size_t mss = send_mss() - sack_option_bytes();  // RFC 6691: options count
  const bool forced = probe_pending_ && unsent > 0;          // the persist timer fired
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
                                          .unacked = nagle_unacked(),
                                          .nodelay = cfg_->nodelay,
                                          .push = true,
                                          .fin_queued = fin_queued_});
    // RFC 9293 SHLD-28: full-sized segments whenever the data and the window allow.
    if (d == SendDecision::kSend) len = std::min({unsent, usable, mss});
    // Nothing outstanding will bring an ACK: the persist timer forces a send.
    if (d == SendDecision::kWaitWindow && sent == 0 && rtx_deadline_ == kNever &&
        persist_.get().deadline == kNever) {
      arm_persist(now);
    }
  }
  const bool fin_now = fin_queued_ && unsent == len && !(forced && usable == 0);
  if (len == 0 && !fin_now) return std::nullopt;
  const Bytes data = sndbuf_.peek(sent, len);
  std::uint16_t flags = TcpFlags::kAck;
  // RFC 9293 MUST-61: PSH on the segment that empties the send queue.
  // RFC 9293 SHLD-27: successive SENDs' pushes collapse: PSH only where the queue ends.
  if (!data.empty() && len == unsent) flags |= TcpFlags::kPsh;
  if (fin_now) {
    flags |= TcpFlags::kFin;
    fin_sent_ = true;
    fin_seq_ = snd.nxt + static_cast<SeqLen>(len);
  }
  TcpSegment s = make_segment(snd.nxt, flags, data, now);
  if (!probe) ecn_new_data(s);
  rtt_sampler_.on_send(snd.nxt, s.seg_len(), now, /*retransmission=*/probe);
  // A probe octet does not advance SND.NXT: our ACKs keep SEQ = SND.NXT inside
  // the peer's zero window (else it drops them as unacceptable); if the peer
  // takes the octet, check_ack accepts SEG.ACK = SND.NXT + 1.
  if (!probe) snd.nxt += s.seg_len();
  if (len < mss && !probe) snd_sml_ = snd.nxt;
  if (!probe && cc_) {
    cc_->on_data_sent(static_cast<std::uint32_t>(bytes_in_flight()), snd.una, snd.nxt);
  }
  note_ack_sent();
  if (probe) {  // the persist timer, not the RTO, repeats it (RFC 6429)
    ++persist_.mut().probes;
    zero_window_probed_ = true;
    trace(TraceKind::kRetransmit, "zero-window probe", "RFC 9293 §3.8.6.1", now);
    arm_persist(now);
  } else if (rtx_deadline_ == kNever) {
    stop_persist();
    arm_retransmit(now);
  }
  return s;
}

std::optional<TcpSegment> Connection::poll_transmit(Instant now) {
  last_tx_ect_ = false;
  std::optional<TcpSegment> s = next_segment(now);
  if (s && s->flags.ack() && !s->flags.rst()) last_ack_sent_ = s->ack;  // RFC 7323 §4.3
  if (s) ++stats_.segs_out;                                             // TCP_INFO
  if (s) receiver_.on_segment_sent(*s, window_shape());  // delayed ACK, D-SACK, right edge
  return s;
}

std::optional<TcpSegment> Connection::next_segment(Instant now) {
  if (fast_rtx_pending_) {  // fast retransmit / partial ACK (connection_congestion.cc)
    fast_rtx_pending_ = false;
    if (snd.una != snd.nxt) rtx_pending_ = true;
  }
  if (!control_.get().empty()) {
    TcpSegment s = control_.get().front();
    control_.mut().erase(control_.get().begin());
    if (control_.get().empty()) control_.reset();
    return s;
  }
  // RFC 9293 SHLD-12: the keep-alive probe carries no data (SEG.SEQ = SND.NXT − 1).
  // RFC 9293 MAY-6 [not implemented]: no garbage-octet probes; peers accept empty ones.
  if (keepalive_probe_pending_) {  // RFC 9293 §3.8.4: <SEQ=SND.NXT−1><ACK=RCV.NXT><CTL=ACK>
    keepalive_probe_pending_ = false;
    if (is_synchronized(state_)) return make_segment(snd.nxt - 1, TcpFlags::kAck, {}, now);
  }
  switch (state_) {
    case State::kClosed:
    case State::kListen:
      return std::nullopt;
    case State::kSynSent:
      if (syn_pending_) {
        syn_pending_ = false;
        return make_segment(snd.iss, TcpFlags::kSyn, {}, now);
      }
      break;
    case State::kSynReceived:
      if (syn_pending_) {
        syn_pending_ = false;
        note_ack_sent();
        return make_segment(snd.iss, TcpFlags::kSyn | TcpFlags::kAck, {}, now);
      }
      break;
    default:
      if (rtx_pending_) {
        if (auto s = retransmission(now)) return s;
      }
      if (auto s = rto_recovery_segment(now)) return s;
      if (auto s = sack_recovery_segment(now)) return s;
      if (state_ != State::kTimeWait && state_ != State::kSynReceived) {
        if (auto s = next_data_segment(now)) return s;
      }
      break;
  }
  if (ack_pending_ && state_ != State::kSynSent) {
    note_ack_sent();
    // DEVIATION(freebsd): Config::ack_resends_fin — FreeBSD's tcp_output sends
    // an unacknowledged FIN again with every ACK; its challenge ACKs do not.
    const bool fin_again =
        cfg_->ack_resends_fin && !challenge_pending_ && fin_sent_ && seq_le(snd.una, fin_seq_);
    challenge_pending_ = false;
    if (fin_again) return make_segment(fin_seq_, TcpFlags::kFin | TcpFlags::kAck, {}, now);
    return make_segment(snd.nxt, TcpFlags::kAck, {}, now);
  }
  ack_pending_ = false;
  challenge_pending_ = false;
  return std::nullopt;
}

}  // namespace synack::tcp
