// SPDX-License-Identifier: Apache-2.0
// Runs one parsed script against a Target in virtual time and decides PASS,
// FAIL (with packetdrill's message) or SKIP (with the reason).
//
// Time: each event's expected time is resolved against the previous event's
// actual time (relative "+t") or script start (absolute "t"). Before an inbound
// packet, call or command the executor steps the target's clock through every
// timer deadline up to that time; for an outbound line it steps until the
// stack sends a packet (or the latest acceptable time passes), then matches the
// packet (matcher.hpp) and its timestamp (timing.hpp). A blocking call
// ("T1...T2") is re-issued after every step until it returns, while later
// events run, and its return time is checked against T2.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "drill/ast.hpp"
#include "drill/parser.hpp"
#include "drill/target.hpp"
#include "wire/ipv4.hpp"

namespace synack::drill {

/// How a script ended.
enum class Outcome : std::uint8_t { kPass, kFail, kSkip };

[[nodiscard]] std::string_view to_string(Outcome o);  ///< "PASS", "FAIL", "SKIP"

struct ScriptResult {
  Outcome outcome = Outcome::kPass;
  /// FAIL: packetdrill's message (may span lines: error, script packet, actual
  /// packet). SKIP: the reason, e.g. "ipv6" or "unknown sysctl net.inet.foo".
  std::string message;
  int line = 0;  ///< the script line of a FAIL or a runtime SKIP, 0 otherwise
  /// What the run did not model but went on without, e.g. "not modelled:
  /// net.ipv4.tcp_frto=2 (…)" from defaults.sh, or a no-op command's reason.
  std::vector<std::string> notes{};
};

/// Addresses, ports and knobs of a run. Defaults are packetdrill's.
struct RunOptions {
  Personality personality = Personality::kFreeBsd;
  Ipv4Addr local_addr = Ipv4Addr::from_octets(192, 168, 0, 1);  ///< the stack
  Ipv4Addr remote_addr = Ipv4Addr::from_octets(192, 0, 2, 1);   ///< the script's side
  std::uint16_t bind_port = 8080;           ///< bind() in the script binds the stack here
  std::uint16_t connect_port = 8080;        ///< connect() in the script goes to this remote port
  std::uint16_t first_remote_port = 48000;  ///< remote ports of passive connections
  /// How long "*" waits for an outbound packet, µs.
  std::int64_t any_time_limit_usecs = 600'000'000;
  /// Called with one line per event when set (the CLI's --verbose).
  std::function<void(const std::string&)> trace;
};

/// Why a script cannot run at all (IPv6, ICMP, unknown sysctl key, other
/// shell commands, Python beyond tcpi asserts, unsupported calls or socket
/// options); nullopt when it can. Checked before anything runs.
[[nodiscard]] std::optional<std::string> preflight(const Script& script);

/// Runs `script` on a freshly reset `target`.
[[nodiscard]] ScriptResult run_script(const Script& script, Target& target,
                                      const RunOptions& options = {});

/// Parses and runs a file; a syntax error is a FAIL carrying the parser's message.
[[nodiscard]] ScriptResult run_file(const std::filesystem::path& path, Target& target,
                                    const RunOptions& options = {},
                                    const ParseOptions& parse_options = {});

}  // namespace synack::drill
