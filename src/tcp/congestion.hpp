// SPDX-License-Identifier: Apache-2.0
// Congestion control (RFC 5681) behind a small interface, and the loss
// recovery state machine that drives it (fast retransmit / fast recovery with
// NewReno partial ACKs, RFC 6582; limited transmit, RFC 3042).
//
// Split of work:
//   LossRecovery       classifies each ACK (new / duplicate per RFC 5681 §2),
//                      counts duplicate ACKs, keeps `recover`, and tells the
//                      engine what to (re)transmit;
//   CongestionControl  owns cwnd and ssthresh: how they grow on new ACKs and
//                      shrink on congestion (NewReno or CUBIC). Fast-recovery
//                      window inflation is shared (RFC 5681 §3.2, RFC 6582 §3.2).
// Both are created once per connection (make_congestion_control, by name);
// nothing here allocates per segment. All sizes are bytes.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>

#include "base/seq.hpp"
#include "base/time.hpp"

namespace synack::tcp {

/// Congestion-control tunables (defaults: the RFCs; Linux agrees unless noted).
struct CongestionConfig {
  /// Initial window in segments, RFC 6928: IW = min(n·SMSS, max(2·SMSS, 14600)).
  std::uint32_t initial_window_segments = 10;
  /// Appropriate byte counting limit L in slow start, in SMSS (RFC 3465 §2.2: 2).
  std::uint32_t abc_limit_segments = 2;
  /// Duplicate ACKs that trigger fast retransmit (RFC 5681 §3.2: 3).
  std::uint32_t dupack_threshold = 3;
  /// Limited transmit (RFC 3042): new data on the first two duplicate ACKs.
  bool limited_transmit = true;
  /// On a full ACK, cwnd = ssthresh (RFC 6582 §3.2 step 3 option 2, what Linux
  /// does); false = option 1, min(ssthresh, max(FlightSize, SMSS) + SMSS).
  bool exit_recovery_to_ssthresh = false;
};

/// The initial window for a sender MSS, RFC 6928 §2 (bytes).
[[nodiscard]] std::uint32_t initial_window(std::uint32_t smss, const CongestionConfig& config);

/// cwnd/ssthresh management. Subclasses decide growth (on_ack) and the
/// reduction on congestion (loss_ssthresh); fast-recovery inflation and the
/// loss window after RTO are common (RFC 5681 §3.1–3.2, RFC 6582 §3.2).
class CongestionControl {
 public:
  /// `smss`: the sender MSS (Eff.snd.MSS, bytes, ≥ 1).
  CongestionControl(std::uint32_t smss, const CongestionConfig& config);
  virtual ~CongestionControl() = default;
  CongestionControl(const CongestionControl&) = delete;
  CongestionControl& operator=(const CongestionControl&) = delete;

  /// "newreno", "cubic".
  [[nodiscard]] virtual std::string_view name() const = 0;

  /// Congestion window (bytes).
  [[nodiscard]] std::uint32_t cwnd() const { return cwnd_; }
  /// Slow-start threshold (bytes); initially "arbitrarily high" (RFC 5681 §3.1).
  [[nodiscard]] std::uint32_t ssthresh() const { return ssthresh_; }
  [[nodiscard]] std::uint32_t smss() const { return smss_; }
  [[nodiscard]] bool in_slow_start() const { return cwnd_ < ssthresh_; }
  /// Whether more may be sent with `flight` bytes outstanding (flight < cwnd).
  [[nodiscard]] bool can_send(std::uint32_t flight) const { return flight < cwnd_; }
  /// Bytes that may still be sent: cwnd − flight, or 0.
  [[nodiscard]] std::uint32_t available(std::uint32_t flight) const {
    return flight < cwnd_ ? cwnd_ - flight : 0;
  }

  /// New data acknowledged outside fast recovery: `bytes_acked` bytes, the
  /// current SRTT (`rtt`, zero if unknown) and the time. Slow start or
  /// congestion avoidance (RFC 5681 §3.1). Ends an RTO episode.
  void on_ack(std::uint32_t bytes_acked, Duration rtt, Instant now);

  /// Fast retransmit on the third duplicate ACK (RFC 5681 §3.2 steps 2–3,
  /// RFC 6582 §3.2 step 2): ssthresh = loss_ssthresh(FlightSize);
  /// cwnd = ssthresh + 3·SMSS.
  void enter_recovery(std::uint32_t flight_size, Instant now);
  /// Another duplicate ACK during fast recovery: cwnd += SMSS (RFC 5681 §3.2 step 4).
  void on_dup_ack();
  /// A partial ACK of `bytes_acked` during fast recovery (RFC 6582 §3.2 step 3):
  /// deflate cwnd by it, add back SMSS if it was at least SMSS.
  void on_partial_ack(std::uint32_t bytes_acked);
  /// A full ACK ends fast recovery (RFC 6582 §3.2 step 3); `flight_size` is
  /// what is outstanding after this ACK.
  void on_recovery_exit(std::uint32_t flight_size);
  /// The retransmission timer expired (RFC 5681 §3.1 eq. 4): ssthresh is reduced
  /// on the first timeout of a loss episode only, cwnd = 1·SMSS (loss window).
  void on_rto(std::uint32_t flight_size, Instant now);
  /// Linux's cwnd validation (Config::cwnd_growth_when_limited): on_ack grows
  /// cwnd only while the window is used — the last window was cwnd-limited, or
  /// in slow start cwnd < 2 × the most segments in flight during it
  /// (tcp_is_cwnd_limited). Off (default): every ACK of new data grows it.
  void gate_growth_on_use(bool on) { gate_ = on; }
  /// After new data is sent: `flight` bytes now outstanding, SND.UNA and SND.NXT
  /// (tcp_cwnd_validate's bookkeeping, in segments of SMSS).
  void on_data_sent(std::uint32_t flight, SeqNum snd_una, SeqNum snd_nxt);
  /// tcp_is_cwnd_limited: whether an ACK may grow cwnd under the gate.
  [[nodiscard]] bool cwnd_limited() const;

  /// An ECN-Echo (RFC 3168 §6.1.2): ssthresh = loss_ssthresh(FlightSize), cwnd =
  /// ssthresh (at least SMSS); nothing is retransmitted.
  void on_ecn(std::uint32_t flight_size, Instant now);

  /// Takes over cwnd and ssthresh (bytes) from the algorithm this one replaces
  /// when TCP_CONGESTION changes on a live connection, as Linux does
  /// (tcp_reinit_congestion_control leaves snd_cwnd and snd_ssthresh alone);
  /// the algorithm's own state (CUBIC's epoch, W_max) starts afresh.
  void take_window(const CongestionControl& previous) {
    cwnd_ = previous.cwnd_;
    ssthresh_ = previous.ssthresh_;
  }

 protected:
  /// Window growth for on_ack(): slow start / congestion avoidance.
  virtual void grow(std::uint32_t bytes_acked, Duration rtt, Instant now) = 0;
  /// The new ssthresh after a congestion event (and any algorithm state change).
  virtual std::uint32_t loss_ssthresh(std::uint32_t flight_size, Instant now) = 0;
  /// Called at the end of on_rto(), after cwnd became the loss window.
  virtual void after_rto() {}
  /// Slow start with appropriate byte counting (RFC 3465 §2.2), never past
  /// ssthresh. Returns the bytes of `bytes_acked` left over for congestion
  /// avoidance.
  std::uint32_t slow_start(std::uint32_t bytes_acked);

  std::uint32_t smss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_;
  CongestionConfig config_;
  bool rto_episode_ = false;           // an RTO happened and no new data was ACKed since
  bool slow_start_after_rto_ = false;  // RFC 3465 §2.3: L = 1 SMSS until ssthresh
  bool gate_ = false;                  // gate_growth_on_use
  bool is_cwnd_limited_ = false;       // the window since cwnd_usage_seq_ filled cwnd
  std::uint32_t max_packets_out_ = 0;  // most segments in flight in that window
  SeqNum cwnd_usage_seq_{};            // SND.NXT when that window began
};

/// The congestion-control names make_congestion_control() accepts.
[[nodiscard]] std::span<const std::string_view> congestion_control_names();

/// Creates the algorithm called `name` ("newreno" or "cubic") for sender MSS
/// `smss`. Error: std::errc::invalid_argument for an unknown name.
[[nodiscard]] std::expected<std::unique_ptr<CongestionControl>, std::errc> make_congestion_control(
    std::string_view name, std::uint32_t smss, const CongestionConfig& config = {});

/// What the sender knows when an acceptable ACK arrives (RFC 9293 §3.10.7.4
/// fifth), taken BEFORE snd.una and snd.wnd are updated from it.
struct AckSample {
  SeqNum seg_ack{};
  std::uint32_t seg_wnd = 0;  ///< the segment's window, already scaled (bytes)
  bool carries_data = false;  ///< seg.len > 0 or SYN/FIN set
  SeqNum snd_una{};
  SeqNum snd_nxt{};
  std::uint32_t snd_wnd = 0;  ///< the send window before this ACK (bytes)
};

/// How an ACK relates to what was sent.
enum class AckKind : std::uint8_t {
  kNewData,    ///< seg.ack > snd.una
  kDuplicate,  ///< a duplicate ACK by RFC 5681 §2's definition
  kOther,      ///< old, beyond snd.nxt, or a window update / data carrier
};

/// What the engine should do after LossRecovery::on_ack().
enum class RecoveryAction : std::uint8_t {
  kNone,
  kLimitedTransmit,  ///< dup ACK 1 or 2: one new segment may go beyond cwnd (RFC 3042)
  kFastRetransmit,   ///< retransmit the segment at snd.una now (RFC 5681 §3.2 step 3)
  kRetransmitFirst,  ///< partial ACK: retransmit the first unacked segment (RFC 6582)
  kExitedRecovery,   ///< full ACK: fast recovery is over
};

struct RecoveryDecision {
  AckKind kind = AckKind::kOther;
  RecoveryAction action = RecoveryAction::kNone;
  std::uint32_t bytes_acked = 0;  ///< new bytes acknowledged (kNewData)
  /// Restart the retransmission timer (RFC 6298 §5.3 on new data; during
  /// recovery only for the first partial ACK, RFC 6582 §4.3 "Impatient").
  bool restart_rto_timer = false;
};

/// Fast retransmit / fast recovery state (RFC 5681 §3.2, RFC 6582 §3.2,
/// RFC 3042). `recover` is kept as one past the highest sequence number sent
/// when recovery began (FreeBSD's snd_recover), so "the cumulative ACK covers
/// more than recover" reads seq_gt(seg.ack, recover).
class LossRecovery {
 public:
  /// `iss`: the initial send sequence number (recover starts there, RFC 6582 §3.2 step 1).
  explicit LossRecovery(SeqNum iss, const CongestionConfig& config = {});

  /// Processes an acceptable ACK: updates the duplicate ACK count and `cc`.
  /// `rtt` is the current SRTT (for CUBIC), zero if unknown.
  RecoveryDecision on_ack(const AckSample& ack, CongestionControl& cc, Duration rtt, Instant now);

  /// The retransmission timer expired: recover = snd.nxt, leave fast
  /// recovery (RFC 6582 §3.2 step 4), and cc.on_rto(flight_size).
  void on_rto(SeqNum snd_nxt, std::uint32_t flight_size, CongestionControl& cc, Instant now);

  /// The window the sender may fill (bytes): cwnd, plus up to 2·SMSS for
  /// limited transmit after the first and second duplicate ACK (RFC 3042 §2).
  [[nodiscard]] std::uint32_t send_window(const CongestionControl& cc) const;

  [[nodiscard]] bool in_recovery() const { return in_recovery_; }
  [[nodiscard]] std::uint32_t dup_acks() const { return dup_acks_; }
  [[nodiscard]] SeqNum recover() const { return recover_; }

 private:
  RecoveryDecision on_new_data(const AckSample& ack, CongestionControl& cc, Duration rtt,
                               Instant now);
  RecoveryDecision on_duplicate(const AckSample& ack, CongestionControl& cc, Instant now);

  CongestionConfig config_;
  SeqNum recover_;
  std::uint32_t dup_acks_ = 0;
  bool in_recovery_ = false;
  bool partial_seen_ = false;
};

/// RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": (a) data outstanding, (b) no data,
/// (c) no SYN/FIN (folded into carries_data), (d) seg.ack == snd.una, (e) the
/// advertised window is unchanged.
[[nodiscard]] bool is_duplicate_ack(const AckSample& ack);

}  // namespace synack::tcp
