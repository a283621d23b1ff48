// SPDX-License-Identifier: Apache-2.0
#include "sim/recorder.hpp"

namespace synack::sim {

void Recorder::attach(Network& net) {
  net.add_observer([this](const PacketEvent& e) {
    RecordedPacket p{e, {e.bytes.begin(), e.bytes.end()}};
    packets_.push_back(std::move(p));
    packets_.back().event.bytes = packets_.back().bytes;
  });
}

tcp::TraceSink* Recorder::sink(std::size_t host) {
  while (sinks_.size() <= host) {
    auto s = std::make_unique<Sink>();
    s->recorder = this;
    s->host = sinks_.size();
    sinks_.push_back(std::move(s));
  }
  return sinks_[host].get();
}

}  // namespace synack::sim
