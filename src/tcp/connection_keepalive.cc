// SPDX-License-Identifier: Apache-2.0
// Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and the user timeout
// (RFC 5482 semantics, local only; Linux TCP_USER_TIMEOUT), with Linux's
// schedule: the first probe `keepalive_idle` after the last segment received,
// then one every `keepalive_interval`; after `keepalive_count` unanswered
// probes (or, with a user timeout, once it has passed with a probe out) the
// connection is reset with ETIMEDOUT.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

// States in which keepalive watches the peer (Linux: every state but CLOSE,
// SYN-SENT and the request/TIME-WAIT minisocks).
bool Connection::keepalive_state(State s) {
  return s == State::kEstablished || s == State::kCloseWait || s == State::kFinWait1 ||
         s == State::kFinWait2 || s == State::kClosing || s == State::kLastAck;
}

void Connection::note_peer_alive(Instant now) {
  last_rcv_ = now;
  keepalive_probes_ = 0;  // a probe answered (Linux tcp_ack: icsk_probes_out = 0)
  if (cfg_->keepalive && keepalive_state(state_)) keepalive_deadline_ = now + cfg_->keepalive_idle;
}

// RFC 9293 MUST-26: probes only when nothing is outstanding and the peer was idle the interval.
// RFC 9293 MUST-29: one unanswered probe is no verdict: keepalive_count (9) must go unanswered.
void Connection::arm_keepalive(Instant now) {
  last_rcv_ = now;
  keepalive_probes_ = 0;
  keepalive_deadline_ = cfg_->keepalive ? now + cfg_->keepalive_idle : kNever;
}

void Connection::on_keepalive_timeout(Instant now) {
  keepalive_deadline_ = kNever;
  if (!cfg_->keepalive || !keepalive_state(state_)) return;
  if (sender_.snd.una != sender_.snd.nxt || sender_.queued() > 0) {
    // Data in flight or queued: the retransmission / persist timer watches
    // the peer; look again after another idle period (Linux: resched).
    keepalive_probes_ = 0;
    keepalive_deadline_ = now + cfg_->keepalive_idle;
    return;
  }
  const Duration idle = now - last_rcv_;
  if (keepalive_probes_ == 0 && idle < cfg_->keepalive_idle) {  // armed early (a setter)
    keepalive_deadline_ = last_rcv_ + cfg_->keepalive_idle;
    return;
  }
  const bool user_timed_out =
      cfg_->user_timeout > Duration::zero() && idle >= cfg_->user_timeout && keepalive_probes_ > 0;
  const bool exhausted =
      cfg_->user_timeout == Duration::zero() && keepalive_probes_ >= cfg_->keepalive_count;
  if (user_timed_out || exhausted) {
    // Linux tcp_keepalive_timer → tcp_send_active_reset: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>.
    TcpSegment rst = make_segment(sender_.snd.nxt, TcpFlags::kRst | TcpFlags::kAck, {}, now);
    rst.options = TcpOptions{};
    constexpr std::string_view kRfc = "RFC 9293 §3.8.4, RFC 1122 §4.2.3.6";
    const std::string_view cause = user_timed_out ? "keepalive: user timeout, probes unanswered"
                                                  : "keepalive: probes unanswered";
    give_up(std::errc::timed_out, cause,
            user_timed_out ? "RFC 5482 §3, Linux TCP_USER_TIMEOUT" : kRfc, now);
    queue_rst(rst, cause, kRfc, now);
    return;
  }
  ++keepalive_probes_;
  keepalive_probe_pending_ = true;
  keepalive_deadline_ = now + cfg_->keepalive_interval;
  trace(TraceKind::kTimerFired, "keepalive probe <SEQ=SND.NXT-1><CTL=ACK>",
        "RFC 9293 §3.8.4, RFC 1122 §4.2.3.6", now);
}

}  // namespace synack::tcp
