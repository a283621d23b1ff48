// SPDX-License-Identifier: Apache-2.0
// SEGMENT ARRIVES (RFC 9293 §3.10.7): one function per step of the RFC, in
// the RFC's order. RFC 5961 robustness checks are folded into the steps they
// amend (second: RST, fourth: SYN, fifth: ACK).
#include <algorithm>

#include "tcp/acceptability.hpp"
#include "tcp/connection.hpp"
#include "tcp/rst.hpp"
#include "tcp/syn_fin.hpp"

namespace synack::tcp {

void Connection::on_segment(const TcpSegment& in, Instant now) {
  // FreeBSD net.inet.tcp.drop_synfin: SYN+FIN is never legitimate (syn_fin.hpp).
  if (drops_syn_fin(in, *cfg_)) {
    drop(DropReason::kSynFin, kSynFinCause, kSynFinRule, now);
    return;
  }
  ++stats_.segs_in;  // TCP_INFO tcpi_segs_in
  TcpSegment seg = in;
  if (seg.flags.syn() && seg.flags.fin() && !seg.flags.rst()) {
    // drop_synfin off: treat as a SYN, FIN and data ignored (FreeBSD behaviour).
    seg.flags.bits &= static_cast<std::uint16_t>(~TcpFlags::kFin);
    seg.payload = {};
  }
  switch (state_) {
    case State::kClosed:
    case State::kListen:  // a listener's connection sent back to LISTEN: about to be freed
      on_segment_closed(seg, now);
      return;
    case State::kSynSent:
      on_segment_syn_sent(seg, now);
      return;
    case State::kTimeWait:
      on_segment_time_wait(seg, now);
      return;
    default:
      on_segment_synchronized(seg, now);
      return;
  }
}

// §3.10.7.1 CLOSED: RST for anything but a RST.
void Connection::on_segment_closed(const TcpSegment& seg, Instant now) {
  if (auto rst = reset_for(seg)) {
    queue_rst(*rst, "segment for a CLOSED connection", "RFC 9293 §3.10.7.1", now);
  } else {
    drop(DropReason::kRstNoConnection, "rcv RST in CLOSED", "RFC 9293 §3.10.7.1", now);
  }
}

// §3.10.7.3 SYN-SENT.
void Connection::on_segment_syn_sent(const TcpSegment& seg, Instant now) {
  // First, check the ACK bit: acceptable iff ISS < SEG.ACK ≤ SND.NXT.
  const bool ack_ok =
      seg.flags.ack() && seq_gt(seg.ack, sender_.snd.iss) && seq_le(seg.ack, sender_.snd.nxt);
  if (seg.flags.ack() && !ack_ok) {
    if (seg.flags.rst()) {
      drop(DropReason::kRstUnacceptableAck, "rcv RST with bad ACK in SYN-SENT",
           "RFC 9293 §3.10.7.3 first: ACK", now);
    } else {
      drops_.add(DropReason::kUnacceptableAck);
      queue_rst(reset_to_ack(seg), "rcv unacceptable ACK in SYN-SENT",
                "RFC 9293 §3.10.7.3 first: ACK", now);
    }
    return;
  }
  // Second, check the RST bit.
  if (seg.flags.rst()) {
    if (!ack_ok) {
      drop(DropReason::kRstUnacceptableAck, "rcv RST without ACK in SYN-SENT",
           "RFC 9293 §3.10.7.3 second: RST", now);
      return;
    }
    reset_connection(std::errc::connection_refused, "rcv RST,ACK in SYN-SENT",
                     "RFC 9293 §3.10.7.3 second: RST", now);
    return;
  }
  // Third, security/compartment: not used (RFC 9293 §3.7.9 deprecates it).
  // Fourth, check the SYN bit.
  if (!seg.flags.syn()) {  // fifth: neither SYN nor RST
    drop(DropReason::kNoSynNoRst, "no SYN or RST in SYN-SENT", "RFC 9293 §3.10.7.3 fifth", now);
    return;
  }
  receiver_.on_syn(seg.seq);
  last_ack_sent_ = receiver_.rcv.nxt;
  take_peer_options(seg, /*we_offered=*/true, now);
  ecn_on_syn(seg);
  receiver_.round_buffer(*cfg_, peer_mss_);
  sender_.on_peer_syn(seg, ack_ok);  // SND.WND (never scaled), SND.WL1; SND.UNA if ack_ok
  if (seq_gt(sender_.snd.una, sender_.snd.iss)) {  // our SYN has been ACKed
    // RFC 6298 (5.7): after a SYN timed out, data starts with RTO = 3 s.
    sender_.handshake_complete();  // RFC 6298 (5.7): RTO = 3 s after a timed-out SYN
    sender_.stop_retransmit();
    handshake_deadline_ = kNever;
    ack_pending_ = true;  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, may carry queued data
    set_state(State::kEstablished, "rcv SYN,ACK", "RFC 9293 §3.10.7.3 fourth: SYN", now);
    if (!seg.payload.empty() || seg.flags.fin()) {
      // "continue processing at the sixth step": the SYN's sequence number is consumed.
      TcpSegment rest = seg;
      rest.flags.bits &= static_cast<std::uint16_t>(~TcpFlags::kSyn);
      rest.seq = seg.seq + 1;
      check_urg(rest, now);
      if (process_text(rest, now)) check_fin(rest, now);
    }
    return;
  }
  // RFC 9293 MUST-10: simultaneous open: a SYN in SYN-SENT leads to SYN-RECEIVED.
  // Simultaneous open: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
  // "If there are other controls or text in the segment, queue them for
  // processing after the ESTABLISHED state has been reached" (at most what
  // the window offers; the SYN-ACK acknowledges only the SYN, as FreeBSD's).
  receiver_.queue_syn_text(seg.payload, receive_window());
  syn_pending_ = true;
  sender_.restart_rto_estimate(*cfg_);
  set_state(State::kSynReceived, "rcv SYN (simultaneous open)", "RFC 9293 §3.10.7.3 fourth: SYN",
            now);
  sender_.arm_retransmit(*cfg_, now);
}

// §3.10.7.4 in TIME-WAIT: the logic shared with the compact TimeWaitEntry.
void Connection::on_segment_time_wait(const TcpSegment& seg, Instant now) {
  TimeWaitEntry tw = to_time_wait();
  TimeWaitResult r = time_wait_on_segment(tw, seg, now, *cfg_);
  switch (r.verdict) {
    case TimeWaitVerdict::kDrop:
      drop(r.drop, r.cause, r.rfc, now);
      return;
    case TimeWaitVerdict::kAck:
      if (r.drop == DropReason::kSynInWindow || r.drop == DropReason::kRstInWindow) {
        drops_.add(r.drop);
        trace(TraceKind::kChallengeAck, r.cause, r.rfc, now);
      } else if (r.drop != DropReason::kNone) {
        drop(r.drop, r.cause, r.rfc, now);
      }
      ack_pending_ = true;
      return;
    case TimeWaitVerdict::kAckRestart:
      close_deadline_ = tw.expiry;
      ack_pending_ = true;
      trace(TraceKind::kTimerFired, "2MSL restarted", r.rfc, now);
      return;
    case TimeWaitVerdict::kClose:
      release_buffers();
      set_state(State::kClosed, r.cause, r.rfc, now);
      return;
    case TimeWaitVerdict::kReopen: {
      // A new incarnation on the same 4-tuple (passive, as from LISTEN).
      Connection fresh(cfg_, sink_, id_);
      fresh.tuple_ = tuple_;
      fresh.passive_ = true;
      fresh.state_ = State::kTimeWait;
      fresh.init_from_syn(seg, r.reopen_iss, now, r.cause, r.rfc);
      *this = std::move(fresh);
      return;
    }
  }
}

// RFC 9293 MUST-12: an abort is reported (ECONNRESET from recv/SO_ERROR); a FIN reads as EOF.
void Connection::reset_connection(std::errc err, std::string_view cause, std::string_view rfc,
                                  Instant now) {
  error_ = err;
  release_buffers();
  set_state(State::kClosed, cause, rfc, now);
}

// §3.10.7.4: SYN-RECEIVED and the synchronized states.
void Connection::on_segment_synchronized(TcpSegment seg, Instant now) {
  trim_retransmitted_fin(seg);
  if (!check_sequence(seg, now)) return;  // first
  note_peer_alive(now);                   // keepalive (connection_keepalive.cc)
  note_segment_in(seg);                   // TCP_INFO (connection_info.cc)
  ecn_on_segment(seg, now);               // RFC 3168 (connection_ecn.cc)
  if (!check_rst(seg, now)) return;       // second
  // third: security/compartment — not used (RFC 9293 §3.7.9)
  if (!check_syn(seg, now)) return;                 // fourth
  if (!check_ack(seg, now)) return;                 // fifth
  check_urg(seg, now);                              // sixth
  if (process_text(seg, now)) check_fin(seg, now);  // seventh, eighth
  settle_fin_wait_1(now);
}

// §3.10.7.4 fifth, FIN-WAIT-1: "if the FIN segment is now acknowledged, then
// enter FIN-WAIT-2" — done after the eighth step so that a FIN arriving with
// the ACK of ours takes the diagram's FIN-WAIT-1 → TIME-WAIT edge.
void Connection::settle_fin_wait_1(Instant now) {
  if (state_ != State::kFinWait1 || !sender_.fin_acked()) return;
  set_state(State::kFinWait2, "rcv ACK of FIN", "RFC 9293 §3.10.7.4 fifth: ACK", now);
  if (detached_) close_deadline_ = now + cfg_->fin_wait_2_timeout;
}

bool Connection::segment_acceptable(const TcpSegment& seg) const {
  return tcp::segment_acceptable(seg.seq, seg.seg_len(), receiver_.rcv.nxt, acceptance_window());
}

std::uint32_t Connection::acceptance_window() const {
  // A passive SYN-RECEIVED is FreeBSD's syncache entry: its window is the one
  // in the SYN-ACK.
  return receiver_.acceptance_window(*cfg_, receive_window(),
                                     state_ == State::kSynReceived && passive_);
}

// The peer's FIN again, with no text (SEG.SEQ + SEG.LEN = RCV.NXT): it lies
// wholly left of the window, so Table 6 alone would drop it after an ACK and
// never look at its ACK field — in CLOSING or LAST-ACK that may be the only
// ACK of our FIN the peer sends. §3.10.7.4 allows "trimming off any portions
// that lie outside the window (including SYN and FIN) and only processing
// further if the segment then begins at RCV.NXT": trimmed, it is an empty
// segment at RCV.NXT whose ACK is processed; the duplicate is still ACKed.
// FreeBSD (tcp_input: "keep on processing for RST or ACK") and Linux
// (tcp_sequence: end_seq ≥ rcv_wup) do the same.
void Connection::trim_retransmitted_fin(TcpSegment& seg) {
  if (!receiver_.fin_received() || !seg.flags.fin() || seg.flags.syn() || seg.flags.rst() ||
      !seg.payload.empty() || seg.seq + 1 != receiver_.rcv.nxt) {
    return;
  }
  seg.flags.bits &= static_cast<std::uint16_t>(~TcpFlags::kFin);
  seg.seq = receiver_.rcv.nxt;
  ack_pending_ = true;  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> for the duplicate
}

// First, check sequence number (§3.10.7.4, Table 6).
bool Connection::check_sequence(const TcpSegment& seg, Instant now) {
  // DEVIATION(linux): a retransmitted SYN in SYN-RECEIVED is answered with the
  // SYN-ACK again (Linux tcp_check_req, FreeBSD syncache), not with a bare ACK.
  if (state_ == State::kSynReceived && seg.flags.syn() && !seg.flags.ack() && !seg.flags.rst() &&
      seg.seq == receiver_.rcv.irs) {
    drops_.add(DropReason::kStaleSynAck);
    syn_pending_ = true;
    trace(TraceKind::kRetransmit, "rcv duplicate SYN: SYN,ACK again", "RFC 9293 §3.10.7.4 first",
          now);
    return false;
  }
  // "If the RCV.WND is zero, no segments will be acceptable, but special
  // allowance should be made to accept valid ACKs, URGs, and RSTs": a segment
  // at RCV.NXT goes on to the ACK step; its text is refused by the seventh.
  if (!check_paws(seg, now)) return false;  // RFC 7323 §5.3 R1 (connection_timestamps.cc)
  // RFC 9293 MUST-66: with a zero window, RST and URG (and ACK) at RCV.NXT are processed.
  const bool zero_window_allowance = acceptance_window() == 0 && seg.seq == receiver_.rcv.nxt;
  if (zero_window_allowance || segment_acceptable(seg)) {
    update_ts_recent(seg, now);  // RFC 7323 §4.3 (2)
    return true;
  }
  if (seg.flags.rst()) {
    drop(DropReason::kRstOutOfWindow, "rcv RST outside the window", "RFC 5961 §3.2 (1)", now);
    return false;
  }
  // A SYN outside the window is challenged with either setting of insecure_syn
  // (FreeBSD: only an in-window SYN resets; every other SYN gets tcp_respond's ACK).
  if (seg.flags.syn()) {
    drops_.add(DropReason::kSynInWindow);
    send_challenge_ack("rcv SYN in a synchronized state", "RFC 5961 §4.2", now);
    return false;
  }
  // RFC 7323 §4.3 (2): an old duplicate that still covers Last.ACK.sent (a
  // retransmission after our ACK was lost) refreshes TS.Recent, so the ACK below
  // echoes it rather than the TSval of the segment that filled the window
  // minutes of backoff ago (Linux tcp_sequence accepts end_seq == rcv_wup,
  // FreeBSD trims the duplicate and records its timestamp).
  update_ts_recent(seg, now);
  drop(DropReason::kNotAcceptable, "segment not acceptable",
       "RFC 9293 §3.10.7.4 first: sequence number", now);
  if (sack_ok_) receiver_.note_duplicate_text(seg, receive_window());  // D-SACK (RFC 2883 §4)
  ack_pending_ = true;  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  return false;
}

// Second, check the RST bit (with RFC 5961 §3.2).
// RFC 9293 SHLD-2: a RST may carry data (a reason); the text is ignored, the RST acted on.
bool Connection::check_rst(const TcpSegment& seg, Instant now) {
  if (!seg.flags.rst()) return true;
  if (seg.seq != receiver_.rcv.nxt && !cfg_->insecure_rst) {
    drops_.add(DropReason::kRstInWindow);
    send_challenge_ack("rcv RST in window, not RCV.NXT", "RFC 5961 §3.2 (3)", now);
    return false;
  }
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 second: RST";
  switch (state_) {
    // RFC 9293 MUST-11: passive_ remembers whether SYN-RECEIVED came from LISTEN.
    case State::kSynReceived:
      if (passive_) {
        return_to_listen("rcv RST (passive open)", kRfc, now);
      } else {
        reset_connection(std::errc::connection_refused, "rcv RST (active open)", kRfc, now);
      }
      return false;
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
      reset_connection(std::errc::connection_reset, "rcv RST", kRfc, now);
      return false;
    default:
      // CLOSING, LAST-ACK: "enter the CLOSED state, delete the TCB". The RFC
      // signals nothing to the user here; FreeBSD (tcp_input) and Linux
      // (tcp_reset) both leave ECONNRESET in SO_ERROR, and so do we: the
      // application that half-closed learns the peer aborted.
      reset_connection(std::errc::connection_reset, "rcv RST", kRfc, now);
      return false;
  }
}

// Fourth, check the SYN bit (with RFC 5961 §4.2).
bool Connection::check_syn(const TcpSegment& seg, Instant now) {
  if (!seg.flags.syn()) return true;
  if (state_ == State::kSynReceived && passive_) {
    return_to_listen("rcv SYN in window (passive open)", "RFC 9293 §3.10.7.4 fourth: SYN", now);
    return false;
  }
  drops_.add(DropReason::kSynInWindow);
  if (cfg_->insecure_syn) {
    // RFC 793: an in-window SYN is an error: RST, "connection reset". The RST
    // is <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> (FreeBSD tcp_drop), a sequence
    // number the peer accepts even with RFC 5961 §3.2, rather than §3.10.7.1's
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN> which such a peer would discard.
    TcpSegment rst;
    rst.src_port = tuple_.local_port();
    rst.dst_port = tuple_.remote_port();
    rst.seq = sender_.snd.nxt;
    rst.ack = receiver_.rcv.nxt;
    rst.flags.bits = TcpFlags::kRst | TcpFlags::kAck;
    queue_rst(rst, "rcv SYN in window", "RFC 9293 §3.10.7.4 fourth (RFC 793)", now);
    reset_connection(std::errc::connection_reset, "rcv SYN in window",
                     "RFC 9293 §3.10.7.4 fourth (RFC 793)", now);
    return false;
  }
  send_challenge_ack("rcv SYN in a synchronized state", "RFC 5961 §4.2", now);
  return false;
}

void Connection::acknowledge(SeqNum ack, Instant now) {
  // SND.UNA < SEG.ACK =< SND.NXT: the sender drops what is acknowledged.
  const std::size_t n = sender_.acknowledge(ack, *cfg_, now);
  if (n > 0) note_delivered(n, now);  // TCP_INFO
  urgent_progress();
  soft_error_.reset();  // progress: the delivery problem is over (Linux tcp_ack)
}

// Fifth, check the ACK field (with RFC 5961 §5.2).
bool Connection::check_ack(const TcpSegment& seg, Instant now) {
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 fifth: ACK";
  if (!seg.flags.ack()) {
    drop(DropReason::kNoAck, "ACK bit off", kRfc, now);
    return false;
  }
  if (state_ == State::kSynReceived) {
    if (!(seq_lt(sender_.snd.una, seg.ack) && seq_le(seg.ack, sender_.snd.nxt))) {
      drops_.add(DropReason::kUnacceptableAck);
      queue_rst(reset_to_ack(seg), "rcv unacceptable ACK in SYN-RECEIVED", kRfc, now);
      return false;
    }
    sender_.take_window(seg, snd_wscale_);
    sender_.handshake_complete();
    handshake_deadline_ = kNever;
    receiver_.round_buffer(*cfg_,
                           peer_mss_);  // passive open: FreeBSD syncache_socket() → tcp_mss()
    set_state(State::kEstablished, "rcv ACK of SYN", kRfc, now);
    deliver_syn_text(now);
  }
  // The peer took our zero-window probe octet (sender_persist.cc).
  sender_.note_probe_taken(seg.ack);
  // RFC 9293 MAY-12: RFC 5961 §5 blind data injection mitigation, always on.
  // RFC 5961 §5.2: acceptable iff SND.UNA − MAX.SND.WND ≤ SEG.ACK ≤ SND.NXT.
  if (seq_gt(seg.ack, sender_.snd.nxt)) {
    drop(DropReason::kAckUnsent, "rcv ACK for data never sent", kRfc, now);
    ack_pending_ = true;
    return false;
  }
  if (seq_lt(seg.ack, sender_.snd.una - std::max<std::uint32_t>(sender_.max_snd_wnd(), 1))) {
    drops_.add(DropReason::kAckTooOld);
    send_challenge_ack("rcv ACK older than SND.UNA − MAX.SND.WND", "RFC 5961 §5.2", now);
    return false;
  }
  const bool fin_was_acked = sender_.fin_acked();
  // RTT sample, SACK blocks, duplicate ACKs, cwnd (sender_recovery.cc).
  if (sender_.on_ack(seg, send_params(), ts_ok_, snd_wscale_, now)) ++stats_.dup_acks_in;
  if (seq_lt(sender_.snd.una, seg.ack)) acknowledge(seg.ack, now);
  sender_.update_window(seg, snd_wscale_);
  sender_.on_window_ack(*cfg_, now);  // persist timer (sender_persist.cc)
  const bool fin_acked = sender_.fin_acked();
  if (!fin_acked || fin_was_acked) return true;
  switch (state_) {
    case State::kFinWait1:
      // A FIN riding on this ACK takes FIN-WAIT-1 → TIME-WAIT directly (eighth
      // step); otherwise settle_fin_wait_1() moves on to FIN-WAIT-2.
      return true;
    case State::kClosing:
      set_state(State::kTimeWait, "rcv ACK of FIN", kRfc, now);
      enter_time_wait(now);
      return true;
    case State::kLastAck:
      release_buffers(/*keep_received=*/true);
      set_state(State::kClosed, "rcv ACK of FIN", kRfc, now);
      return false;
    default:
      return true;
  }
}

// The text a SYN carried in SYN-SENT (simultaneous open), now that the
// connection is ESTABLISHED (RFC 9293 §3.10.7.3 fourth: "queue them for
// processing after the ESTABLISHED state has been reached").
void Connection::deliver_syn_text(Instant now) {
  if (receiver_.syn_text().empty()) return;
  TcpSegment text;
  text.seq = receiver_.rcv.irs + 1;
  text.flags = TcpFlags{TcpFlags::kAck};
  text.payload = receiver_.syn_text();
  receive_text(text, now);
  receiver_.drop_syn_text();
}

// Sixth, check the URG bit: RCV.UP ← max(RCV.UP, SEG.SEQ + SEG.UP), and the
// user learns of it when RCV.UP is ahead of the data consumed.
void Connection::check_urg(const TcpSegment& seg, Instant now) {
  if (!seg.flags.urg() || seg.urgent == 0 ||
      !(state_ == State::kEstablished || state_ == State::kFinWait1 ||
        state_ == State::kFinWait2)) {
    return;
  }
  // RFC 9293 MUST-31: RCV.UP is a sequence number, so urgent data may span any length.
  const SeqNum up = seg.seq + static_cast<SeqLen>(seg.urgent);
  if (!receiver_.note_urgent(up)) return;
  // RFC 9293 MUST-32: the user is told at once (this event; the stack's kPollPri).
  trace(TraceKind::kUserCall, "signal user: urgent data", "RFC 9293 §3.10.7.4 sixth: URG", now);
}

// Seventh, process the segment text.
bool Connection::process_text(TcpSegment& seg, Instant now) {
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 seventh: text";
  const bool receiving =
      state_ == State::kEstablished || state_ == State::kFinWait1 || state_ == State::kFinWait2;
  if (seg.payload.empty()) {
    // A FIN beyond RCV.NXT is out of order: ACK what we have.
    if (seg.flags.fin() && seq_gt(seg.seq, receiver_.rcv.nxt)) {
      drop(DropReason::kOutOfOrder, "FIN out of order", kRfc, now);
      ack_pending_ = true;
      return false;
    }
    return true;
  }
  if (!receiving) {
    drop(DropReason::kDataAfterFin, "text after FIN", kRfc, now);
    return false;
  }
  if (detached_) {
    // RFC 9293 SHLD-3: data arriving after CLOSE is lost: RST (Linux tcp_rcv_state_process).
    trace(TraceKind::kDrop, "data after CLOSE: reset", "RFC 9293 §3.6.1", now);
    (void)abort(now);
    error_ = std::errc::connection_aborted;
    return false;
  }
  return receive_text(seg, now);  // Receiver::on_text: reassembly, SACK
}

// Eighth, check the FIN bit.
void Connection::check_fin(const TcpSegment& seg, Instant now) {
  if (!seg.flags.fin()) return;
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 eighth: FIN";
  const SeqNum fin_seq = seg.seq + static_cast<SeqLen>(seg.payload.size());
  if (receiver_.fin_received()) {  // CLOSE-WAIT, CLOSING, LAST-ACK: remain; ACK it
    ack_pending_ = true;
    return;
  }
  if (fin_seq != receiver_.rcv.nxt) return;
  receiver_.on_fin();
  ack_pending_ = true;
  switch (state_) {
    case State::kSynReceived:
    case State::kEstablished:
      set_state(State::kCloseWait, "rcv FIN", kRfc, now);
      break;
    case State::kFinWait1:
      if (sender_.fin_acked()) {
        set_state(State::kTimeWait, "rcv FIN, our FIN acked", kRfc, now);
        enter_time_wait(now);
      } else {
        set_state(State::kClosing, "rcv FIN (simultaneous close)", kRfc, now);
      }
      break;
    case State::kFinWait2:
      set_state(State::kTimeWait, "rcv FIN", kRfc, now);
      enter_time_wait(now);
      break;
    default:
      break;
  }
}

}  // namespace synack::tcp
