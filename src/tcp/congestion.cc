// SPDX-License-Identifier: Apache-2.0
// RFC 9293 MAY-18: CUBIC (RFC 9438) besides NewReno, per socket (TCP_CONGESTION).
#include "tcp/congestion.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "tcp/cc_cubic.hpp"
#include "tcp/cc_newreno.hpp"

namespace synack::tcp {
namespace {

std::uint32_t sat_add(std::uint32_t a, std::uint32_t b) {
  return b > std::numeric_limits<std::uint32_t>::max() - a
             ? std::numeric_limits<std::uint32_t>::max()
             : a + b;
}

}  // namespace

std::uint32_t initial_window(std::uint32_t smss, const CongestionConfig& config) {
  const std::uint64_t n = std::uint64_t{config.initial_window_segments} * smss;
  const std::uint64_t cap = std::max<std::uint64_t>(2ull * smss, 14600);
  return static_cast<std::uint32_t>(std::min(n, cap));
}

CongestionControl::CongestionControl(std::uint32_t smss, const CongestionConfig& config)
    : smss_(std::max<std::uint32_t>(smss, 1)),
      cwnd_(initial_window(smss_, config)),
      ssthresh_(std::numeric_limits<std::uint32_t>::max()),
      config_(config) {}

std::uint32_t CongestionControl::slow_start(std::uint32_t bytes_acked) {
  // RFC 3465 §2.2: cwnd += min(N, L·SMSS); L = 1·SMSS in the slow start that
  // follows a retransmission timeout (§2.3).
  const std::uint32_t l =
      slow_start_after_rto_ ? 1 : std::max<std::uint32_t>(config_.abc_limit_segments, 1);
  const std::uint32_t grow = std::min<std::uint64_t>(bytes_acked, std::uint64_t{l} * smss_);
  const std::uint32_t room = ssthresh_ > cwnd_ ? ssthresh_ - cwnd_ : 0;
  const std::uint32_t used = std::min(grow, room);
  cwnd_ += used;
  if (cwnd_ >= ssthresh_) slow_start_after_rto_ = false;
  return used < grow ? bytes_acked - used : 0;
}

void CongestionControl::on_ack(std::uint32_t bytes_acked, Duration rtt, Instant now) {
  rto_episode_ = false;
  if (gate_ && !cwnd_limited()) return;  // Linux tcp_cong_avoid: not cwnd-limited
  grow(bytes_acked, rtt, now);
}

void CongestionControl::on_data_sent(std::uint32_t flight, SeqNum snd_una, SeqNum snd_nxt) {
  const std::uint32_t packets = (flight + smss_ - 1) / smss_;
  const bool limited = flight >= cwnd_;
  // Linux tcp_cwnd_validate: a new window, a cwnd-limited send, or more in
  // flight than seen in this window restarts the bookkeeping.
  if (!seq_lt(snd_una, cwnd_usage_seq_) || limited ||
      (!is_cwnd_limited_ && packets > max_packets_out_)) {
    is_cwnd_limited_ = limited;
    max_packets_out_ = packets;
    cwnd_usage_seq_ = snd_nxt;
  }
}

bool CongestionControl::cwnd_limited() const {
  if (is_cwnd_limited_) return true;
  return in_slow_start() && cwnd_ < 2 * std::uint64_t{max_packets_out_} * smss_;
}

void CongestionControl::enter_recovery(std::uint32_t flight_size, Instant now) {
  ssthresh_ = loss_ssthresh(flight_size, now);
  cwnd_ = sat_add(ssthresh_, 3 * smss_);
}

void CongestionControl::on_ecn(std::uint32_t flight_size, Instant now) {
  ssthresh_ = loss_ssthresh(flight_size, now);
  cwnd_ = std::max(ssthresh_, smss_);
}

void CongestionControl::on_dup_ack() {
  cwnd_ = sat_add(cwnd_, smss_);
}

void CongestionControl::on_partial_ack(std::uint32_t bytes_acked) {
  cwnd_ = cwnd_ > bytes_acked ? cwnd_ - bytes_acked : 0;
  if (bytes_acked >= smss_) cwnd_ = sat_add(cwnd_, smss_);
  cwnd_ = std::max(cwnd_, smss_);
}

void CongestionControl::on_recovery_exit(std::uint32_t flight_size) {
  if (config_.exit_recovery_to_ssthresh) {
    cwnd_ = ssthresh_;
  } else {
    cwnd_ = std::min(ssthresh_, sat_add(std::max(flight_size, smss_), smss_));
  }
}

void CongestionControl::on_rto(std::uint32_t flight_size, Instant now) {
  // RFC 5681 §3.1: ssthresh is not reduced again when the same data times out
  // repeatedly ("...MUST NOT be set to less than..." / held constant).
  if (!rto_episode_) ssthresh_ = loss_ssthresh(flight_size, now);
  rto_episode_ = true;
  slow_start_after_rto_ = true;
  cwnd_ = smss_;  // LW = 1 SMSS
  after_rto();
}

std::span<const std::string_view> congestion_control_names() {
  static constexpr std::array<std::string_view, 2> kNames{"newreno", "cubic"};
  return kNames;
}

std::expected<std::unique_ptr<CongestionControl>, std::errc> make_congestion_control(
    std::string_view name, std::uint32_t smss, const CongestionConfig& config) {
  if (name == "newreno") return std::make_unique<NewReno>(smss, config);
  if (name == "cubic") return std::make_unique<Cubic>(smss, config);
  return std::unexpected(std::errc::invalid_argument);
}

bool is_duplicate_ack(const AckSample& ack) {
  return ack.snd_nxt != ack.snd_una      // (a) outstanding data
         && !ack.carries_data            // (b), (c)
         && ack.seg_ack == ack.snd_una   // (d)
         && ack.seg_wnd == ack.snd_wnd;  // (e)
}

LossRecovery::LossRecovery(SeqNum iss, const CongestionConfig& config)
    : config_(config), recover_(iss) {}

RecoveryDecision LossRecovery::on_ack(const AckSample& ack, CongestionControl& cc, Duration rtt,
                                      Instant now) {
  if (seq_gt(ack.seg_ack, ack.snd_una) && seq_le(ack.seg_ack, ack.snd_nxt)) {
    return on_new_data(ack, cc, rtt, now);
  }
  if (is_duplicate_ack(ack)) return on_duplicate(ack, cc, now);
  // Not a duplicate (window update, data, old ACK): the count restarts
  // unless in recovery (RFC 5681 §3.2 counts consecutive duplicates).
  if (!in_recovery_ && ack.seg_ack == ack.snd_una) dup_acks_ = 0;
  return {};
}

RecoveryDecision LossRecovery::on_new_data(const AckSample& ack, CongestionControl& cc,
                                           Duration rtt, Instant now) {
  RecoveryDecision d{.kind = AckKind::kNewData,
                     .action = RecoveryAction::kNone,
                     .bytes_acked = static_cast<std::uint32_t>(ack.seg_ack - ack.snd_una),
                     .restart_rto_timer = true};
  dup_acks_ = 0;
  if (!in_recovery_) {
    cc.on_ack(d.bytes_acked, rtt, now);
    return d;
  }
  if (seq_ge(ack.seg_ack, recover_)) {
    // Full acknowledgment (RFC 6582 §3.2 step 3).
    cc.on_recovery_exit(static_cast<std::uint32_t>(ack.snd_nxt - ack.seg_ack));
    in_recovery_ = false;
    d.action = RecoveryAction::kExitedRecovery;
    return d;
  }
  // Partial acknowledgment: retransmit the next hole, deflate; restart the
  // timer for the first partial ACK only (RFC 6582 §3.2 step 3, §4.3).
  cc.on_partial_ack(d.bytes_acked);
  d.action = RecoveryAction::kRetransmitFirst;
  d.restart_rto_timer = !partial_seen_;
  partial_seen_ = true;
  return d;
}

RecoveryDecision LossRecovery::on_duplicate(const AckSample& ack, CongestionControl& cc,
                                            Instant now) {
  RecoveryDecision d{.kind = AckKind::kDuplicate,
                     .action = RecoveryAction::kNone,
                     .bytes_acked = 0,
                     .restart_rto_timer = false};
  ++dup_acks_;
  if (in_recovery_) {
    cc.on_dup_ack();
    return d;
  }
  const std::uint32_t threshold = std::max<std::uint32_t>(config_.dupack_threshold, 1);
  if (dup_acks_ == threshold) {
    // RFC 6582 §3.2 step 2: only if the ACK covers more than recover (avoids
    // a second fast retransmit for losses of the same window).
    if (seq_gt(ack.seg_ack, recover_)) {
      recover_ = ack.snd_nxt;
      in_recovery_ = true;
      partial_seen_ = false;
      cc.enter_recovery(static_cast<std::uint32_t>(ack.snd_nxt - ack.snd_una), now);
      d.action = RecoveryAction::kFastRetransmit;
    }
    return d;
  }
  if (dup_acks_ < threshold && config_.limited_transmit)
    d.action = RecoveryAction::kLimitedTransmit;
  return d;
}

void LossRecovery::on_rto(SeqNum snd_nxt, std::uint32_t flight_size, CongestionControl& cc,
                          Instant now) {
  recover_ = snd_nxt;
  in_recovery_ = false;
  dup_acks_ = 0;
  cc.on_rto(flight_size, now);
}

std::uint32_t LossRecovery::send_window(const CongestionControl& cc) const {
  if (in_recovery_ || !config_.limited_transmit) return cc.cwnd();
  const std::uint32_t extra = std::min<std::uint32_t>(dup_acks_, 2) * cc.smss();
  return sat_add(cc.cwnd(), extra);
}

}  // namespace synack::tcp
