// SPDX-License-Identifier: Apache-2.0
// Per-connection socket options (the stack's setsockopt): keepalive
// (RFC 9293 §3.8.4), user timeout (RFC 5482) and the congestion control
// algorithm (TCP_CONGESTION). Each takes effect at once, as on Linux.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

void Connection::set_keepalive(bool on, Instant now) {
  if (cfg_->keepalive != on) cfg_.mutate().keepalive = on;
  keepalive_probes_ = 0;
  keepalive_deadline_ = kNever;
  // Linux sock_set_keepalive → inet_csk_reset_keepalive_timer(keepalive_time).
  if (on && keepalive_state(state_)) keepalive_deadline_ = now + cfg_->keepalive_idle;
}

void Connection::set_keepalive_timing(Duration idle, Duration interval, std::uint32_t count,
                                      Instant now) {
  Config& cfg = cfg_.mutate();
  cfg.keepalive_idle = std::max(idle, Duration{1});
  cfg.keepalive_interval = std::max(interval, Duration{1});
  cfg.keepalive_count = std::max<std::uint32_t>(count, 1);
  // Linux tcp_sock_set_keepidle: the new idle time counts from the last segment received.
  if (cfg_->keepalive && keepalive_state(state_) && keepalive_probes_ == 0) {
    keepalive_deadline_ = std::max(now, last_rcv_ + cfg_->keepalive_idle);
  }
}

void Connection::set_user_timeout(Duration timeout, Instant now) {
  cfg_.mutate().user_timeout = std::max(timeout, Duration::zero());
  sender_.clamp_to_user_timeout(*cfg_, now);
}

std::expected<void, std::errc> Connection::set_congestion_control(std::string_view name) {
  // The name must outlive the connection: keep one of ours (Linux: ENOENT if unknown).
  std::string_view stored;
  if (name == "newreno" || name == "reno") {
    stored = "newreno";
  } else if (name == "cubic") {
    stored = "cubic";
  } else {
    return std::unexpected(std::errc::no_such_file_or_directory);
  }
  if (stored == cfg_->congestion_control) return {};
  cfg_.mutate().congestion_control = stored;
  return sender_.switch_congestion(stored, *cfg_);
}

}  // namespace synack::tcp
