// SPDX-License-Identifier: Apache-2.0
#include "tcp/cc_cubic.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace synack::tcp {
namespace {

double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

double Cubic::w_cubic(double t) const {
  const double x = t - k_;
  return kC * x * x * x + origin_;
}

void Cubic::start_epoch(Instant now) {
  in_epoch_ = true;
  epoch_start_ = now;
  const double cwnd_epoch = cwnd_exact_ / smss_;
  if (after_timeout_) w_max_ = cwnd_epoch;  // RFC 9438 §4.8
  after_timeout_ = false;
  // A W_max below the current window (e.g. the first epoch, after slow start
  // without loss) gives K = 0: growth starts on the convex side.
  origin_ = std::max(w_max_, cwnd_epoch);
  k_ = std::cbrt((origin_ - cwnd_epoch) / kC);
  w_est_ = cwnd_epoch;  // §4.3: W_est = cwnd_epoch at the start of the epoch
}

void Cubic::grow(std::uint32_t bytes_acked, Duration rtt, Instant now) {
  if (static_cast<std::uint32_t>(cwnd_exact_) != cwnd_) cwnd_exact_ = cwnd_;  // changed by recovery
  if (in_slow_start()) {
    bytes_acked = slow_start(bytes_acked);
    cwnd_exact_ = cwnd_;
    if (bytes_acked == 0) return;
  }
  if (!in_epoch_) start_epoch(now);
  const double segs_acked = static_cast<double>(bytes_acked) / smss_;
  double cwnd = cwnd_exact_ / smss_;
  const double t = to_seconds(now - epoch_start_);

  const double alpha = w_est_ >= cwnd_prior_ ? 1.0 : kAlpha;  // §4.3
  w_est_ += alpha * segs_acked / cwnd;
  if (w_cubic(t) < w_est_) {
    cwnd = std::max(cwnd, w_est_);  // Reno-friendly region (§4.3)
  } else {
    const double target = std::clamp(w_cubic(t + to_seconds(rtt)), cwnd, 1.5 * cwnd);
    cwnd += (target - cwnd) / cwnd * segs_acked;  // concave / convex (§4.4, §4.5)
  }
  cwnd_exact_ = std::min(cwnd * smss_, 1073741824.0);  // 1 GiB: the largest TCP window
  cwnd_ = static_cast<std::uint32_t>(cwnd_exact_);
}

std::uint32_t Cubic::loss_ssthresh(std::uint32_t flight_size, Instant /*now*/) {
  if (static_cast<std::uint32_t>(cwnd_exact_) != cwnd_) cwnd_exact_ = cwnd_;
  const double cwnd = cwnd_exact_ / smss_;
  // Fast convergence (§4.7): a flow whose window shrank since the last
  // reduction releases bandwidth by planning a lower plateau.
  w_max_ = (fast_convergence_ && cwnd < w_max_) ? cwnd * (1.0 + kBeta) / 2.0 : cwnd;
  cwnd_prior_ = cwnd;
  in_epoch_ = false;
  const double ss = static_cast<double>(flight_size) * kBeta;  // §4.6
  const auto ssthresh = static_cast<std::uint32_t>(std::max(ss, 2.0 * smss_));
  cwnd_exact_ = ssthresh;  // what enter_recovery() starts from (before inflation)
  return ssthresh;
}

void Cubic::after_rto() {
  in_epoch_ = false;
  after_timeout_ = true;
  cwnd_exact_ = cwnd_;
}

}  // namespace synack::tcp
