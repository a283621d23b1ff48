// SPDX-License-Identifier: Apache-2.0
// The receive side of the data path: the text of an acceptable segment goes
// to the receive buffer's reassembler (RFC 9293 §3.10.7.4 seventh; SHLD-31:
// out-of-order segments are held, not dropped), which also keeps the SACK and
// D-SACK state (RFC 2018 §4, RFC 2883 §4) for the ACKs we send.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

bool Connection::receive_text(TcpSegment& seg, Instant now) {
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 seventh: text";
  // Stream offsets: RCV.NXT is the buffer's next_offset(); the first step has
  // checked that SEG.SEQ is within the window or straddles RCV.NXT.
  const std::uint64_t rcv_nxt_off = rcvbuf_.next_offset();
  const std::int32_t delta = seg.seq - rcv.nxt;
  const std::uint64_t below = delta < 0 ? static_cast<std::uint64_t>(-std::int64_t{delta}) : 0;
  Bytes text = seg.payload;
  if (below > rcv_nxt_off) {  // bytes before the stream's first byte: not ours
    const auto cut =
        static_cast<std::size_t>(std::min<std::uint64_t>(below - rcv_nxt_off, text.size()));
    text = text.subspan(cut);
  }
  const std::uint64_t offset = delta < 0 ? rcv_nxt_off - std::min(below, rcv_nxt_off)
                                         : rcv_nxt_off + static_cast<std::uint64_t>(delta);
  const std::uint64_t window_end = rcv_nxt_off + receive_window();
  const bool holes_before = !rcvbuf_.reassembler().empty();
  // RFC 9293 SHLD-31: out-of-order text is held by the reassembler (bounded), not dropped.
  // RFC 9293 MAY-13: out-of-order data is ACKed at once (RFC 5681 §4.2).
  const InsertResult r = rcvbuf_.insert(offset, text, window_end);
  rcv.nxt += static_cast<SeqLen>(r.delivered);
  stats_.bytes_received += r.delivered;  // TCP_INFO tcpi_bytes_received
  // RFC 5681 §4.2: ACK at once for out-of-order data, a duplicate, and a
  // segment that fills (part of) a hole; otherwise the ACK may be delayed.
  const bool out_of_order = !r.segment.empty() || r.delivered < text.size();
  schedule_ack(out_of_order || holes_before || !r.duplicate.empty() || text.empty(), now);

  // Trim what was already received (a retransmission straddling RCV.NXT) so
  // that the eighth step sees the FIN at SEG.SEQ + the text length.
  if (delta < 0) {
    const auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(below, seg.payload.size()));
    seg.payload = seg.payload.subspan(skip);
    seg.seq = seg.seq + static_cast<SeqLen>(skip);
  }
  const std::uint64_t seg_end = offset + text.size();
  if (seg_end > window_end) {
    drop(DropReason::kReceiveBufferFull, "receive buffer full", kRfc, now);
    return false;  // the FIN (after the dropped bytes) is not processed
  }
  if (r.dropped_interval_limit) {
    drop(DropReason::kOutOfOrder, "out-of-order segment: reassembly interval limit", kRfc, now);
    return false;
  }
  // Held out of order: the FIN (if any) waits for its retransmission.
  return seg_end <= r.rcv_nxt;
}

// RFC 9293 MUST-58: ACKs aggregate: one pending flag, one ACK at the next poll_transmit.
// RFC 9293 MUST-59: everything handed in before poll_transmit is processed before that ACK.
// RFC 9293 SHLD-18 [configurable]: delayed ACK is Config::delayed_ack, default 0 = off.
// RFC 9293 SHLD-19: with it on, every second segment is ACKed at once.
void Connection::schedule_ack(bool immediate, Instant now) {
  // Delayed ACK (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2, RFC 5681 §4.2): at most
  // Config::delayed_ack late (≤ 500 ms; 200 ms Linux-like, 40 ms FreeBSD) and
  // at least for every second segment; zero = every segment at once.
  ++delack_segments_;
  if (immediate || cfg_->delayed_ack <= Duration::zero() || delack_segments_ >= 2) {
    ack_pending_ = true;
    return;
  }
  // RFC 9293 MUST-40: whatever is configured, an ACK is delayed less than 0.5 s.
  constexpr Duration kMaxDelay = milliseconds(499);
  if (delack_deadline_ == kNever) delack_deadline_ = now + std::min(cfg_->delayed_ack, kMaxDelay);
}

void Connection::note_duplicate_text(const TcpSegment& seg) {
  // A segment wholly below RCV.NXT (failed the first step): its bytes are
  // duplicates; the reassembler records the range for a D-SACK block and never
  // rewrites delivered bytes.
  if (!sack_ok_ || seg.payload.empty() || !seq_lt(seg.seq, rcv.nxt)) return;
  const auto below = static_cast<std::uint64_t>(rcv.nxt - seg.seq);
  const std::uint64_t tail = rcvbuf_.next_offset();
  if (below > tail) return;  // older than the stream
  (void)rcvbuf_.insert(tail - below, seg.payload, tail + receive_window());
}

}  // namespace synack::tcp
