// SPDX-License-Identifier: Apache-2.0
// The order in which a diagram is drawn: every event of the run plus one
// "arrival" entry per delivered segment, sorted by time. At one instant,
// arrivals come first (they cause what follows), then events in run order.
#pragma once

#include <cstddef>
#include <vector>

#include "viz/run.hpp"

namespace synack::viz {

struct TimelineEntry {
  enum class Kind : std::uint8_t { kEvent, kArrival };
  Kind kind = Kind::kEvent;
  std::size_t event_index = 0;  ///< into Run::events (for kArrival: the PacketEvent)
  Instant time;
};

/// All entries in drawing order.
[[nodiscard]] std::vector<TimelineEntry> build_timeline(const Run& run);

/// For each event index: true if that delivered PacketEvent's flight overlaps
/// the flight of a delivered segment in the opposite direction between the same
/// endpoints (the arrows cross, as in simultaneous open or close), so its
/// arrival needs a mark.
[[nodiscard]] std::vector<bool> crossing_packets(const Run& run,
                                                 const std::vector<TimelineEntry>& timeline);

}  // namespace synack::viz
