// SPDX-License-Identifier: Apache-2.0
// The persist timer (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17, RFC 6429): when the
// peer's window is zero (or too small to use without SWS, §3.8.6.2.1 (4)) and
// nothing is outstanding to bring an ACK, a probe of one octet of new data goes
// out on its own timer, backed off exponentially from the current RTO up to
// Config::max_rto. Probes the peer answers never count as retransmissions: a
// peer that keeps its window closed but ACKs keeps the connection alive
// (RFC 6429 §2); only Config::max_retransmissions unanswered probes in a row
// time the connection out (Connection::on_persist_timeout decides). A window
// update cancels the timer at once.
#include <algorithm>

#include "tcp/sender.hpp"

namespace synack::tcp {

Duration Sender::persist_interval(const Config& cfg) const {
  Duration d = persist_.get().base;
  for (unsigned i = 0; i < persist_.get().shift && d < cfg.max_rto; ++i) d = d * 2;
  return std::min(d, cfg.max_rto);
}

// RFC 9293 SHLD-29: the first probe after one RTO of zero window.
// RFC 9293 SHLD-30: then exponential backoff of the probe interval (capped at max_rto).
void Sender::arm_persist(const Config& cfg, Instant now) {
  PersistState& p = persist_.mut();  // allocated on the first zero window
  if (p.deadline == kNever && p.shift == 0) p.base = rto(cfg);  // a new episode
  p.deadline = now + persist_interval(cfg);
  // Linux tcp_clamp_probe0_to_user_timeout: never sleep past the user timeout.
  if (cfg.user_timeout > Duration::zero() && unacked_since_ != kNever) {
    p.deadline = std::min(p.deadline, std::max(now, unacked_since_ + cfg.user_timeout));
  }
}

// RFC 9293 MUST-35: a zero window is probed the standard way: one octet of new data.
// RFC 9293 MUST-36: zero-window probing is always on.
// RFC 9293 MUST-37: answered probes keep the connection open however long the window stays 0.
void Sender::stop_persist() {
  if (persist_) persist_.mut().deadline = kNever;
}

void Sender::on_persist_timeout() {
  if (snd.wnd == 0 && bytes_in_flight() > 0) {
    // Bytes sent beyond a window that closed (a previous probe, or data the
    // peer refused) are sent again from SND.UNA (FreeBSD: snd_nxt = snd_una).
    snd.nxt = data_front();
    snd_sml_.reset();
    rto_recovery_ = rtx_pending_ = false;
    rtx_deadline_ = kNever;
    rtt_sampler_.on_retransmit();
  }
  ++persist_.mut().unanswered;
  ++persist_.mut().shift;
  probe_pending_ = true;  // next_data sends it and re-arms this timer
}

void Sender::on_window_ack(const Config& cfg, Instant now) {
  if (persist_) persist_.mut().unanswered = 0;  // the peer is alive (RFC 6429)
  if (snd.wnd > 0) {
    // The window opened: stop probing; what is outstanding is under the RTO again.
    if (persist_) {
      PersistState& p = persist_.mut();
      if (p.deadline != kNever || p.shift > 0) unacked_since_ = kNever;  // user timeout
      p.deadline = kNever;
      p.shift = 0;
    }
    zero_window_probed_ = false;  // a probe octet never advanced SND.NXT
    if (bytes_in_flight() > 0 && rtx_deadline_ == kNever) arm_retransmit(cfg, now);
    return;
  }
  if (rtx_deadline_ == kNever && persist_.get().deadline == kNever && !fin_sent_ &&
      buf_.size() > 0) {
    arm_persist(cfg, now);  // zero window, nothing outstanding: probe it (RFC 9293 §3.8.6.1)
  }
}

}  // namespace synack::tcp
