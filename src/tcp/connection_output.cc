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
  s.src_port = tuple_.local_port();
  s.dst_port = tuple_.remote_port();
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
  sender_.mark_urgent(s);
  ecn_mark(s);
  return s;
}

std::size_t Connection::sack_option_bytes() const {
  if (!sack_ok_) return 0;
  return receiver_.sack_option_bytes(ts_ok_);
}

SendParams Connection::send_params() const {
  return SendParams{
      .cfg = *cfg_, .mss = send_mss(), .sack_bytes = sack_option_bytes(), .sack_ok = sack_ok_};
}

TcpSegment Connection::emit(const Outgoing& o, Instant now) {
  if (!o.cause.empty()) trace(TraceKind::kRetransmit, o.cause, o.rfc, now);
  TcpSegment s = make_segment(o.seq, o.flags, o.payload, now);
  if (o.new_data) ecn_new_data(s);  // ECT(0), CWR (connection_ecn.cc)
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
  sender_.start_poll();  // a fast retransmit asked for by an ACK (sender_recovery.cc)
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
    if (is_synchronized(state_)) return make_segment(sender_.snd.nxt - 1, TcpFlags::kAck, {}, now);
  }
  switch (state_) {
    case State::kClosed:
    case State::kListen:
      return std::nullopt;
    case State::kSynSent:
      if (syn_pending_) {
        syn_pending_ = false;
        return make_segment(sender_.snd.iss, TcpFlags::kSyn, {}, now);
      }
      break;
    case State::kSynReceived:
      if (syn_pending_) {
        syn_pending_ = false;
        note_ack_sent();
        return make_segment(sender_.snd.iss, TcpFlags::kSyn | TcpFlags::kAck, {}, now);
      }
      break;
    default: {
      // The sender's retransmissions (RTO, fast retransmit, go-back-N, SACK
      // holes), then new data (sender_output.cc).
      const SendParams p = send_params();
      bool ack_taken = false;
      std::optional<Outgoing> o = sender_.next_retransmission(p, now, ack_taken);
      if (ack_taken) note_ack_sent();
      if (!o && state_ != State::kTimeWait && state_ != State::kSynReceived) {
        o = sender_.next_data(p, now);
        if (o) note_ack_sent();
      }
      if (o) return emit(*o, now);
      break;
    }
  }
  if (ack_pending_ && state_ != State::kSynSent) {
    note_ack_sent();
    // DEVIATION(freebsd): Config::ack_resends_fin — FreeBSD's tcp_output sends
    // an unacknowledged FIN again with every ACK; its challenge ACKs do not.
    const bool fin_again = cfg_->ack_resends_fin && !challenge_pending_ && sender_.fin_sent() &&
                           seq_le(sender_.snd.una, sender_.fin_seq());
    challenge_pending_ = false;
    if (fin_again) {
      return make_segment(sender_.fin_seq(), TcpFlags::kFin | TcpFlags::kAck, {}, now);
    }
    return make_segment(sender_.snd.nxt, TcpFlags::kAck, {}, now);
  }
  ack_pending_ = false;
  challenge_pending_ = false;
  return std::nullopt;
}

}  // namespace synack::tcp
