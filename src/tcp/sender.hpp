// SPDX-License-Identifier: Apache-2.0
// The send side of one connection (docs/architecture.md "Inside a
// connection"): the send sequence space (RFC 9293 §3.3.1 SND.UNA, SND.NXT,
// SND.WND, SND.WL1/WL2, ISS, SND.UP), the send buffer that is also the
// retransmission queue, RTT measurement and the RTO (RFC 6298), congestion
// control and loss recovery (RFC 5681, RFC 6582, RFC 6675, RFC 3042), the
// RTO's go-back-N, the persist timer (RFC 9293 §3.8.6.1, RFC 6429), Nagle and
// sender SWS avoidance (§3.7.4, §3.8.6.2.1).
//
// tcp::Connection runs the RFC's steps and the state machine and calls in
// here; the Sender never traces, never builds a whole segment and never
// changes the connection's state: it returns an Outgoing (sequence number,
// SYN/FIN/PSH, payload, what to trace) that the connection completes with
// ACK, window and options, and verdicts the connection acts on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

#include "base/bytes.hpp"
#include "base/out_of_line.hpp"
#include "base/seq.hpp"
#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/congestion.hpp"
#include "tcp/rtt.hpp"
#include "tcp/sack_scoreboard.hpp"
#include "tcp/stream_buffers.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// Send sequence variables (RFC 9293 §3.3.1).
struct SendSequence {
  SeqNum una;  ///< SND.UNA: oldest unacknowledged sequence number
  SeqNum nxt;  ///< SND.NXT: next sequence number to be sent
  // RFC 9293 REC-1: SND.WND and RCV.WND are 32-bit; window arithmetic is 32-bit.
  std::uint32_t wnd = 0;  ///< SND.WND: send window, bytes (scaled)
  SeqNum wl1;             ///< SND.WL1: SEG.SEQ of the last window update
  SeqNum wl2;             ///< SND.WL2: SEG.ACK of the last window update
  SeqNum iss;             ///< ISS: initial send sequence number
  SeqNum up;              ///< SND.UP: the octet after the urgent data (send_urgent)
};

/// A segment the sender wants on the wire. The connection completes it
/// (Connection::emit): ACK field, window, options, URG, ECN marks.
struct Outgoing {
  SeqNum seq;
  std::uint16_t flags = TcpFlags::kAck;  ///< TcpFlags bits: ACK, and SYN / FIN / PSH
  Bytes payload;                         ///< points into the send buffer
  std::string_view cause;  ///< non-empty: a retransmission or probe, traced kRetransmit
  std::string_view rfc;
  bool new_data = false;  ///< first transmission of data: ECT(0) and CWR (RFC 3168 §6.1.5)
  /// SEG.LEN: payload plus one each for SYN and FIN.
  [[nodiscard]] std::uint32_t seg_len() const {
    return static_cast<std::uint32_t>(payload.size()) + ((flags & TcpFlags::kSyn) ? 1 : 0) +
           ((flags & TcpFlags::kFin) ? 1 : 0);
  }
};

/// What the sender's output decisions need from the connection, per call.
struct SendParams {
  const Config& cfg;
  std::uint16_t mss = 536;     ///< Eff.snd.MSS before SACK options (Connection::send_mss)
  std::size_t sack_bytes = 0;  ///< SACK option bytes our next segment carries (RFC 6691)
  bool sack_ok = false;        ///< SACK negotiated (RFC 2018)
  /// Payload bytes per full segment now: the MSS less the SACK option.
  [[nodiscard]] std::size_t data_mss() const { return mss - sack_bytes; }
};

/// What the retransmission timer's expiry means for the data states
/// (Sender::on_data_rto).
enum class RtoVerdict : std::uint8_t {
  kIdle,        ///< nothing outstanding (the persist timer probes)
  kPersist,     ///< data beyond a closed window: a persist probe instead (SHLD-17)
  kGiveUp,      ///< R2 reached (Config::max_retransmissions)
  kRetransmit,  ///< go-back-N from SND.UNA begins (RFC 5681 §3.1, RFC 6298 §5)
};

class Sender {
 public:
  explicit Sender(const Config& cfg);

  // ---- the sequence space (RFC 9293 §3.3.1) --------------------------------------
  SendSequence snd;

  /// ISS chosen: SND.UNA = ISS, SND.NXT = ISS + 1 (the SYN is "sent" now).
  void open(SeqNum iss) {
    snd.iss = iss;
    snd.una = iss;
    snd.nxt = iss + 1;
  }
  /// The peer's SYN (or SYN-ACK): SND.WND from it, never scaled (RFC 7323
  /// §2.2); SND.WL1 = SEG.SEQ and, when `ack` holds, SND.UNA = SND.WL2 = SEG.ACK.
  void on_peer_syn(const TcpSegment& syn, bool ack);
  /// The handshake's ACK in SYN-RECEIVED: SND.WND, SND.WL1, SND.WL2 from it (§3.10.7.4 fifth).
  void take_window(const TcpSegment& seg, std::uint8_t snd_wscale);
  /// §3.10.7.4 fifth: the window update rule (SND.WL1 < SEG.SEQ, or equal and SND.WL2 ≤ SEG.ACK).
  void update_window(const TcpSegment& seg, std::uint8_t snd_wscale);
  /// MAX.SND.WND (RFC 5961 §5): the largest window the peer has offered, bytes.
  [[nodiscard]] std::uint32_t max_snd_wnd() const { return max_snd_wnd_; }
  /// SND.UNA < SEG.ACK ≤ SND.NXT: acknowledged data leaves the retransmission
  /// queue, the RTO go-back-N ends at its high mark, the timer stops or
  /// restarts (RFC 6298 (5.2)/(5.3)). Returns the data bytes acknowledged.
  std::size_t acknowledge(SeqNum ack, const Config& cfg, Instant now);
  /// The peer took our zero-window probe octet: SEG.ACK = SND.NXT + 1 is acceptable.
  void note_probe_taken(SeqNum ack) {
    if (zero_window_probed_ && ack == snd.nxt + 1 && !fin_sent_) snd.nxt += 1;
  }
  /// The first data byte not yet acknowledged (the SYN occupies ISS).
  [[nodiscard]] SeqNum data_front() const { return snd.una == snd.iss ? snd.iss + 1 : snd.una; }
  /// Data (and FIN) bytes sent and not acknowledged.
  [[nodiscard]] std::size_t bytes_in_flight() const;
  /// The connection can time data (user timeout, RFC 5482): synchronized and past SYN-RECEIVED.
  void set_data_phase(bool on) { data_phase_ = on; }

  // ---- the send buffer (SEND, CLOSE) ---------------------------------------------
  /// SEND: queues up to free() bytes; returns how many.
  std::size_t write(Bytes data) { return buf_.write(data); }
  [[nodiscard]] std::size_t queued() const { return buf_.size(); }
  [[nodiscard]] std::size_t free() const { return buf_.free(); }
  [[nodiscard]] const SendBuffer& buffer() const { return buf_; }
  /// CLOSE: a FIN follows the queued data.
  void queue_fin() { fin_queued_ = true; }
  [[nodiscard]] bool fin_queued() const { return fin_queued_; }
  [[nodiscard]] bool fin_sent() const { return fin_sent_; }
  [[nodiscard]] SeqNum fin_seq() const { return fin_seq_; }
  /// Our FIN has been sent and acknowledged.
  [[nodiscard]] bool fin_acked() const { return fin_sent_ && seq_gt(snd.una, fin_seq_); }
  /// SEND URGENT: SND.UP = the octet after everything queued (RFC 9293 MUST-62).
  void mark_urgent_end() {
    snd.up = data_front() + static_cast<SeqLen>(buf_.size());
    up_valid_ = true;
  }
  /// URG and the urgent offset on a segment that starts before SND.UP.
  void mark_urgent(TcpSegment& s) const;
  /// Forgets SND.UP once acknowledged.
  void urgent_progress() {
    if (up_valid_ && !seq_gt(snd.up, snd.una)) up_valid_ = false;
  }

  // ---- output --------------------------------------------------------------------
  /// Once per poll, first: a fast retransmit (or partial ACK) asked for by an
  /// ACK makes the segment at SND.UNA due.
  void start_poll();
  /// The segment the poll should send before new data, if any: the segment at
  /// SND.UNA (RTO, fast retransmit, ICMP), the RTO's go-back-N at cwnd pace,
  /// or a SACK hole (RFC 6675 NextSeg). `ack_taken` is set when one was built
  /// (even if it came out empty: the pending ACK counts as sent).
  std::optional<Outgoing> next_retransmission(const SendParams& p, Instant now, bool& ack_taken);
  /// New data (and the FIN) within the send window, cwnd, Nagle and SWS
  /// (RFC 9293 §3.8.6.2.1, §3.7.4; RFC 5681), or a persist probe; arms the
  /// RTO or the persist timer.
  std::optional<Outgoing> next_data(const SendParams& p, Instant now);
  /// A retransmission of our SYN-ACK is due (SND.UNA = ISS while synchronized).
  [[nodiscard]] bool syn_unacked() const { return snd.una == snd.iss; }
  /// Resend the segment at SND.UNA at the next poll (ICMP fragmentation needed).
  void resend_first() { rtx_pending_ = true; }

  // ---- acknowledgments: RTT, congestion, loss recovery ---------------------------
  /// An acceptable ACK, before SND.UNA and SND.WND move: an RTT sample
  /// (RFC 6298 §3, RFC 7323 §4), SACK blocks into the scoreboard (RFC 6675),
  /// duplicate ACKs, fast retransmit and recovery (RFC 5681 §3.2, RFC 6582),
  /// cwnd (only in the data phase). `ts_ok`: timestamps negotiated. Returns
  /// true for a duplicate ACK (RFC 5681 §2).
  bool on_ack(const TcpSegment& seg, const SendParams& p, bool ts_ok, std::uint8_t snd_wscale,
              Instant now);
  /// The congestion controller, made on first use with the send MSS (RFC 6928 §2).
  CongestionControl& congestion(const Config& cfg, std::uint16_t mss);
  [[nodiscard]] const CongestionControl* congestion() const { return cc_.get(); }
  /// TCP_CONGESTION on a live connection: the new algorithm continues from
  /// the current cwnd and ssthresh (as Linux).
  std::expected<void, std::errc> switch_congestion(std::string_view name, const Config& cfg);

  // ---- RTT and the retransmission timer (RFC 6298) -------------------------------
  [[nodiscard]] static RttConfig rtt_config(const Config& cfg);
  /// The RTO with backoff (and FreeBSD's rexmit_slop once backed off).
  [[nodiscard]] Duration rto(const Config& cfg) const;
  [[nodiscard]] const RttEstimator& rtt() const { return rtt_; }
  /// RFC 6298 (5.7): after a timed-out SYN, data starts with RTO = 3 s; the
  /// retransmission count restarts.
  void handshake_complete();
  /// A fresh RTT estimator and Karn sampler (a new SYN-RECEIVED), count reset.
  void restart_rto_estimate(const Config& cfg);
  /// Starts the retransmission timer: now + RTO, at most the user timeout.
  void arm_retransmit(const Config& cfg, Instant now);
  void stop_retransmit() { rtx_deadline_ = kNever; }
  [[nodiscard]] Instant rtx_deadline() const { return rtx_deadline_; }
  /// A SYN or SYN-ACK timed out (RFC 6298 (5.7) on handshake_complete()).
  void note_syn_timeout() { syn_timed_out_ = true; }
  /// The RTO fired in a data state with the user timeout not expired.
  /// `mss`: Eff.snd.MSS (the congestion controller may be made here).
  RtoVerdict on_data_rto(const Config& cfg, std::uint16_t mss, Instant now);
  /// After any RTO: the count grows, RTO doubles (5.5), Karn, timer re-armed.
  /// Returns the new count of consecutive expirations.
  unsigned back_off(const Config& cfg, Instant now);
  [[nodiscard]] unsigned retransmits() const { return retransmits_; }
  void reset_retransmits() { retransmits_ = 0; }

  // ---- user timeout (RFC 5482, Linux TCP_USER_TIMEOUT) ---------------------------
  /// Data outstanding from now (if not already, and only in the data phase).
  void note_unacked(Instant now);
  [[nodiscard]] bool user_timeout_expired(const Config& cfg, Instant now) const;
  /// TCP_USER_TIMEOUT changed: a pending RTO is clamped to the new limit.
  void clamp_to_user_timeout(const Config& cfg, Instant now);

  // ---- persist timer (RFC 9293 §3.8.6.1, RFC 6429) -------------------------------
  /// The peer's window is closed and nothing will bring an ACK: probe it.
  void arm_persist(const Config& cfg, Instant now);
  void stop_persist();
  [[nodiscard]] Instant persist_deadline() const { return persist_.get().deadline; }
  /// Zero-window probes sent so far.
  [[nodiscard]] std::uint64_t persist_probes() const { return persist_.get().probes; }
  /// Probes the peer has not answered (RFC 6429: only these time out).
  [[nodiscard]] unsigned persist_unanswered() const { return persist_.get().unanswered; }
  /// Whether a persist probe may go: an open connection with data queued and no FIN sent.
  [[nodiscard]] bool has_data_to_probe() const { return !fin_sent_ && buf_.size() > 0; }
  /// The persist timer fired: bytes beyond a closed window go back to
  /// SND.UNA; the next poll sends a probe (next_data) and re-arms the timer.
  void on_persist_timeout();
  /// After SND.WND is updated from an acceptable ACK: a window that opened
  /// stops probing; a zero window with nothing outstanding starts it.
  void on_window_ack(const Config& cfg, Instant now);

  /// The peer's SACK blocks (RFC 6675 §3), for the invariant check.
  [[nodiscard]] const SackScoreboard& scoreboard() const { return scoreboard_.get(); }

  /// Reset, abort, give-up: the queue is flushed and every timer stops.
  void release();
  /// TIME-WAIT: "turn off the other timers" (the queue is empty by then).
  void stop_timers();

 private:
  struct PersistState {
    Instant deadline = kNever;  // when the next probe is due
    Duration base{};            // the RTO when persisting began
    unsigned shift = 0;         // backoff: interval = base << shift
    unsigned unanswered = 0;    // probes since the peer last ACKed (RFC 6429)
    std::uint64_t probes = 0;   // zero-window probes sent
  };

  // sender_output.cc
  Outgoing resend_from(SeqNum seq, std::size_t max_len, Instant now);
  std::optional<Outgoing> retransmission(const SendParams& p, Instant now, bool& ack_taken);
  std::optional<Outgoing> rto_recovery_segment(const SendParams& p, Instant now, bool& ack_taken);
  [[nodiscard]] bool nagle_unacked(const Config& cfg) const;
  // sender_recovery.cc
  bool on_sack_blocks(const TcpSegment& seg, bool sack_ok);
  [[nodiscard]] bool sack_recovery(bool sack_ok) const;
  [[nodiscard]] SeqNum sack_lost_below(std::uint16_t mss) const;
  [[nodiscard]] std::uint32_t sack_pipe(std::uint16_t mss) const;
  std::optional<Outgoing> sack_recovery_segment(const SendParams& p, Instant now, bool& ack_taken);
  std::size_t congestion_usable(std::size_t usable, const SendParams& p);
  void sample_rtt(const TcpSegment& seg, bool ts_ok, Instant now);
  [[nodiscard]] bool echo_predates_retransmission(std::uint32_t tsecr, Instant now) const;
  // sender_persist.cc
  [[nodiscard]] Duration persist_interval(const Config& cfg) const;

  std::uint32_t max_snd_wnd_ = 0;  // MAX.SND.WND (RFC 5961 §5)
  SendBuffer buf_;                 // the send buffer and retransmission queue
  SeqNum fin_seq_;                 // sequence number of our FIN
  SeqNum rto_high_;                // RTO go-back-N: SND.NXT when the RTO fired (RFC 6582 "recover")
  SeqNum rtx_next_;                // RTO go-back-N: next sequence number to resend
  SeqNum high_rxt_;  // HighRxt: end of the last hole resent in fast recovery (RFC 6675)
  std::optional<SeqNum> snd_sml_;   // end of the last short segment sent (Minshall's Nagle)
  Instant rtx_deadline_ = kNever;   // the retransmission timer
  Instant unacked_since_ = kNever;  // user timeout: data outstanding since (RFC 5482)
  RttEstimator rtt_;                // SRTT, RTTVAR, RTO with backoff (RFC 6298)
  RttSampler rtt_sampler_;          // Karn's algorithm when timestamps are off (RFC 6298 §3)
  std::unique_ptr<CongestionControl> cc_;  // created with the first data (Eff.snd.MSS known)
  LossRecovery recovery_{SeqNum{}};        // fast retransmit / fast recovery (RFC 5681, 6582)
  unsigned retransmits_ = 0;               // consecutive RTO expirations
  OutOfLine<SackScoreboard> scoreboard_;   // the peer's SACK blocks (RFC 6675 §3)
  OutOfLine<PersistState> persist_;        // from the first zero window
  bool fin_queued_ : 1 = false;            // CLOSE called: FIN after all data
  bool fin_sent_ : 1 = false;
  bool up_valid_ : 1 = false;            // SND.UP marks urgent data not yet acknowledged
  bool rtx_pending_ : 1 = false;         // retransmit the segment at SND.UNA
  bool rto_recovery_ : 1 = false;        // after an RTO: go-back-N up to rto_high_ at cwnd pace
  bool fast_rtx_pending_ : 1 = false;    // fast retransmit / NewReno partial ACK: resend SND.UNA
  bool probe_pending_ : 1 = false;       // persist timer fired: probe / SWS override send due
  bool zero_window_probed_ : 1 = false;  // a probe octet went beyond a zero window
  bool syn_timed_out_ : 1 = false;
  bool data_phase_ : 1 = false;  // synchronized, past SYN-RECEIVED (note_unacked)
};

}  // namespace synack::tcp
