// SPDX-License-Identifier: Apache-2.0
// Test support for the reliable-transfer proofs (issue 4): one client and one
// server host joined by a duplex link, a scripted bulk transfer in one or both
// directions, and everything a test needs to assert about it afterwards —
// SHA-256 of every stream, the states each side went through (from the
// engine's trace), drops by reason, retransmissions, link counters, and the
// virtual and wall time taken. The seed and the numbers are printed per run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/apps.hpp"
#include "sim/host.hpp"
#include "tcp/trace.hpp"

namespace synack::sim {

inline constexpr std::uint64_t kMiB = 1024 * 1024;

/// One transfer: the client connects, sends `client_bytes` and half-closes;
/// the server sends `server_bytes` at once (its own stream, concurrently),
/// reads until EOF and closes; the client closes once it read the server's
/// EOF. So the client is the first to close (TIME-WAIT) and the server
/// passes through CLOSE-WAIT and LAST-ACK.
struct TransferSpec {
  std::string name;
  std::uint64_t seed = 1;
  std::uint64_t client_bytes = 0;            ///< client → server
  std::uint64_t server_bytes = 0;            ///< server → client (0: one-way)
  LinkConfig link{};                         ///< both directions
  std::uint32_t snd_buf = 0;                 ///< bytes, both hosts; 0: engine default
  std::uint32_t rcv_buf = 0;                 ///< bytes, both hosts; 0: engine default
  std::uint16_t mtu = 1500;                  ///< both hosts' interface MTU (link MTU follows)
  std::uint8_t max_retransmissions = 0;      ///< both hosts; 0: engine default (15)
  std::optional<std::uint32_t> fixed_iss{};  ///< both hosts (tcp::Config::fixed_iss)
  Duration pause_for{};                      ///< server stops reading (ServerOptions)
  std::uint64_t pause_after = 0;
  /// Called once the hosts are connected, before anything runs (add observers).
  std::function<void(Network&, Host& client, Host& server)> setup{};
};

/// What one host's engine reported through its trace.
struct HostTrace : tcp::TraceSink {
  std::vector<tcp::State> states;  ///< every state entered by a connection, in order
  tcp::DropCounters drops;
  std::uint64_t retransmits = 0;
  void on_event(const tcp::TraceEvent& e) override;
};

struct TransferResult {
  ConnReport client;
  ConnReport server;
  HostTrace client_trace;
  HostTrace server_trace;
  LinkCounters c2s;  ///< client → server link
  LinkCounters s2c;
  std::uint64_t client_bad_checksums = 0;  ///< TCP checksum failures seen by each stack
  std::uint64_t server_bad_checksums = 0;
  std::uint64_t client_malformed = 0;  ///< packets each stack dropped as malformed (any reason)
  std::uint64_t server_malformed = 0;
  std::size_t client_tcbs_left = 0;  ///< TCBs + TIME-WAIT entries once the run is idle
  std::size_t server_tcbs_left = 0;
  RunResult run = RunResult::kIdle;
  double virtual_s = 0;  ///< until the client read the server's EOF
  double wall_s = 0;
};

/// Runs the transfer to completion (the loop idle: TIME-WAIT over) and prints
/// one line: name, seed, sizes, virtual and wall time, throughput, retransmissions.
[[nodiscard]] TransferResult run_transfer(const TransferSpec& spec);

/// Byte-exact in both directions: counts and SHA-256 of what each side sent
/// equal what the other received, no socket error, both EOFs read.
void expect_byte_exact(const TransferResult& r, const TransferSpec& spec);

/// Both sides ended as scripted: the client went SYN-SENT, ESTABLISHED,
/// FIN-WAIT-1 ... TIME-WAIT, CLOSED (first to close), the server ended
/// CLOSE-WAIT, LAST-ACK, CLOSED; nothing left in either stack.
void expect_closed_as_scripted(const TransferResult& r);

}  // namespace synack::sim
