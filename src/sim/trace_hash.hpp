// SPDX-License-Identifier: Apache-2.0
// An observer that folds every packet event into a 64-bit FNV-1a hash: two
// runs are identical iff (with overwhelming probability) their hashes match.
// Scenario tests use it to pin determinism ("same seed, same trace").
#pragma once

#include <cstdint>

#include "sim/packet_event.hpp"

namespace synack::sim {

class TraceHash {
 public:
  /// Folds in kind, time, arrival, packet id, copy, endpoints, link, reason,
  /// corruption and the packet bytes.
  void add(const PacketEvent& e);
  /// An Observer that feeds this hash (which must outlive the network's use).
  [[nodiscard]] Observer observer() {
    return [this](const PacketEvent& e) { add(e); };
  }
  [[nodiscard]] std::uint64_t value() const { return h_; }
  [[nodiscard]] std::uint64_t events() const { return events_; }

 private:
  void mix(std::uint64_t v, int bytes = 8);
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
  std::uint64_t events_ = 0;
};

}  // namespace synack::sim
