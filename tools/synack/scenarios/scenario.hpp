// SPDX-License-Identifier: Apache-2.0
// The named scenarios of TCP connection management (docs/scenarios.md): each
// builds a small simulated network of synack stacks, runs it to completion in
// virtual time, and returns the recorded Run (to draw) with a verdict: the
// story checks the scenario asserts about itself (e.g. "the server returned
// to LISTEN and allocated no connection for the old SYN").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "sim/faults.hpp"
#include "viz/run.hpp"

namespace synack::scenarios {

/// A scripted fault on one link of a scenario's network (links are numbered
/// in the order the scenario creates them: 0 = its first a→b, 1 = b→a, ...).
struct LinkFault {
  std::uint32_t link = 0;
  sim::Fault fault;
};

/// Which end closes first (Options::close_first).
enum class CloseFirst : std::uint8_t {
  kScenario,  ///< as the scenario tells it
  kClient,    ///< the client closes, the server closes once it reads EOF
  kServer,    ///< the server shuts down its side once it has the request; the client follows
};

struct Options {
  /// Simulator seed; also derives every host's ISN and port secrets, so a
  /// seed gives the same run everywhere (fixed default: reproducible diagrams).
  std::uint64_t seed = 1;

  // What-ifs (synack lab). The defaults leave every scenario as the notes tell it.
  /// false: the scenario's own scripted faults (its lost ACK, its old duplicate) are not applied.
  bool scripted_faults = true;
  /// Extra faults, applied after the scenario's own.
  std::vector<LinkFault> faults{};
  /// Round-trip time of every link pair (each direction half of it); default 50 ms.
  std::optional<Duration> rtt{};
  /// Independent random loss on every link, [0, 1] (seeded by `seed`).
  double loss = 0;
  /// Every host's MSL (RFC 9293 §3.4.2; TIME-WAIT lasts 2 MSL); default the stack's 30 s.
  std::optional<Duration> msl{};
  /// The close order, for scenarios with `Scenario::close_order` (others ignore it).
  CloseFirst close_first = CloseFirst::kScenario;
};

/// Where a segment of a Run travelled: its link and its place among the TCP
/// segments offered to that link (1-based), the coordinates of sim::Fault.
struct SegmentOrigin {
  std::uint32_t link = 0;
  std::uint32_t nth = 0;
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
  /// One per PacketEvent of `run` in event order (a link's duplicate copy: that of its original).
  std::vector<SegmentOrigin> origins;

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
  /// Honours Options::close_first (its close is a plain four-way close).
  bool close_order = false;
};

/// Every scenario, in teaching order (handshake first).
[[nodiscard]] const std::vector<Scenario>& all();
/// The scenario called `name`, or nullptr.
[[nodiscard]] const Scenario* find(std::string_view name);

}  // namespace synack::scenarios
