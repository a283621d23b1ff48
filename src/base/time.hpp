// SPDX-License-Identifier: Apache-2.0
// Time for a sans-IO engine: the caller passes `Instant now` into every call.
//
// The engine never reads a clock. The simulator and the conformance runner feed
// it virtual time; the TUN loop feeds it CLOCK_MONOTONIC. Resolution is 1 ns.
#pragma once

#include <chrono>
#include <cstdint>

namespace synack {

/// The clock behind `Instant`. It has no now(): whoever drives the engine
/// decides what time it is (virtual or monotonic).
struct EngineClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<EngineClock>;
  static constexpr bool is_steady = true;
};

/// A span of time, ns resolution.
using Duration = EngineClock::duration;
/// A moment on the engine's clock (ns since the driver's epoch).
using Instant = EngineClock::time_point;

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

/// Whole microseconds since the epoch (for the RFC 6528 ISN clock and TSval).
[[nodiscard]] constexpr std::int64_t to_us(Instant t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}

/// Whole milliseconds of a duration.
[[nodiscard]] constexpr std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

/// A deadline that never arrives (an unarmed timer).
inline constexpr Instant kNever = Instant::max();

}  // namespace synack
