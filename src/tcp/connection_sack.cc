// SPDX-License-Identifier: Apache-2.0
// SACK-based loss recovery (RFC 6675) on top of the NewReno entry rules: the
// peer's SACK blocks (RFC 2018) fill a scoreboard on every ACK; during fast
// recovery the sender keeps `pipe` (bytes believed in the network) below
// ssthresh and resends every hole the scoreboard shows lost — several per
// round trip — instead of one hole per partial ACK. After an RTO the go-back-N
// skips what the peer has SACKed.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

bool Connection::on_sack_blocks(const TcpSegment& seg) {
  if (!sack_ok_) return false;
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

bool Connection::sack_recovery() const {
  return sack_ok_ && cc_ && recovery_.in_recovery() && !scoreboard_.get().empty();
}

SeqNum Connection::sack_lost_below() const {
  // RFC 6675 §4 IsLost: a byte is lost once more than (DupThresh − 1)·SMSS
  // bytes above it are SACKed; holes lie between ranges, so the boundary is the
  // left edge of the range where the SACKed bytes counted from the top pass it.
  const std::uint32_t threshold = 2 * static_cast<std::uint32_t>(send_mss());
  std::uint32_t above = 0;
  const auto r = scoreboard_.get().ranges();
  for (std::size_t i = r.size(); i-- > 0;) {
    above += static_cast<std::uint32_t>(r[i].right - r[i].left);
    if (above > threshold) return r[i].left;
  }
  return data_front();
}

std::uint32_t Connection::sack_pipe() const {
  // RFC 6675 §4 SetPipe: outstanding bytes, less the SACKed ones, less the
  // lost ones not yet retransmitted (retransmitted holes are below HighRxt).
  const SeqNum front = data_front();
  const auto flight = static_cast<std::uint32_t>(bytes_in_flight());
  const std::uint32_t sacked = scoreboard_.get().sacked_between(front, front + flight);
  const SeqNum lost_end = sack_lost_below();
  const SeqNum from = seq_gt(high_rxt_, front) ? high_rxt_ : front;
  std::uint32_t lost = 0;
  if (seq_lt(from, lost_end)) {
    lost = static_cast<std::uint32_t>(lost_end - from) -
           scoreboard_.get().sacked_between(from, lost_end);
  }
  const std::uint32_t gone = sacked + lost;
  return flight > gone ? flight - gone : 0;
}

std::optional<TcpSegment> Connection::sack_recovery_segment(Instant now) {
  if (!sack_recovery()) return std::nullopt;
  if (sack_pipe() >= cc_->ssthresh()) return std::nullopt;  // RFC 6675 §5 (C): cwnd = ssthresh
  const SeqNum front = data_front();
  const auto hole = scoreboard_.get().next_hole(seq_gt(high_rxt_, front) ? high_rxt_ : front);
  if (!hole || !seq_lt(hole->left, sack_lost_below())) return std::nullopt;  // NextSeg (1)
  const std::size_t mss = send_mss() - sack_option_bytes();
  const auto len = std::min<std::size_t>(static_cast<std::size_t>(hole->right - hole->left), mss);
  TcpSegment s = resend_from(hole->left, len, now);
  if (s.seg_len() == 0) return std::nullopt;
  high_rxt_ = s.seq + s.seg_len();
  trace(TraceKind::kRetransmit, "SACK recovery: lost hole", "RFC 6675 §5 NextSeg (1)", now);
  return s;
}

}  // namespace synack::tcp
