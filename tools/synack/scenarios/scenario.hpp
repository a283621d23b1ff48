// SPDX-License-Identifier: Apache-2.0
// The named scenarios of TCP connection management (docs/scenarios.md): each
// builds a small simulated network of synack stacks, runs it to completion in
// virtual time, and returns the recorded Run (to draw) with a verdict: the
// story checks the scenario asserts about itself (e.g. "the server returned
// to LISTEN and allocated no connection for the old SYN").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "viz/run.hpp"

namespace synack::scenarios {

struct Options {
  /// Simulator seed; also derives every host's ISN and port secrets, so a
  /// seed gives the same run everywhere (fixed default: reproducible diagrams).
  std::uint64_t seed = 1;
};

/// One story assertion and whether it held.
struct Check {
  std::string what;
  bool ok = false;
};

/// One packet as a capture point next to the sender would see it.
struct Captured {
  Instant at;
  std::vector<std::byte> bytes;  ///< the IPv4 datagram
  std::string comment;           ///< state transitions it goes with, its fate
};

struct Result {
  viz::Run run;
  std::vector<Check> checks;
  std::vector<Captured> capture;  ///< every segment, in time order (pcap / pcapng)

  [[nodiscard]] bool passed() const;
  /// The checks that failed, one per line ("" when all passed).
  [[nodiscard]] std::string failures() const;
};

struct Scenario {
  std::string_view name;     ///< "lost-third-ack"
  std::string_view summary;  ///< one line, in the user's terms (synack demo list)
  Result (*run)(const Options&);
  /// No loss, reordering or held copies: a pcap of it must look clean to Wireshark.
  bool clean_link = false;
};

/// Every scenario, in teaching order (handshake first).
[[nodiscard]] const std::vector<Scenario>& all();
/// The scenario called `name`, or nullptr.
[[nodiscard]] const Scenario* find(std::string_view name);

}  // namespace synack::scenarios
