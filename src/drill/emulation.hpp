// SPDX-License-Identifier: Apache-2.0
// What the runner emulates around the stack (docs/conformance.md
// "Emulation table"): the sysctl table, the shell commands the
// corpus runs in backticks, and the symbolic constants of system calls.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "drill/target.hpp"
#include "tcp/state.hpp"

namespace synack::drill {

/// One row of the sysctl emulation table.
struct SysctlMapping {
  std::string_view key;  ///< FreeBSD name, e.g. "net.inet.tcp.insecure_rst"
  Knob knob;
};

/// The whole table, in documentation order (docs/conformance.md lists it).
[[nodiscard]] std::span<const SysctlMapping> sysctl_table();
/// The knob behind a FreeBSD sysctl key; nullopt for keys not in the table.
[[nodiscard]] std::optional<Knob> knob_for_sysctl(std::string_view key);

/// `sysctl -w KEY=VALUE`.
struct SysctlCommand {
  std::string key;
  std::int64_t value = 0;
};
/// `sockstat ... [-p PORT] ... | grep -c STATE | grep N`: N connections in STATE.
struct SockstatCommand {
  std::optional<std::uint16_t> port;
  tcp::State state = tcp::State::kClosed;
  int expected = 0;
};
/// `tcpdrop -s TIME_WAIT`.
struct TcpdropCommand {};

using ShellCommand = std::variant<SysctlCommand, SockstatCommand, TcpdropCommand>;

/// Recognises a backtick command. Errors: the reason to SKIP the script,
/// e.g. "unsupported command: ifconfig ..." or "unknown sysctl foo.bar".
[[nodiscard]] std::expected<ShellCommand, std::string> parse_command(std::string_view text);

/// Host errno of a name ("ECONNRESET"); nullopt if unknown.
[[nodiscard]] std::optional<int> errno_value(std::string_view name);
/// Name of a host errno ("ECONNRESET"); "E?" when unknown.
[[nodiscard]] std::string errno_name(int err);

/// The socket option named `name` (SO_RCVBUF, TCP_NODELAY ...); nullopt if unknown.
[[nodiscard]] std::optional<SockOpt> sockopt_for(std::string_view name);

/// Numeric value of a constant as the personality's headers define it
/// (O_RDWR, O_NONBLOCK, SHUT_WR, MSG_PEEK, F_GETFL ...); nullopt if unknown.
[[nodiscard]] std::optional<std::int64_t> constant_value(std::string_view name, Personality p);

/// "TCPI_ESTABLISHED" → State; nullopt if unknown.
[[nodiscard]] std::optional<tcp::State> tcpi_state(std::string_view name);
/// State → "TCPI_ESTABLISHED".
[[nodiscard]] std::string tcpi_name(tcp::State s);
/// Linux's TCP_* number of a state (<netinet/tcp.h>), as TCP_INFO's tcpi_state.
[[nodiscard]] std::uint8_t linux_tcp_state(tcp::State s);
/// sockstat's spelling ("SYN_RCVD", "TIME_WAIT") → State.
[[nodiscard]] std::optional<tcp::State> bsd_state(std::string_view name);

}  // namespace synack::drill
