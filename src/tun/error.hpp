// SPDX-License-Identifier: Apache-2.0
// Errors of the TUN backend: an errno value plus one line a user can act on.
//
// Every message has the form "cannot <what>: <strerror(errno)> → <what to do>",
// e.g. "cannot open /dev/net/tun: Operation not permitted → run as root or grant
// CAP_NET_ADMIN". Tools print message() as is and exit non-zero.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace synack {

/// A failed OS call of the tun layer (opening the device, configuring it,
/// epoll/timerfd/signalfd setup). Not used for per-packet conditions: those are
/// counted in the device's stats instead.
struct TunError {
  /// The errno value the failing call returned (e.g. operation_not_permitted).
  std::errc code{};
  /// One line: "cannot <what>: <strerror> → <hint>" (no trailing newline).
  std::string message;

  [[nodiscard]] const std::string& what() const { return message; }
};

/// Builds a TunError for a call that failed with `errnum`:
/// "cannot <action>: <strerror(errnum)>" plus " → <hint>" when a hint applies.
/// An empty `hint` selects the default for the errno (EPERM/EACCES → the
/// privileges hint, ENOENT on /dev/net/tun → the module hint, otherwise none).
[[nodiscard]] TunError make_tun_error(std::string_view action, int errnum,
                                      std::string_view hint = {});

/// The hint printed for missing privileges.
inline constexpr std::string_view kPrivilegeHint = "run as root or grant CAP_NET_ADMIN";

}  // namespace synack
