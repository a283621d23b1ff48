// SPDX-License-Identifier: Apache-2.0
#include "sim/trace_hash.hpp"

namespace synack::sim {

void TraceHash::mix(std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    h_ ^= (v >> (8 * i)) & 0xff;
    h_ *= 0x100000001b3ULL;
  }
}

void TraceHash::add(const PacketEvent& e) {
  ++events_;
  mix(static_cast<std::uint64_t>(e.kind), 1);
  mix(static_cast<std::uint64_t>(e.time.time_since_epoch().count()));
  mix(static_cast<std::uint64_t>(e.arrival.time_since_epoch().count()));
  mix(e.packet_id);
  mix(e.copy, 1);
  mix(e.from, 4);
  mix(e.to, 4);
  mix(e.link, 4);
  mix(static_cast<std::uint64_t>(e.reason), 1);
  mix(e.corrupt_offset);
  mix(e.corrupt_mask, 1);
  mix(e.bytes.size());
  for (std::byte b : e.bytes) mix(static_cast<std::uint64_t>(b), 1);
}

}  // namespace synack::sim
