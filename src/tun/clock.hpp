// SPDX-License-Identifier: Apache-2.0
// The real clock behind the TUN loop: CLOCK_MONOTONIC as a synack::Instant.
//
// The engine never reads a clock (docs/architecture.md, "Sans-IO"); the tun layer does, once per
// wake-up, and passes the value down. Instant's epoch is CLOCK_MONOTONIC's
// (boot), so an Instant converts to a timerfd TFD_TIMER_ABSTIME value 1:1.
#pragma once

#include <time.h>

#include "base/time.hpp"

namespace synack {

/// Converts a CLOCK_MONOTONIC timespec to an Instant (ns resolution).
[[nodiscard]] constexpr Instant instant_from_timespec(const timespec& ts) {
  return Instant(nanoseconds(std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec));
}

/// Converts an Instant to a CLOCK_MONOTONIC timespec; instants before the
/// epoch become {0, 1} (the earliest time a timerfd accepts as "armed").
[[nodiscard]] constexpr timespec timespec_from_instant(Instant t) {
  const std::int64_t ns = t.time_since_epoch().count();
  if (ns <= 0) return timespec{0, 1};
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

/// Now, on CLOCK_MONOTONIC.
[[nodiscard]] inline Instant monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return instant_from_timespec(ts);
}

}  // namespace synack
