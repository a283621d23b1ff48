// SPDX-License-Identifier: Apache-2.0
// Timestamps on arrival (RFC 7323 §4.3, §5): PAWS drops old duplicates before
// the sequence-number check, and TS.Recent follows the segments that cover
// Last.ACK.sent. Called from the first step of §3.10.7.4 (segment_arrival.cc).
#include "tcp/connection.hpp"
#include "tcp/paws.hpp"

namespace synack::tcp {

// RFC 7323 §5.3 R1: a segment whose TSval is older than TS.Recent is not
// acceptable — ACK it (unless RST) and drop it. RSTs are exempt (RFC 7323
// Appendix D: "a RST is acceptable regardless of its timestamp"; Linux and
// FreeBSD accept them too). A SYN goes on to its RFC 5961 §4.2 challenge ACK
// as in Linux (tcp_validate_incoming: syn_challenge) and FreeBSD (the SYN
// check precedes PAWS); it never updates TS.Recent. §5.5: after 24 days idle
// TS.Recent is invalid and the segment is accepted.
bool Connection::check_paws(const TcpSegment& seg, Instant now) {
  if (!ts_ok_ || seg.flags.rst() || seg.flags.syn()) return true;
  const auto ts = seg.options.summarize().timestamps;
  if (!ts || !ts_before(ts->val, ts_recent_)) return true;
  if (!ts_recent_valid(ts_recent_age_, now)) {
    trace(TraceKind::kTimerFired, "TS.Recent idle > 24 days: invalid, segment accepted",
          "RFC 7323 §5.5", now);
    return true;
  }
  drop(DropReason::kPaws, "PAWS: SEG.TSval older than TS.Recent", "RFC 7323 §5.3 R1", now);
  // DEVIATION(freebsd): Config::paws_ack_only_data — FreeBSD's tcp_input ACKs
  // a PAWS drop only when it carries data (dropafterack if tlen); RFC 7323
  // and Linux ACK every non-RST one.
  if (!cfg_->paws_ack_only_data || !seg.payload.empty()) ack_pending_ = true;
  return false;
}

// RFC 7323 §4.3 (2): SEG.TSval ≥ TS.Recent and the segment covers
// Last.ACK.sent → TS.Recent = SEG.TSval (and its age restarts, §5.5).
void Connection::update_ts_recent(const TcpSegment& seg, Instant now) {
  if (!ts_ok_) return;
  const auto ts = seg.options.summarize().timestamps;
  if (!ts) return;
  // Older than TS.Recent only gets here as an exempt RST or past the 24 days.
  if (ts_before(ts->val, ts_recent_) && ts_recent_valid(ts_recent_age_, now)) return;
  if (!covers_last_ack_sent(seg.seq, seg.seg_len(), last_ack_sent_)) return;
  ts_recent_ = ts->val;
  ts_recent_age_ = now;
}

}  // namespace synack::tcp
