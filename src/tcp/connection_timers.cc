// SPDX-License-Identifier: Apache-2.0
// Connection timers (RFC 9293 §3.10.8): retransmission (SYN, SYN-ACK, data,
// FIN) with exponential backoff and give-up, TIME-WAIT 2·MSL, orphaned
// FIN-WAIT-2, and the handshake limit (FreeBSD keepinit).
#include <algorithm>

#include "tcp/connection.hpp"
#include "tcp/paws.hpp"

namespace synack::tcp {

RttConfig Connection::rtt_config(const Config& cfg) {
  return RttConfig{.initial_rto = cfg.initial_rto,
                   .min_rto = cfg.min_rto,
                   .max_rto = cfg.max_rto,
                   .granularity = milliseconds(1),
                   .syn_fallback_rto = cfg.initial_rto_after_syn_timeout};
}

Duration Connection::rto() const {
  // RFC 6298: SRTT + max(G, 4·RTTVAR) (initial_rto before a sample), doubled on
  // each expiry (5.5); handshake RTOs start at initial_rto unclamped by min_rto.
  // FreeBSD's rexmit_slop is added once backed off (0 for Linux).
  const Duration r = rtt_.rto();
  if (rtt_.backoffs() == 0) return r;
  return std::min(r + cfg_->rexmit_slop, cfg_->max_rto);
}

void Connection::handshake_complete() {
  // RFC 6298 (5.7): after a retransmitted SYN/SYN-ACK, data starts with RTO = 3 s
  // unless an RTT was already measured (e.g. from the SYN-ACK's timestamps).
  if (syn_timed_out_) rtt_.on_handshake_after_syn_timeout();
  retransmits_ = 0;
}

void Connection::restart_rto_estimate() {
  rtt_ = RttEstimator(rtt_config(*cfg_));
  rtt_sampler_ = RttSampler{};
}

void Connection::sample_rtt(const TcpSegment& seg, Instant now) {
  // RFC 7323 §4.1: with timestamps an ACK of new data gives RTT = now − TSecr
  // (retransmissions included: the echo names the transmission). TSecr 0 is
  // "no echo" (our clock at 0 ms), so it falls back to Karn's sampler.
  if (ts_ok_) {
    if (const auto ts = seg.options.summarize().timestamps; ts && ts->ecr != 0) {
      const std::uint32_t ticks = ts_clock(now) - ts->ecr;
      if (ticks < (1u << 31) && !echo_predates_retransmission(ts->ecr, now)) {
        rtt_.on_sample(milliseconds(ticks));
      }
      (void)rtt_sampler_.on_ack(seg.ack, now);
      return;
    }
  }
  // RFC 6298 §3 (Karn): only a segment never retransmitted is timed.
  if (const auto r = rtt_sampler_.on_ack(seg.ack, now)) rtt_.on_sample(*r);
}

bool Connection::echo_predates_retransmission(std::uint32_t tsecr, Instant now) const {
  // An echo older than our latest retransmission answers a segment sent before
  // it: the ACK the peer sent then was lost or held back, and this one (a
  // duplicate ACK for a copy that does not cover its Last.ACK.sent, or its
  // own retransmission carrying the ACK) echoes the TS.Recent of that time,
  // RFC 7323 §4.3. now − TSecr would time the peer's backoff, not the path;
  // under 15 % loss + 15 % corruption such samples drove the RTO to minutes
  // (issue 17). Karn's rule (RFC 6298 §3) applied to the echo: not timed.
  // DEVIATION(linux): tcp_ack_update_rtt takes the TSecr sample when every
  // acknowledged segment was retransmitted.
  const auto rtx = rtt_sampler_.last_retransmission();
  // A retransmission 2^31 ms ago or more is no longer comparable (serial
  // arithmetic, RFC 7323 §5.2); any echo is newer than it by then.
  if (!rtx || now - *rtx >= milliseconds(std::int64_t{1} << 31)) return false;
  return ts_before(tsecr, ts_clock(*rtx));
}

void Connection::arm_retransmit(Instant now) {
  rtx_deadline_ = now + rto();
  note_unacked(now);  // user timeout (connection_keepalive.cc)
  // Linux tcp_clamp_rto_to_user_timeout: never sleep past the user timeout.
  if (cfg_->user_timeout > Duration::zero() && unacked_since_ != kNever) {
    rtx_deadline_ = std::min(rtx_deadline_, unacked_since_ + cfg_->user_timeout);
  }
}

Instant Connection::next_deadline() const {
  return std::min({rtx_deadline_, close_deadline_, handshake_deadline_, receiver_.delack_deadline(),
                   keepalive_deadline_, persist_.get().deadline});
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
  rtx_deadline_ = kNever;
  switch (state_) {
    case State::kSynSent:
      // RFC 9293 MUST-22: a SYN follows the same R1/R2 procedure (R2 = Config::syn_retries).
      // RFC 9293 MUST-23: syn_retries 7 → R2 after 247 s ≥ 3 min (linux personality: 6, 127 s).
      if (retransmits_ >= cfg_->syn_retries) {
        give_up(std::errc::timed_out, "SYN retransmissions exhausted",
                "RFC 9293 §3.8.3 (R2 for SYN), Linux tcp_syn_retries", now);
        return;
      }
      syn_pending_ = true;
      syn_timed_out_ = true;
      trace(TraceKind::kRetransmit, "RTO: SYN", "RFC 6298 §5 (5.4)", now);
      break;
    case State::kSynReceived:
      if (retransmits_ >= cfg_->synack_retries) {
        TcpSegment rst = make_segment(snd.nxt, TcpFlags::kRst, {}, now);
        rst.options = TcpOptions{};
        rst.window = 0;
        give_up(std::errc::timed_out, "SYN-ACK retransmissions exhausted",
                "RFC 9293 §3.8.3 (R2 for SYN), Linux tcp_synack_retries", now);
        queue_rst(rst, "SYN-ACK retransmissions exhausted", "RFC 9293 §3.8.3", now);
        return;
      }
      syn_pending_ = true;
      syn_timed_out_ = true;
      trace(TraceKind::kRetransmit, "RTO: SYN,ACK", "RFC 6298 §5 (5.4)", now);
      break;
    case State::kEstablished:
    case State::kFinWait1:
    case State::kCloseWait:
    case State::kClosing:
    case State::kLastAck:
      if (user_timeout_expired(now)) {  // replaces the retransmission count (Linux)
        give_up(std::errc::timed_out, "user timeout: data unacknowledged",
                "RFC 5482 §3, Linux TCP_USER_TIMEOUT", now);
        return;
      }
      if (snd.una == snd.nxt) return;  // nothing outstanding (the persist timer probes)
      // RFC 9293 SHLD-17: data beyond a closed window is probed, never counted toward R2.
      if (snd.wnd == 0 && !fin_sent_) {
        // The peer closed its window with data outstanding: probes on the
        // persist timer, not retransmissions (RFC 6429; connection_persist.cc).
        persist_.mut().base = rto();
        persist_.mut().shift = 0;
        on_persist_timeout(now);
        return;
      }
      // RFC 9293 MUST-20: R2 (max_retransmissions 15, or the user timeout) closes; R1 below.
      // RFC 9293 SHLD-11: R2 default ≥ 100 s: 15 backed-off RTOs of ≥ 200 ms last ≈ 15 min.
      if (cfg_->user_timeout == Duration::zero() && retransmits_ >= cfg_->max_retransmissions) {
        give_up(std::errc::timed_out, "retransmissions exhausted",
                "RFC 9293 §3.8.3 (R2), Linux tcp_retries2", now);
        return;
      }
      rtx_pending_ = true;
      rto_recovery_ = true;  // later segments follow at cwnd pace (rto_recovery_segment)
      rto_high_ = snd.nxt;
      rtx_next_ = data_front();
      // RFC 5681 §3.1 (4): ssthresh = max(FlightSize/2, 2·SMSS) once per episode,
      // cwnd = 1 SMSS; RFC 6582 §3.2 (4): recover = SND.NXT, leave fast recovery.
      recovery_.on_rto(snd.nxt, static_cast<std::uint32_t>(bytes_in_flight()), congestion(), now);
      fast_rtx_pending_ = false;
      break;
    default:
      return;
  }
  ++retransmits_;
  // RFC 9293 SHLD-10: R1 = Config::r1_retransmissions, 3 retransmissions (Linux tcp_retries1).
  // RFC 9293 SHLD-9: at R1 the user learns of the delivery problem (Status::soft_error).
  if (retransmits_ == cfg_->r1_retransmissions && !soft_error_) soft_error_ = std::errc::timed_out;
  rtt_.backoff();                // RFC 6298 (5.5)
  rtt_sampler_.on_retransmit();  // RFC 6298 §3 (Karn)
  arm_retransmit(now);
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
  if (rtx_deadline_ <= now) on_retransmit_timeout(now);
  if (keepalive_deadline_ <= now) on_keepalive_timeout(now);
  if (persist_.get().deadline <= now) on_persist_timeout(now);
}

}  // namespace synack::tcp
