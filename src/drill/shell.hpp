// SPDX-License-Identifier: Apache-2.0
// The backtick commands of a script, read as packetdrill's shell would run
// them, without running a shell (docs/conformance.md "Backtick commands").
//
// A command text may hold several lines (`\` continues a line, `;` and newlines
// separate commands, `#` starts a comment, `A || B` runs B when A is not
// understood). Each simple command becomes one ShellCommand:
//  - FreeBSD: `sysctl -w K=V`, `sockstat ...`, `tcpdrop -s TIME_WAIT` (emulation.hpp);
//  - Linux: `sysctl [-q] [-e] [-w] K=V ...`, `set_sysctls.py /proc/sys/K=V ...`
//    (key with '/' or '.'), the suite's `defaults.sh` (read from the script's
//    directory and interpreted line by line: its settings are lenient, see
//    KnobCommand), `/tmp/sysctl_restore_*.sh`, `ip tcp_metrics flush`,
//    `tc qdisc ... pfifo`, `nstat` alone (no-ops on a fresh stack, NoteCommand),
//    `ethtool -K DEV tso|gso off` (TsoCommand).
// Anything else is an error naming the command: the script SKIPs.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drill/emulation.hpp"
#include "drill/target.hpp"

namespace synack::drill {

/// A Linux sysctl mapped onto a knob, e.g. net.ipv4.tcp_rmem's maximum → kRmemMax.
struct KnobCommand {
  Knob knob{};
  std::int64_t value = 0;
  std::string setting;  ///< as written after expansion, e.g. "net.ipv4.tcp_frto=2"
  /// From defaults.sh: a knob the target rejects is reported as a note ("not
  /// modelled") and the script runs; otherwise the script SKIPs.
  bool lenient = false;
};

/// A command with nothing to do on a fresh, per-script stack; `text` says why.
struct NoteCommand {
  std::string text;
};

/// `ethtool -K tun0 tso off gso off`: outbound packets are no longer coalesced
/// as TSO would send them (RunOptions::tso).
struct TsoCommand {
  bool on = false;
};

using ShellStep = std::variant<SysctlCommand, SockstatCommand, TcpdropCommand, KnobCommand,
                               NoteCommand, TsoCommand>;

/// The Linux sysctl `key` (dots, e.g. "net.ipv4.tcp_rmem") with `value` as
/// written → the knob settings it makes (a triple gives two or three).
/// Errors: "unknown sysctl KEY", "bad value for KEY: VALUE".
[[nodiscard]] std::expected<std::vector<KnobCommand>, std::string> linux_sysctl(
    std::string_view key, std::string_view value);

/// The Linux key of a Linux knob ("net.ipv4.tcp_frto", "net.ipv4.tcp_rmem[2]"); "?" otherwise.
[[nodiscard]] std::string_view linux_knob_name(Knob k);

/// Reads one backtick command. `script_dir` resolves relative paths
/// (`../common/defaults.sh`). Errors: the reason the script SKIPs, e.g.
/// "unsupported command: ip route change ...".
[[nodiscard]] std::expected<std::vector<ShellStep>, std::string> parse_shell(
    std::string_view text, const std::filesystem::path& script_dir);

}  // namespace synack::drill
