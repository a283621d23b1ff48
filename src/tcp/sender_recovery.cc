// SPDX-License-Identifier: Apache-2.0
// Congestion control and loss recovery in the sender (sender.hpp): every
// acceptable ACK goes through LossRecovery (duplicate ACKs, fast retransmit
// after exactly three, NewReno partial ACKs, limited transmit; RFC 5681 §3.2,
// RFC 6582 §3.2, RFC 3042) and the configured algorithm (NewReno or CUBIC)
// before SND.UNA and SND.WND move. SACK-based recovery (RFC 6675) on top of
// the NewReno entry rules: the peer's SACK blocks (RFC 2018) fill a scoreboard
// on every ACK; during fast recovery the sender keeps `pipe` (bytes believed
// in the network) below ssthresh and resends every hole the scoreboard shows
// lost — several per round trip — instead of one hole per partial ACK. After
// an RTO the go-back-N skips what the peer has SACKed.
#include <algorithm>

#include "tcp/sender.hpp"

namespace synack::tcp {

CongestionControl& Sender::congestion(const Config& cfg, std::uint16_t mss) {
  if (!cc_) {
    // The initial window needs Eff.snd.MSS (RFC 6928 §2), known once synchronized.
    auto cc = make_congestion_control(cfg.congestion_control, mss);
    if (!cc) cc = make_congestion_control("newreno", mss);
    cc_ = std::move(*cc);
    cc_->gate_growth_on_use(cfg.cwnd_growth_when_limited);
    recovery_ = LossRecovery(snd.iss);
  }
  return *cc_;
}

std::expected<void, std::errc> Sender::switch_congestion(std::string_view name, const Config& cfg) {
  if (!cc_) return {};  // created with the first data (congestion())
  // As Linux: the new algorithm continues from the current cwnd and ssthresh,
  // and the loss-recovery state (an episode under way) is kept.
  auto next = make_congestion_control(name, cc_->smss());
  if (!next) return std::unexpected(next.error());
  (*next)->gate_growth_on_use(cfg.cwnd_growth_when_limited);
  (*next)->take_window(*cc_);
  cc_ = std::move(*next);
  return {};
}

bool Sender::on_ack(const TcpSegment& seg, const SendParams& p, bool ts_ok, std::uint8_t snd_wscale,
                    Instant now) {
  if (seq_lt(snd.una, seg.ack)) sample_rtt(seg, ts_ok, now);  // RFC 6298 §3 / RFC 7323 §4
  if (!data_phase_) return false;
  if (snd.una == snd.iss) return false;  // our SYN is not ACKed yet: nothing sent beyond it
  // An ACK at SND.UNA with a zero window answers a window probe: it says
  // nothing about loss (not a duplicate ACK; RFC 9293 §3.8.6.1).
  if (seg.window == 0 && seg.ack == snd.una) return false;
  // RFC 6675 §2 DupAck: with SACK, an ACK at SND.UNA that SACKs new bytes
  // counts as a duplicate even when it carries data or a new window (the
  // peer's data riding on its ACKs would otherwise hide every loss until RTO).
  const bool sack_dup = on_sack_blocks(seg, p.sack_ok) && seg.ack == snd.una && snd.una != snd.nxt;
  CongestionControl& cc = congestion(p.cfg, p.mss);
  const AckSample ack{.seg_ack = seg.ack,
                      .seg_wnd = sack_dup ? snd.wnd : std::uint32_t{seg.window} << snd_wscale,
                      .carries_data = !sack_dup && seg.seg_len() > 0,
                      .snd_una = snd.una,
                      .snd_nxt = snd.nxt,
                      .snd_wnd = snd.wnd};
  const RecoveryDecision d = recovery_.on_ack(ack, cc, rtt_.srtt().value_or(Duration::zero()), now);
  // Fast retransmit on the third duplicate ACK (RFC 5681 §3.2 (2)), or the first
  // unacknowledged segment after a partial ACK (RFC 6582 §3.2 (3)): the next
  // poll sends the segment at SND.UNA (start_poll).
  if (d.action == RecoveryAction::kFastRetransmit) {
    fast_rtx_pending_ = true;
    high_rxt_ = data_front();  // RFC 6675 §5 (4.1): HighRxt starts at SND.UNA
  }
  // With a scoreboard the holes are resent by sack_recovery_segment (RFC 6675),
  // the one at SND.UNA included unless it already was.
  if (d.action == RecoveryAction::kRetransmitFirst && !sack_recovery(p.sack_ok)) {
    fast_rtx_pending_ = true;
  }
  return d.kind == AckKind::kDuplicate;
}

std::size_t Sender::congestion_usable(std::size_t usable, const SendParams& p) {
  // The window to fill: min(SND.WND, cwnd + limited-transmit allowance) − flight.
  if (sack_recovery(p.sack_ok)) {  // RFC 6675 §5: new data too only while pipe < cwnd (= ssthresh)
    const std::uint32_t pipe = sack_pipe(p.mss);
    const std::uint32_t ssthresh = cc_->ssthresh();
    return std::min<std::size_t>(usable, ssthresh > pipe ? ssthresh - pipe : 0);
  }
  const std::size_t flight = bytes_in_flight();
  const std::size_t cwnd = recovery_.send_window(congestion(p.cfg, p.mss));
  return std::min(usable, cwnd > flight ? cwnd - flight : 0);
}

bool Sender::on_sack_blocks(const TcpSegment& seg, bool sack_ok) {
  if (!sack_ok) return false;
  const TcpOptionSummary o = seg.options.summarize();
  if (o.sack_count == 0) {
    if (scoreboard_) scoreboard_.mut().prune(seq_gt(seg.ack, snd.una) ? seg.ack : snd.una);
    return false;
  }
  const SeqNum una = seq_gt(seg.ack, snd.una) ? seg.ack : snd.una;
  SackScoreboard& board = scoreboard_.mut();  // allocated on the first SACK block
  const std::uint32_t before = board.sacked_between(una, snd.nxt);
  board.on_ack({o.sack.data(), o.sack_count}, una, snd.nxt);
  return board.sacked_between(una, snd.nxt) > before;
}

bool Sender::sack_recovery(bool sack_ok) const {
  return sack_ok && cc_ && recovery_.in_recovery() && !scoreboard_.get().empty();
}

SeqNum Sender::sack_lost_below(std::uint16_t mss) const {
  // RFC 6675 §4 IsLost: a byte is lost once more than (DupThresh − 1)·SMSS
  // bytes above it are SACKed; holes lie between ranges, so the boundary is the
  // left edge of the range where the SACKed bytes counted from the top pass it.
  const std::uint32_t threshold = 2 * static_cast<std::uint32_t>(mss);
  std::uint32_t above = 0;
  const auto r = scoreboard_.get().ranges();
  for (std::size_t i = r.size(); i-- > 0;) {
    above += static_cast<std::uint32_t>(r[i].right - r[i].left);
    if (above > threshold) return r[i].left;
  }
  return data_front();
}

std::uint32_t Sender::sack_pipe(std::uint16_t mss) const {
  // RFC 6675 §4 SetPipe: outstanding bytes, less the SACKed ones, less the
  // lost ones not yet retransmitted (retransmitted holes are below HighRxt).
  const SeqNum front = data_front();
  const auto flight = static_cast<std::uint32_t>(bytes_in_flight());
  const std::uint32_t sacked = scoreboard_.get().sacked_between(front, front + flight);
  const SeqNum lost_end = sack_lost_below(mss);
  const SeqNum from = seq_gt(high_rxt_, front) ? high_rxt_ : front;
  std::uint32_t lost = 0;
  if (seq_lt(from, lost_end)) {
    lost = static_cast<std::uint32_t>(lost_end - from) -
           scoreboard_.get().sacked_between(from, lost_end);
  }
  const std::uint32_t gone = sacked + lost;
  return flight > gone ? flight - gone : 0;
}

std::optional<Outgoing> Sender::sack_recovery_segment(const SendParams& p, Instant now,
                                                      bool& ack_taken) {
  if (!sack_recovery(p.sack_ok)) return std::nullopt;
  if (sack_pipe(p.mss) >= cc_->ssthresh()) return std::nullopt;  // RFC 6675 §5 (C)
  const SeqNum front = data_front();
  const auto hole = scoreboard_.get().next_hole(seq_gt(high_rxt_, front) ? high_rxt_ : front);
  if (!hole || !seq_lt(hole->left, sack_lost_below(p.mss))) return std::nullopt;  // NextSeg (1)
  const auto len =
      std::min<std::size_t>(static_cast<std::size_t>(hole->right - hole->left), p.data_mss());
  Outgoing o = resend_from(hole->left, len, now);
  ack_taken = true;
  if (o.seg_len() == 0) return std::nullopt;
  high_rxt_ = o.seq + o.seg_len();
  o.cause = "SACK recovery: lost hole";
  o.rfc = "RFC 6675 §5 NextSeg (1)";
  return o;
}

}  // namespace synack::tcp
