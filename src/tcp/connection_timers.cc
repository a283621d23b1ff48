// SPDX-License-Identifier: Apache-2.0
// Connection timers (RFC 9293 §3.10.8): the retransmission timer's verdicts
// per state (SYN, SYN-ACK, data: the Sender's RTO and go-back-N, sender.cc)
// with give-up, the persist timer's give-up rules (RFC 6429), TIME-WAIT 2·MSL,
// orphaned FIN-WAIT-2, and the handshake limit (FreeBSD keepinit).
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

Instant Connection::next_deadline() const {
  return std::min({sender_.rtx_deadline(), close_deadline_, handshake_deadline_,
                   receiver_.delack_deadline(), keepalive_deadline_, sender_.persist_deadline()});
}

void Connection::give_up(std::errc err, std::string_view cause, std::string_view rfc, Instant now) {
  // A handshake that timed out after an ICMP soft error reports that error
  // (RFC 1122 §4.2.3.9; Linux sk_err_soft).
  const bool handshake = state_ == State::kSynSent || state_ == State::kSynReceived;
  error_ = handshake && soft_error_ ? *soft_error_ : err;
  release_buffers();
  trace(TraceKind::kTimerFired, cause, rfc, now);
  set_state(State::kClosed, cause, rfc, now);
}

void Connection::on_close_timeout(Instant now) {
  close_deadline_ = kNever;
  if (state_ == State::kTimeWait) {
    trace(TraceKind::kTimerFired, "2MSL timeout", "RFC 9293 §3.10.8 TIME-WAIT TIMEOUT", now);
    release_buffers(/*keep_received=*/true);
    set_state(State::kClosed, "2MSL timeout", "RFC 9293 §3.10.8 TIME-WAIT TIMEOUT", now);
  } else if (state_ == State::kFinWait2) {
    // Linux tcp_fin_timeout: an orphaned FIN-WAIT-2 does not wait forever.
    give_up(std::errc::timed_out, "FIN-WAIT-2 timeout (orphaned)", "Linux tcp_fin_timeout", now);
  }
}

void Connection::on_retransmit_timeout(Instant now) {
  sender_.stop_retransmit();
  switch (state_) {
    case State::kSynSent:
      // RFC 9293 MUST-22: a SYN follows the same R1/R2 procedure (R2 = Config::syn_retries).
      // RFC 9293 MUST-23: syn_retries 7 → R2 after 247 s ≥ 3 min (linux personality: 6, 127 s).
      if (sender_.retransmits() >= cfg_->syn_retries) {
        give_up(std::errc::timed_out, "SYN retransmissions exhausted",
                "RFC 9293 §3.8.3 (R2 for SYN), Linux tcp_syn_retries", now);
        return;
      }
      syn_pending_ = true;
      sender_.note_syn_timeout();
      trace(TraceKind::kRetransmit, "RTO: SYN", "RFC 6298 §5 (5.4)", now);
      break;
    case State::kSynReceived:
      if (sender_.retransmits() >= cfg_->synack_retries) {
        TcpSegment rst = make_segment(sender_.snd.nxt, TcpFlags::kRst, {}, now);
        rst.options = TcpOptions{};
        rst.window = 0;
        give_up(std::errc::timed_out, "SYN-ACK retransmissions exhausted",
                "RFC 9293 §3.8.3 (R2 for SYN), Linux tcp_synack_retries", now);
        queue_rst(rst, "SYN-ACK retransmissions exhausted", "RFC 9293 §3.8.3", now);
        return;
      }
      syn_pending_ = true;
      sender_.note_syn_timeout();
      trace(TraceKind::kRetransmit, "RTO: SYN,ACK", "RFC 6298 §5 (5.4)", now);
      break;
    case State::kEstablished:
    case State::kFinWait1:
    case State::kCloseWait:
    case State::kClosing:
    case State::kLastAck:
      if (sender_.user_timeout_expired(*cfg_, now)) {  // replaces the retransmission count (Linux)
        give_up(std::errc::timed_out, "user timeout: data unacknowledged",
                "RFC 5482 §3, Linux TCP_USER_TIMEOUT", now);
        return;
      }
      switch (sender_.on_data_rto(*cfg_, send_mss(), now)) {
        case RtoVerdict::kIdle:  // nothing outstanding (the persist timer probes)
          return;
        case RtoVerdict::kPersist:  // a closed window: probes, not retransmissions (RFC 6429)
          on_persist_timeout(now);
          return;
        case RtoVerdict::kGiveUp:
          give_up(std::errc::timed_out, "retransmissions exhausted",
                  "RFC 9293 §3.8.3 (R2), Linux tcp_retries2", now);
          return;
        case RtoVerdict::kRetransmit:  // go-back-N from SND.UNA (sender_output.cc)
          break;
      }
      break;
    default:
      return;
  }
  // RFC 6298 (5.5) backoff, Karn, the timer re-armed (sender.cc).
  const unsigned retransmits = sender_.back_off(*cfg_, now);
  // RFC 9293 SHLD-10: R1 = Config::r1_retransmissions, 3 retransmissions (Linux tcp_retries1).
  // RFC 9293 SHLD-9: at R1 the user learns of the delivery problem (Status::soft_error).
  if (retransmits == cfg_->r1_retransmissions && !soft_error_) soft_error_ = std::errc::timed_out;
}

void Connection::on_persist_timeout(Instant now) {
  sender_.stop_persist();
  const bool sending = state_ == State::kEstablished || state_ == State::kCloseWait ||
                       state_ == State::kFinWait1 || state_ == State::kLastAck ||
                       state_ == State::kClosing;
  if (!sending || !sender_.has_data_to_probe()) return;
  // User timeout (RFC 5482, Linux TCP_USER_TIMEOUT): counted from the first
  // probe of this zero-window episode (or older unacknowledged data), answered
  // probes included (Linux icsk_probes_tstamp).
  sender_.note_unacked(now);
  if (sender_.user_timeout_expired(*cfg_, now)) {
    give_up(std::errc::timed_out, "user timeout: zero window",
            "RFC 5482 §3, Linux TCP_USER_TIMEOUT", now);
    return;
  }
  if (sender_.persist_unanswered() >= cfg_->max_retransmissions) {
    give_up(std::errc::timed_out, "zero-window probes unanswered",
            "RFC 6429 §2, RFC 1122 §4.2.2.17", now);
    return;
  }
  sender_.on_persist_timeout();  // the probe goes at the next poll (sender_persist.cc)
  trace(TraceKind::kTimerFired, "persist timeout", "RFC 9293 §3.8.6.1", now);
}

void Connection::on_timeout(Instant now) {
  if (handshake_deadline_ <= now) {
    handshake_deadline_ = kNever;
    if (state_ == State::kSynSent || state_ == State::kSynReceived) {
      give_up(std::errc::timed_out, "connection establishment timeout",
              "FreeBSD net.inet.tcp.keepinit", now);
      return;
    }
  }
  if (receiver_.delack_deadline() <= now) {  // the delayed ACK is due
    receiver_.stop_delack();
    if (is_synchronized(state_)) ack_pending_ = true;
  }
  if (close_deadline_ <= now) on_close_timeout(now);
  if (sender_.rtx_deadline() <= now) on_retransmit_timeout(now);
  if (keepalive_deadline_ <= now) on_keepalive_timeout(now);
  if (sender_.persist_deadline() <= now) on_persist_timeout(now);
}

}  // namespace synack::tcp
