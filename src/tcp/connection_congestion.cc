// SPDX-License-Identifier: Apache-2.0
// Congestion control in the engine: every acceptable ACK goes through
// LossRecovery (duplicate ACKs, fast retransmit after exactly three, NewReno
// partial ACKs, limited transmit; RFC 5681 §3.2, RFC 6582 §3.2, RFC 3042) and
// the configured algorithm (NewReno or CUBIC) before SND.UNA and SND.WND move.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

CongestionControl& Connection::congestion() {
  if (!cc_) {
    // The initial window needs Eff.snd.MSS (RFC 6928 §2), known once synchronized.
    const std::uint32_t smss = send_mss();
    auto cc = make_congestion_control(cfg_->congestion_control, smss);
    if (!cc) cc = make_congestion_control("newreno", smss);
    cc_ = std::move(*cc);
    cc_->gate_growth_on_use(cfg_->cwnd_growth_when_limited);
    recovery_ = LossRecovery(snd.iss);
  }
  return *cc_;
}

void Connection::on_ack_arrival(const TcpSegment& seg, Instant now) {
  if (seq_lt(snd.una, seg.ack)) sample_rtt(seg, now);  // RFC 6298 §3 / RFC 7323 §4
  if (!is_synchronized(state_) || state_ == State::kSynReceived) return;
  if (snd.una == snd.iss) return;  // our SYN is not ACKed yet: nothing sent beyond it
  // An ACK at SND.UNA with a zero window answers a window probe: it says
  // nothing about loss (not a duplicate ACK; RFC 9293 §3.8.6.1).
  if (seg.window == 0 && seg.ack == snd.una) return;
  // RFC 6675 §2 DupAck: with SACK, an ACK at SND.UNA that SACKs new bytes
  // counts as a duplicate even when it carries data or a new window (the
  // peer's data riding on its ACKs would otherwise hide every loss until RTO).
  const bool sack_dup = on_sack_blocks(seg) && seg.ack == snd.una && snd.una != snd.nxt;
  CongestionControl& cc = congestion();
  const AckSample ack{.seg_ack = seg.ack,
                      .seg_wnd = sack_dup ? snd.wnd : std::uint32_t{seg.window} << snd_wscale_,
                      .carries_data = !sack_dup && seg.seg_len() > 0,
                      .snd_una = snd.una,
                      .snd_nxt = snd.nxt,
                      .snd_wnd = snd.wnd};
  const RecoveryDecision d = recovery_.on_ack(ack, cc, rtt_.srtt().value_or(Duration::zero()), now);
  if (d.kind == AckKind::kDuplicate) ++stats_.dup_acks_in;  // TCP_INFO (RFC 4898 DupAcksIn)
  // Fast retransmit on the third duplicate ACK (RFC 5681 §3.2 (2)), or the first
  // unacknowledged segment after a partial ACK (RFC 6582 §3.2 (3)): poll_transmit
  // sends the segment at SND.UNA next (traced there).
  if (d.action == RecoveryAction::kFastRetransmit) {
    fast_rtx_pending_ = true;
    high_rxt_ = data_front();  // RFC 6675 §5 (4.1): HighRxt starts at SND.UNA
  }
  // With a scoreboard the holes are resent by sack_recovery_segment (RFC 6675),
  // the one at SND.UNA included unless it already was.
  if (d.action == RecoveryAction::kRetransmitFirst && !sack_recovery()) fast_rtx_pending_ = true;
}

std::size_t Connection::congestion_usable(std::size_t usable) {
  // The window to fill: min(SND.WND, cwnd + limited-transmit allowance) − flight.
  if (sack_recovery()) {  // RFC 6675 §5: new data too only while pipe < cwnd (= ssthresh)
    const std::uint32_t pipe = sack_pipe();
    const std::uint32_t ssthresh = cc_->ssthresh();
    return std::min<std::size_t>(usable, ssthresh > pipe ? ssthresh - pipe : 0);
  }
  const std::size_t flight = bytes_in_flight();
  const std::size_t cwnd = recovery_.send_window(congestion());
  return std::min(usable, cwnd > flight ? cwnd - flight : 0);
}

}  // namespace synack::tcp
