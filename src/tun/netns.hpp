// SPDX-License-Identifier: Apache-2.0
// Entering a named network namespace for a while (setns(2) on this thread).
//
// `ip netns add NAME` creates /var/run/netns/NAME; a thread that setns()es into
// it creates sockets and TUN devices there. File descriptors keep their
// namespace after the thread switches back, so the TUN backend enters the
// namespace only while it opens and configures the device.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "tun/error.hpp"

namespace synack {

/// The directory where iproute2 keeps named namespaces.
inline constexpr std::string_view kNetnsDir = "/var/run/netns";

/// RAII: the calling thread is in namespace `name` from enter() until the
/// guard is destroyed (or restore() is called), then back in its original one.
/// Only the calling thread moves; other threads are unaffected. Needs
/// CAP_SYS_ADMIN. Move-only; must be destroyed on the thread that entered.
class ScopedNetns {
 public:
  /// Enters /var/run/netns/<name>. An empty name is a no-op guard (stay put).
  /// Errors: "cannot enter network namespace NAME: No such file or directory →
  /// create it with `ip netns add NAME`", or EPERM → the privileges hint.
  static std::expected<ScopedNetns, TunError> enter(std::string_view name);

  ScopedNetns(ScopedNetns&& other) noexcept;
  ScopedNetns& operator=(ScopedNetns&&) = delete;
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;
  ~ScopedNetns() { restore(); }

  /// Returns to the original namespace now (idempotent). Aborts the process if
  /// that fails: continuing in the wrong namespace could reach real networks.
  void restore();

 private:
  explicit ScopedNetns(int original_fd) : original_fd_(original_fd) {}
  int original_fd_ = -1;  // -1: nothing to restore
};

}  // namespace synack
