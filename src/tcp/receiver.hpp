// SPDX-License-Identifier: Apache-2.0
// The receive side of one connection (docs/architecture.md "Inside a
// connection"): the receive sequence space (RFC 9293 §3.3.1 RCV.NXT, RCV.WND,
// IRS, RCV.UP), the receive buffer with its reassembler and SACK/D-SACK state,
// the window we advertise (receiver SWS avoidance, §3.8.6.2.2), delayed ACKs
// (§3.8.6.3), the peer's FIN and a simultaneous-open SYN's queued text.
//
// tcp::Connection runs the RFC's steps (segment_arrival.cc) and calls in here
// for what the receiver decides; the Receiver never traces, never sends and
// never changes the connection's state: it returns what happened and the
// connection acts on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "base/out_of_line.hpp"
#include "base/seq.hpp"
#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/stream_buffers.hpp"
#include "tcp/window.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// Receive sequence variables (RFC 9293 §3.3.1).
struct ReceiveSequence {
  SeqNum nxt;             ///< RCV.NXT: next sequence number expected
  std::uint32_t wnd = 0;  ///< RCV.WND: receive window, bytes
  SeqNum irs;             ///< IRS: initial receive sequence number
  SeqNum up;              ///< RCV.UP: the octet after the peer's urgent data
};

/// What the advertised window depends on besides the receiver's own state:
/// the options negotiated by the connection.
struct WindowShape {
  std::uint8_t shift = 0;  ///< our window scale (Rcv.Wind.Shift, RFC 7323 §2.3)
  bool scaled = false;     ///< window scaling negotiated (the field is shifted)
  std::uint32_t mss = 0;   ///< min(peer's MSS, ours), bytes: the SWS unit
};

/// The text of an acceptable segment after the seventh step (Receiver::on_text).
struct TextResult {
  enum class Verdict : std::uint8_t {
    kInOrder,        ///< up to RCV.NXT: the eighth step (FIN) may run
    kHeld,           ///< held out of order: its FIN waits for the retransmission
    kBufferFull,     ///< beyond the window: the rest was dropped (DropReason::kReceiveBufferFull)
    kIntervalLimit,  ///< the reassembler's interval bound (DropReason::kOutOfOrder)
  };
  Verdict verdict = Verdict::kInOrder;
  std::size_t delivered = 0;  ///< bytes newly in order (RCV.NXT moved by this much)
  bool ack_now = false;       ///< RFC 5681 §4.2: out of order, duplicate or hole filled
};

class Receiver {
 public:
  /// `rcv_buf`: RCV.BUFF in bytes (Config::rcv_buf).
  explicit Receiver(std::size_t rcv_buf) : buf_(rcv_buf) {}

  // ---- the sequence space (RFC 9293 §3.3.1) --------------------------------------
  ReceiveSequence rcv;

  /// A SYN arrived: IRS = SEG.SEQ, RCV.NXT = SEG.SEQ + 1 (§3.10.7.2 third, §3.10.7.3 fourth).
  void on_syn(SeqNum seq) {
    rcv.irs = seq;
    rcv.nxt = seq + 1;
  }
  /// The peer's FIN at RCV.NXT: RCV.NXT advances over it (§3.10.7.4 eighth).
  void on_fin() {
    rcv.nxt += 1;
    fin_received_ = true;
  }
  [[nodiscard]] bool fin_received() const { return fin_received_; }
  /// The peer's FIN has arrived and every byte before it has been read.
  [[nodiscard]] bool at_eof() const { return fin_received_ && buf_.size() == 0; }

  // ---- the window (RFC 9293 §3.8.6.2.2, RFC 7323 §2) -----------------------------
  /// RCV.WND to offer now: the free buffer (at most the largest window the
  /// field can say), held at the last right edge while receiver SWS avoidance
  /// (Config::receiver_sws) finds the opening not worth announcing.
  [[nodiscard]] std::uint32_t window(const Config& cfg, WindowShape w) const;
  /// The 16-bit window field of a segment sent now (never scaled in a SYN,
  /// RFC 7323 §2.2; rounded up rather than shrink the right edge, §2.4).
  [[nodiscard]] std::uint16_t window_field(const Config& cfg, WindowShape w, bool syn) const;
  /// RCV.WND for the acceptability test (Table 6): `advertised`, or with
  /// Config::rcv_wnd_from_buffer (FreeBSD) the free buffer when larger, except
  /// in a passive SYN-RECEIVED (`syncache`: FreeBSD's syncache entry).
  [[nodiscard]] std::uint32_t acceptance_window(const Config& cfg, std::uint32_t advertised,
                                                bool syncache) const;
  /// DEVIATION(freebsd): Config::rcvbuf_round_to_mss — RCV.BUFF rounded up to a
  /// multiple of min(peer's MSS, ours) once the peer's SYN is known (FreeBSD
  /// tcp_mss()), only while nothing is buffered.
  void round_buffer(const Config& cfg, std::uint16_t peer_mss);

  // ---- text (RFC 9293 §3.10.7.4 seventh) -----------------------------------------
  /// The text of an acceptable segment into the reassembler (SHLD-31: out of
  /// order is held); RCV.NXT advances over what is now in order. `seg` is
  /// trimmed of bytes before RCV.NXT so the FIN sits at SEG.SEQ + its text.
  /// `window`: RCV.WND as offered (window()).
  TextResult on_text(TcpSegment& seg, std::uint32_t window);
  /// A segment wholly below RCV.NXT (not acceptable): its bytes are recorded
  /// for a D-SACK block (RFC 2883 §4). Call only with SACK negotiated.
  void note_duplicate_text(const TcpSegment& seg, std::uint32_t window);
  /// RECEIVE: moves bytes to `out`; returns how many. `window_update` is set
  /// when the window opened enough to announce (RFC 9293 §3.8.6.2.2; with
  /// Config::window_update_on_read also when it grew by 2·MSS and a quarter of
  /// the buffer).
  std::size_t read(MutableBytes out, const Config& cfg, WindowShape w, bool& window_update);
  /// MSG_PEEK: copies without consuming.
  std::size_t peek(MutableBytes out) const { return buf_.peek(out); }
  /// Bytes ready for RECEIVE.
  [[nodiscard]] std::size_t readable() const { return buf_.size(); }
  [[nodiscard]] const ReceiveBuffer& buffer() const { return buf_; }

  // ---- acknowledgments (RFC 9293 §3.8.6.3, RFC 5681 §4.2, RFC 2018) ---------------
  /// A data segment was received: true if the ACK is due now (`immediate`, no
  /// delayed ACK configured, or the second segment); else the delayed-ACK
  /// timer runs (at most Config::delayed_ack, < 500 ms: MUST-40).
  bool schedule_ack(bool immediate, Duration delayed_ack, Instant now);
  /// The delayed-ACK deadline, kNever if none.
  [[nodiscard]] Instant delack_deadline() const { return delack_deadline_; }
  /// The delayed-ACK timer fired (or is cancelled).
  void stop_delack() { delack_deadline_ = kNever; }
  /// SACK blocks (stream offsets) for the next ACK (RFC 2018 §4): 3 beside timestamps.
  [[nodiscard]] SackRanges sack_blocks(bool timestamps) const {
    return buf_.sack_blocks(max_sack_blocks(timestamps));
  }
  /// Option bytes the SACK blocks of the next ACK take (0 without blocks).
  [[nodiscard]] std::size_t sack_option_bytes(bool timestamps) const;
  /// A segment left: an ACK ends the delayed ACK and reports a D-SACK block once
  /// (RFC 2883 §4); a window (not in a RST) moves the right edge offered.
  void on_segment_sent(const TcpSegment& s, WindowShape w);

  // ---- urgent data (RFC 9293 §3.8.5, RFC 6093) -----------------------------------
  /// SEG.SEQ + SEG.UP of a segment with URG: true if RCV.UP moved forward.
  bool note_urgent(SeqNum up);
  /// Urgent bytes not yet read (up to RCV.UP from the next byte RECEIVE returns).
  [[nodiscard]] std::size_t urgent_pending() const;
  /// Forgets RCV.UP once it has been read past.
  void urgent_progress() {
    if (up_valid_ && urgent_pending() == 0) up_valid_ = false;
  }

  // ---- a simultaneous open's SYN text (RFC 9293 §3.10.7.3 fourth) ----------------
  /// Keeps up to `window` bytes of the SYN's text until ESTABLISHED.
  void queue_syn_text(Bytes text, std::uint32_t window);
  /// The queued SYN text (empty if none).
  [[nodiscard]] Bytes syn_text() const { return Bytes(syn_text_.get()); }
  void drop_syn_text() { syn_text_.reset(); }

  /// Reset/abort (`keep_received` false) or a graceful close: the delayed ACK
  /// stops; unread bytes are kept for RECEIVE unless flushed.
  void release(bool keep_received) {
    if (!keep_received) buf_.clear();
    delack_deadline_ = kNever;
  }

 private:
  ReceiveBuffer buf_;                           // RCV.BUFF: in-order bytes, reassembler, SACK state
  ReceiveWindow window_;                        // receiver SWS: the right edge last offered
  OutOfLine<std::vector<std::byte>> syn_text_;  // a simultaneous-open SYN's text
  Instant delack_deadline_ = kNever;            // delayed ACK (RFC 9293 §3.8.6.3)
  std::uint32_t delack_segments_ = 0;           // data segments since our last ACK
  bool fin_received_ = false;
  bool up_valid_ = false;  // RCV.UP marks urgent data not yet read
};

}  // namespace synack::tcp
