// SPDX-License-Identifier: Apache-2.0
// Round-trip time estimation and the retransmission timeout (RFC 6298).
//
// RttEstimator holds SRTT and RTTVAR and computes RTO from them (§2), with
// exponential backoff (§5.5) and the 3-second fallback after a timed-out SYN
// (§5.7). RttSampler times one segment at a time and applies Karn's algorithm
// (§3: no samples from retransmitted segments); a caller with the timestamps
// option (RFC 7323 §4) may feed RttEstimator::on_sample() directly instead.
// The RTO timer itself (§5.1–5.6: when to start, restart and stop it) is the
// engine's.
#pragma once

#include <optional>

#include "base/seq.hpp"
#include "base/time.hpp"

namespace synack::tcp {

/// RTO tunables. Defaults: RFC 6298 except min_rto.
struct RttConfig {
  /// RTO before any sample (RFC 6298 §2.1: 1 s).
  Duration initial_rto = seconds(1);
  /// Lower bound of the computed RTO. DEVIATION(linux): RFC 6298 §2.4 says
  /// 1 s; Linux uses 200 ms (TCP_RTO_MIN). Set to 1 s for the RFC value.
  Duration min_rto = milliseconds(200);
  /// Upper bound, also of backoff (RFC 6298 §2.5 "at least 60 s"; Linux 120 s).
  Duration max_rto = seconds(120);
  /// Clock granularity G (RFC 6298 §2); the engine's timers have 1 ms ticks.
  Duration granularity = milliseconds(1);
  /// RTO once data transmission begins after a timed-out SYN (RFC 6298 §5.7).
  Duration syn_fallback_rto = seconds(3);
};

class RttEstimator {
 public:
  explicit RttEstimator(RttConfig config = {});

  /// Takes one RTT measurement R (RFC 6298 §2.2 for the first, §2.3 after):
  ///   first:  SRTT = R, RTTVAR = R/2
  ///   after:  RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R|;  SRTT = 7/8·SRTT + 1/8·R
  ///   RTO = SRTT + max(G, 4·RTTVAR), clamped to [min_rto, max_rto].
  /// A new sample also ends any backoff. Negative samples are ignored.
  void on_sample(Duration r);

  /// The retransmission timer expired: RTO = min(2·RTO, max_rto) (RFC 6298 §5.5).
  void backoff();

  /// The SYN (or SYN,ACK) timed out: when data transmission begins the RTO is
  /// re-initialised to 3 s (syn_fallback_rto; any SYN backoff ends) if no RTT
  /// sample exists (RFC 6298 §5.7; like Linux's TCP_TIMEOUT_FALLBACK, an RTT
  /// already measured, e.g. via timestamps, is kept). Call once the handshake
  /// completes, only if a SYN was retransmitted.
  void on_handshake_after_syn_timeout();

  /// The current retransmission timeout, including backoff.
  [[nodiscard]] Duration rto() const { return rto_; }
  /// SRTT, once a sample exists.
  [[nodiscard]] std::optional<Duration> srtt() const;
  /// RTTVAR, once a sample exists.
  [[nodiscard]] std::optional<Duration> rttvar() const;
  [[nodiscard]] bool has_sample() const { return has_sample_; }
  /// Times backoff() was called since the last sample (§5.5).
  [[nodiscard]] unsigned backoffs() const { return backoffs_; }
  [[nodiscard]] const RttConfig& config() const { return config_; }

 private:
  [[nodiscard]] Duration clamp_rto(Duration d) const;

  RttConfig config_;
  bool has_sample_ = false;
  Duration srtt_{0};
  Duration rttvar_{0};
  Duration rto_;
  unsigned backoffs_ = 0;
};

/// Times one segment at a time (RFC 6298 §3, Karn's algorithm): a sample is
/// taken when the ACK covers the timed segment, unless any segment was
/// retransmitted while it was being timed (the ACK would be ambiguous).
class RttSampler {
 public:
  /// A segment [seq, seq + len) (SYN/FIN count) was sent at `now`. Starts
  /// timing it if nothing is being timed and it is not a retransmission.
  void on_send(SeqNum seq, SeqLen len, Instant now, bool retransmission);

  /// Something was retransmitted: the running measurement is discarded (Karn).
  void on_retransmit() { timing_ = false; }

  /// A retransmission of data or FIN left at `now`: discards the running
  /// measurement (on_retransmit) and remembers the time (last_retransmission).
  void on_retransmission_sent(Instant now) {
    on_retransmit();
    last_retransmission_ = now;
  }

  /// When the latest retransmission left, if any was sent.
  [[nodiscard]] std::optional<Instant> last_retransmission() const { return last_retransmission_; }

  /// An acceptable ACK arrived at `now`: returns the RTT of the timed segment
  /// if `seg_ack` covers all of it (seq_ge(seg.ack, end)), and stops timing.
  [[nodiscard]] std::optional<Duration> on_ack(SeqNum seg_ack, Instant now);

  [[nodiscard]] bool timing() const { return timing_; }
  /// One past the timed segment's last sequence number (valid while timing()).
  [[nodiscard]] SeqNum timed_end() const { return end_; }

 private:
  bool timing_ = false;
  SeqNum end_;
  Instant sent_;
  std::optional<Instant> last_retransmission_;
};

}  // namespace synack::tcp
