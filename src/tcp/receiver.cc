// SPDX-License-Identifier: Apache-2.0
// The receive side (receiver.hpp): the text of an acceptable segment goes to
// the receive buffer's reassembler (RFC 9293 §3.10.7.4 seventh; SHLD-31:
// out-of-order segments are held, not dropped), which also keeps the SACK and
// D-SACK state (RFC 2018 §4, RFC 2883 §4) for the ACKs we send; the window we
// offer and the delayed ACK.
#include "tcp/receiver.hpp"

#include <algorithm>

namespace synack::tcp {

std::uint32_t Receiver::window(const Config& cfg, WindowShape w) const {
  const std::uint32_t cap = std::uint32_t{cfg.max_unscaled_window} << w.shift;
  const auto free = std::min<std::uint32_t>(static_cast<std::uint32_t>(buf_.free()), cap);
  if (!cfg.receiver_sws || !window_.advertised()) return free;
  // RFC 9293 MUST-39 [configurable]: Config::receiver_sws, default on (off: FreeBSD corpus).
  // RFC 9293 MAY-8: the window stays closed for as long as the application does not read.
  // Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge RCV.NXT + RCV.WND
  // stays until RCV.BUFF − RCV.USER − RCV.WND ≥ min(RCV.BUFF / 2, MSS).
  const std::uint64_t nxt = buf_.next_offset();
  if (window_.update_worthy(nxt, buf_.capacity(), buf_.size(), w.mss)) return free;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(window_.offered(nxt), cap));
}

std::uint16_t Receiver::window_field(const Config& cfg, WindowShape w, bool syn) const {
  const std::uint32_t wnd = window(cfg, w);
  // RFC 7323 §2.2: the window in a SYN or SYN-ACK is never scaled.
  const std::uint8_t shift = syn || !w.scaled ? 0 : w.shift;
  std::uint64_t shifted = wnd >> shift;
  // RFC 7323 §2.4: round up rather than move the right edge left (receiver SWS).
  const std::uint64_t offered = window_.offered(buf_.next_offset());
  if (cfg.receiver_sws && !syn && (shifted << shift) < offered) {
    shifted = (offered + (std::uint64_t{1} << shift) - 1) >> shift;
  }
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(shifted, cfg.max_unscaled_window));
}

// RCV.WND for the acceptability test: the window advertised, or (FreeBSD) the
// free buffer space when that is larger — a window field without scaling
// cannot say 65700, yet FreeBSD accepts up to the real buffer.
std::uint32_t Receiver::acceptance_window(const Config& cfg, std::uint32_t advertised,
                                          bool syncache) const {
  if (!cfg.rcv_wnd_from_buffer || syncache) return advertised;
  return std::max(advertised, static_cast<std::uint32_t>(buf_.free()));
}

void Receiver::round_buffer(const Config& cfg, std::uint16_t peer_mss) {
  if (!cfg.rcvbuf_round_to_mss || buf_.size() != 0 || buf_.free() != buf_.capacity()) return;
  const std::size_t mss = std::max<std::size_t>(1, std::min<std::size_t>(peer_mss, cfg.mss));
  const std::size_t want = (std::size_t{cfg.rcv_buf} + mss - 1) / mss * mss;
  if (want == buf_.capacity()) return;
  buf_ = ReceiveBuffer(want);
}

TextResult Receiver::on_text(TcpSegment& seg, std::uint32_t window) {
  // Stream offsets: RCV.NXT is the buffer's next_offset(); the first step has
  // checked that SEG.SEQ is within the window or straddles RCV.NXT.
  const std::uint64_t rcv_nxt_off = buf_.next_offset();
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
  const std::uint64_t window_end = rcv_nxt_off + window;
  const bool holes_before = !buf_.reassembler().empty();
  // RFC 9293 SHLD-31: out-of-order text is held by the reassembler (bounded), not dropped.
  // RFC 9293 MAY-13: out-of-order data is ACKed at once (RFC 5681 §4.2).
  const InsertResult r = buf_.insert(offset, text, window_end);
  rcv.nxt += static_cast<SeqLen>(r.delivered);
  TextResult out;
  out.delivered = r.delivered;
  // RFC 5681 §4.2: ACK at once for out-of-order data, a duplicate, and a
  // segment that fills (part of) a hole; otherwise the ACK may be delayed.
  const bool out_of_order = !r.segment.empty() || r.delivered < text.size();
  out.ack_now = out_of_order || holes_before || !r.duplicate.empty() || text.empty();

  // Trim what was already received (a retransmission straddling RCV.NXT) so
  // that the eighth step sees the FIN at SEG.SEQ + the text length.
  if (delta < 0) {
    const auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(below, seg.payload.size()));
    seg.payload = seg.payload.subspan(skip);
    seg.seq = seg.seq + static_cast<SeqLen>(skip);
  }
  const std::uint64_t seg_end = offset + text.size();
  if (seg_end > window_end) {
    out.verdict = TextResult::Verdict::kBufferFull;  // the FIN (after the dropped bytes) waits
  } else if (r.dropped_interval_limit) {
    out.verdict = TextResult::Verdict::kIntervalLimit;
  } else if (seg_end > r.rcv_nxt) {
    out.verdict = TextResult::Verdict::kHeld;  // the FIN (if any) waits for the retransmission
  }
  return out;
}

void Receiver::note_duplicate_text(const TcpSegment& seg, std::uint32_t window) {
  // A segment wholly below RCV.NXT (failed the first step): its bytes are
  // duplicates; the reassembler records the range for a D-SACK block and never
  // rewrites delivered bytes.
  if (seg.payload.empty() || !seq_lt(seg.seq, rcv.nxt)) return;
  const auto below = static_cast<std::uint64_t>(rcv.nxt - seg.seq);
  const std::uint64_t tail = buf_.next_offset();
  if (below > tail) return;  // older than the stream
  (void)buf_.insert(tail - below, seg.payload, tail + window);
}

std::size_t Receiver::read(MutableBytes out, const Config& cfg, WindowShape w,
                           bool& window_update) {
  const std::uint32_t before = window(cfg, w);
  const std::size_t n = buf_.read(out);
  urgent_progress();
  // Window update when the window opens from below one MSS (RFC 9293 §3.8.6.2.2),
  // or (Config::window_update_on_read) grows by 2·MSS and a quarter of the buffer.
  const std::uint32_t after = window(cfg, w);
  // With receiver SWS avoidance (Config::receiver_sws) the window only moves in
  // worthwhile steps; announce it once it has at least doubled (as Linux).
  const bool opened = (before < cfg.mss && after >= cfg.mss) ||
                      (cfg.receiver_sws && after > before && after >= 2 * before);
  const std::uint32_t grow = after > before ? after - before : 0;
  const bool grew =
      cfg.window_update_on_read && grow >= 2u * cfg.mss && grow >= buf_.capacity() / 4;
  window_update = n > 0 && (opened || grew);
  return n;
}

// RFC 9293 MUST-58: ACKs aggregate: one pending flag, one ACK at the next poll_transmit.
// RFC 9293 MUST-59: everything handed in before poll_transmit is processed before that ACK.
// RFC 9293 SHLD-18 [configurable]: delayed ACK is Config::delayed_ack, default 0 = off.
// RFC 9293 SHLD-19: with it on, every second segment is ACKed at once.
bool Receiver::schedule_ack(bool immediate, Duration delayed_ack, Instant now) {
  // Delayed ACK (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2, RFC 5681 §4.2): at most
  // Config::delayed_ack late (≤ 500 ms; 200 ms Linux-like, 40 ms FreeBSD) and
  // at least for every second segment; zero = every segment at once.
  ++delack_segments_;
  if (immediate || delayed_ack <= Duration::zero() || delack_segments_ >= 2) return true;
  // RFC 9293 MUST-40: whatever is configured, an ACK is delayed less than 0.5 s.
  constexpr Duration kMaxDelay = milliseconds(499);
  if (delack_deadline_ == kNever) delack_deadline_ = now + std::min(delayed_ack, kMaxDelay);
  return false;
}

std::size_t Receiver::sack_option_bytes(bool timestamps) const {
  const std::size_t n = sack_blocks(timestamps).count;
  return n == 0 ? 0 : 4 + 8 * n;  // nop, nop, kind, length, 8 bytes per block
}

void Receiver::on_segment_sent(const TcpSegment& s, WindowShape w) {
  // A D-SACK block is reported in one ACK only (RFC 2883 §4).
  if (s.flags.ack() && !s.flags.syn()) {
    buf_.sack_sent();
    delack_deadline_ = kNever;  // this segment carries the ACK (RFC 9293 §3.8.6.3)
    delack_segments_ = 0;
  }
  if (!s.flags.rst()) {  // the right edge just offered (receiver SWS)
    const std::uint8_t shift = s.flags.syn() || !w.scaled ? 0 : w.shift;
    // Recorded no further than the free buffer: a window rounded up to the
    // scale unit (window_field) must not ratchet the edge past real space.
    const std::uint64_t offered =
        std::min<std::uint64_t>(std::uint64_t{s.window} << shift, buf_.free());
    window_.note_advertised(buf_.next_offset() + offered);
  }
}

bool Receiver::note_urgent(SeqNum up) {
  if (up_valid_ && !seq_gt(up, rcv.up)) return false;
  rcv.up = up;
  up_valid_ = true;
  return true;
}

// RFC 9293 MUST-33: how much urgent data is still to be read.
std::size_t Receiver::urgent_pending() const {
  if (!up_valid_) return 0;
  // The next byte RECEIVE returns: RCV.NXT less the unread bytes (and our count of the FIN).
  const SeqNum read = rcv.nxt - static_cast<SeqLen>(buf_.size() + (fin_received_ ? 1 : 0));
  return seq_gt(rcv.up, read) ? static_cast<std::size_t>(rcv.up - read) : 0;
}

void Receiver::queue_syn_text(Bytes text, std::uint32_t window) {
  const std::size_t keep = std::min<std::size_t>(text.size(), window);
  syn_text_.mut().assign(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(keep));
}

}  // namespace synack::tcp
