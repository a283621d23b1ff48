// SPDX-License-Identifier: Apache-2.0
// CUBIC congestion control (RFC 9438). Windows inside the algorithm are in
// segments (doubles, as in the RFC's formulas); cwnd is exported in bytes.
//
//   W_cubic(t) = C·(t − K)³ + W_max            (§4.2 eq. 1), t in seconds
//   K = ∛((W_max − cwnd_epoch) / C)            (§4.2 eq. 2)
//   target = clamp(W_cubic(t + RTT), cwnd, 1.5·cwnd)     (§4.2)
//   per ACK: cwnd += (target − cwnd) / cwnd · segments_acked   (§4.4, §4.5)
//   W_est += α_cubic · segments_acked / cwnd, α_cubic = 3(1−β)/(1+β), 1 once
//   W_est ≥ cwnd_prior; cwnd = W_est while W_cubic(t) < W_est   (§4.3)
//   on congestion: ssthresh = max(FlightSize·β, 2·SMSS); W_max = cwnd, or
//   cwnd·(1+β)/2 when below the previous W_max (fast convergence, §4.6–4.7)
//   after RTO: the next epoch uses W_max = cwnd_epoch, K = 0 (§4.8)
// Slow start is RFC 5681's with byte counting (HyStart++ is not implemented).
#pragma once

#include "tcp/congestion.hpp"

namespace synack::tcp {

class Cubic final : public CongestionControl {
 public:
  static constexpr double kC = 0.4;     ///< RFC 9438 §5.1 (segments / s³)
  static constexpr double kBeta = 0.7;  ///< β_cubic, RFC 9438 §4.6
  /// α_cubic = 3(1 − β)/(1 + β) (RFC 9438 §4.3).
  static constexpr double kAlpha = 3.0 * (1.0 - kBeta) / (1.0 + kBeta);

  Cubic(std::uint32_t smss, const CongestionConfig& config = {}, bool fast_convergence = true)
      : CongestionControl(smss, config), fast_convergence_(fast_convergence) {}

  [[nodiscard]] std::string_view name() const override { return "cubic"; }

  /// W_cubic(t) in segments for t seconds after the epoch start (§4.2 eq. 1).
  [[nodiscard]] double w_cubic(double t) const;
  /// K in seconds for the current epoch.
  [[nodiscard]] double k() const { return k_; }
  /// W_max in segments (the window before the last reduction, after fast convergence).
  [[nodiscard]] double w_max() const { return w_max_; }
  /// The Reno-friendly estimate W_est in segments (§4.3).
  [[nodiscard]] double w_est() const { return w_est_; }
  /// cwnd in segments, with the fraction the byte value drops.
  [[nodiscard]] double cwnd_segments() const { return cwnd_exact_ / smss_; }
  /// Whether a congestion-avoidance epoch is running (it starts at the first
  /// ACK in congestion avoidance, §4.2 "t_epoch").
  [[nodiscard]] bool in_epoch() const { return in_epoch_; }

 protected:
  void grow(std::uint32_t bytes_acked, Duration rtt, Instant now) override;
  std::uint32_t loss_ssthresh(std::uint32_t flight_size, Instant now) override;
  void after_rto() override;

 private:
  void start_epoch(Instant now);

  bool fast_convergence_;
  bool in_epoch_ = false;
  bool after_timeout_ = false;
  Instant epoch_start_{};
  double cwnd_exact_ = 0;  // bytes, keeps the fractional growth
  double w_max_ = 0;       // segments
  double cwnd_prior_ = 0;  // segments, cwnd before the last reduction
  double origin_ = 0;      // segments, the plateau of the current epoch
  double k_ = 0;           // seconds
  double w_est_ = 0;       // segments
};

}  // namespace synack::tcp
