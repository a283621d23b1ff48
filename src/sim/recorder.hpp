// SPDX-License-Identifier: Apache-2.0
// Records a simulation for later drawing and checking: every packet event
// (with its bytes) from the network's observer hook, and every engine trace
// event of each host (state changes, RSTs, challenge ACKs, drops ...).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/network.hpp"
#include "tcp/trace.hpp"

namespace synack::sim {

struct RecordedPacket {
  PacketEvent event;  ///< `event.bytes` points into `bytes`
  std::vector<std::byte> bytes;
};

struct RecordedTrace {
  std::size_t host = 0;  ///< the index given to sink()
  tcp::TraceEvent event;
};

class Recorder {
 public:
  /// Subscribes to every packet event of `net`.
  void attach(Network& net);
  /// A trace sink tagging events with host index `host` (stable address).
  tcp::TraceSink* sink(std::size_t host);

  [[nodiscard]] const std::vector<RecordedPacket>& packets() const { return packets_; }
  [[nodiscard]] const std::vector<RecordedTrace>& traces() const { return traces_; }

 private:
  struct Sink : tcp::TraceSink {
    Recorder* recorder = nullptr;
    std::size_t host = 0;
    void on_event(const tcp::TraceEvent& e) override { recorder->traces_.push_back({host, e}); }
  };
  std::vector<RecordedPacket> packets_;
  std::vector<RecordedTrace> traces_;
  std::vector<std::unique_ptr<Sink>> sinks_;
};

}  // namespace synack::sim
