// SPDX-License-Identifier: Apache-2.0
#include "viz/timeline.hpp"

#include <algorithm>
#include <cstdint>

namespace synack::viz {

std::vector<TimelineEntry> build_timeline(const Run& run) {
  std::vector<TimelineEntry> t;
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    t.push_back({TimelineEntry::Kind::kEvent, i, event_time(run.events[i])});
    const auto* p = std::get_if<PacketEvent>(&run.events[i]);
    if (p && p->arrived) t.push_back({TimelineEntry::Kind::kArrival, i, *p->arrived});
  }
  std::ranges::stable_sort(t, [](const TimelineEntry& a, const TimelineEntry& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.kind == TimelineEntry::Kind::kArrival && b.kind == TimelineEntry::Kind::kEvent;
  });
  return t;
}

std::vector<bool> crossing_packets(const Run& run, const std::vector<TimelineEntry>& timeline) {
  std::vector<bool> crossing(run.events.size(), false);
  // Position of each packet's send and arrival entry in the timeline.
  std::vector<std::size_t> send_pos(run.events.size()), arrive_pos(run.events.size(), SIZE_MAX);
  for (std::size_t k = 0; k < timeline.size(); ++k) {
    (timeline[k].kind == TimelineEntry::Kind::kEvent ? send_pos
                                                     : arrive_pos)[timeline[k].event_index] = k;
  }
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const auto* p = std::get_if<PacketEvent>(&run.events[i]);
    if (!p || !p->arrived) continue;
    for (std::size_t j = 0; j < run.events.size(); ++j) {
      const auto* q = std::get_if<PacketEvent>(&run.events[j]);
      if (!q || !q->arrived || q->from != p->to || q->to != p->from) continue;
      // The flights overlap: each is sent before the other arrives.
      if (send_pos[j] < arrive_pos[i] && send_pos[i] < arrive_pos[j]) {
        crossing[i] = true;
        break;
      }
    }
  }
  return crossing;
}

}  // namespace synack::viz
