// SPDX-License-Identifier: Apache-2.0
// NewReno congestion control: RFC 5681 slow start and congestion avoidance
// with appropriate byte counting (RFC 3465), the RFC 6928 initial window, and
// ssthresh = max(FlightSize/2, 2·SMSS) on loss (RFC 5681 eq. 4). Fast recovery
// (RFC 6582) is LossRecovery's plus the shared inflation in CongestionControl.
#pragma once

#include "tcp/congestion.hpp"

namespace synack::tcp {

class NewReno final : public CongestionControl {
 public:
  NewReno(std::uint32_t smss, const CongestionConfig& config = {})
      : CongestionControl(smss, config) {}

  [[nodiscard]] std::string_view name() const override { return "newreno"; }

  /// Bytes counted towards the next congestion-avoidance increase (RFC 3465 §2.1).
  [[nodiscard]] std::uint32_t bytes_acked() const { return bytes_acked_; }

 protected:
  /// Slow start: cwnd += min(N, L·SMSS). Congestion avoidance: one SMSS per
  /// cwnd of bytes acknowledged (RFC 3465 §2.1, ≈ RFC 5681 eq. 3).
  void grow(std::uint32_t bytes_acked, Duration rtt, Instant now) override;
  /// max(FlightSize / 2, 2·SMSS) (RFC 5681 eq. 4).
  std::uint32_t loss_ssthresh(std::uint32_t flight_size, Instant now) override;

 private:
  std::uint32_t bytes_acked_ = 0;
};

}  // namespace synack::tcp
