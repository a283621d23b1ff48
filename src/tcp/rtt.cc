// SPDX-License-Identifier: Apache-2.0
// RFC 9293 MUST-18: RTO per RFC 6298, RTT samples by Karn's algorithm (RttSampler).
#include "tcp/rtt.hpp"

#include <algorithm>

namespace synack::tcp {

RttEstimator::RttEstimator(RttConfig config) : config_(config), rto_(config.initial_rto) {
  rto_ = std::min(rto_, config_.max_rto);
}

Duration RttEstimator::clamp_rto(Duration d) const {
  return std::clamp(d, std::min(config_.min_rto, config_.max_rto), config_.max_rto);
}

void RttEstimator::on_sample(Duration r) {
  if (r < Duration::zero()) return;
  if (!has_sample_) {
    // RFC 6298 §2.2.
    srtt_ = r;
    rttvar_ = r / 2;
    has_sample_ = true;
  } else {
    // RFC 6298 §2.3, alpha = 1/8, beta = 1/4; RTTVAR uses the old SRTT.
    const Duration err = srtt_ > r ? srtt_ - r : r - srtt_;
    rttvar_ = (3 * rttvar_ + err) / 4;
    srtt_ = (7 * srtt_ + r) / 8;
  }
  rto_ = clamp_rto(srtt_ + std::max(config_.granularity, 4 * rttvar_));
  backoffs_ = 0;
}

void RttEstimator::backoff() {
  // RFC 6298 §5.5; doubling from at most max_rto cannot overflow.
  rto_ = std::min(2 * rto_, config_.max_rto);
  ++backoffs_;
}

void RttEstimator::on_handshake_after_syn_timeout() {
  if (has_sample_) return;
  rto_ = std::min(std::max(config_.initial_rto, config_.syn_fallback_rto), config_.max_rto);
  backoffs_ = 0;
}

std::optional<Duration> RttEstimator::srtt() const {
  return has_sample_ ? std::optional(srtt_) : std::nullopt;
}

std::optional<Duration> RttEstimator::rttvar() const {
  return has_sample_ ? std::optional(rttvar_) : std::nullopt;
}

void RttSampler::on_send(SeqNum seq, SeqLen len, Instant now, bool retransmission) {
  if (retransmission) {
    on_retransmit();
    return;
  }
  if (timing_ || len == 0) return;
  timing_ = true;
  end_ = seq + len;
  sent_ = now;
}

std::optional<Duration> RttSampler::on_ack(SeqNum seg_ack, Instant now) {
  if (!timing_ || seq_lt(seg_ack, end_)) return std::nullopt;
  timing_ = false;
  return now - sent_;
}

}  // namespace synack::tcp
