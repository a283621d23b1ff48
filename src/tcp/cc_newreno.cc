// SPDX-License-Identifier: Apache-2.0
// RFC 9293 MUST-19: slow start and congestion avoidance (RFC 5681); RTO backoff in rtt.cc.
#include "tcp/cc_newreno.hpp"

#include <algorithm>

namespace synack::tcp {

void NewReno::grow(std::uint32_t bytes_acked, Duration /*rtt*/, Instant /*now*/) {
  if (in_slow_start()) {
    bytes_acked = slow_start(bytes_acked);
    if (bytes_acked == 0) return;
  }
  // Appropriate byte counting in congestion avoidance (RFC 3465 §2.1): when
  // a full window of bytes has been acknowledged, cwnd grows by one SMSS.
  bytes_acked_ += bytes_acked;
  if (bytes_acked_ >= cwnd_) {
    bytes_acked_ -= cwnd_;
    if (cwnd_ <= UINT32_MAX - smss_) cwnd_ += smss_;
  }
}

std::uint32_t NewReno::loss_ssthresh(std::uint32_t flight_size, Instant /*now*/) {
  bytes_acked_ = 0;
  return std::max(flight_size / 2, 2 * smss_);
}

}  // namespace synack::tcp
