// SPDX-License-Identifier: Apache-2.0
// When an event may happen (docs/conformance.md "Timing"):
//   |actual − expected| ≤ max(tolerance_usecs, 5% of the gap since the previous event)
// A range T1~T2 accepts [T1 − tol, T2 + tol]; "*" accepts any time.
// All values are µs of script time (0 = the script's start).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace synack::drill {

/// The expected time of one event, resolved to script time (µs).
struct ExpectedTime {
  bool any = false;                       ///< "*": never a timing error
  std::int64_t usecs = 0;                 ///< T (or T1 of a range)
  std::optional<std::int64_t> range_end;  ///< T2 of "T1~T2"
  std::int64_t previous_event_usecs = 0;  ///< when the previous event happened
};

/// The allowed deviation for an event expected at `expected` after a previous
/// event at `previous`: max(tolerance, 5% of (expected − previous)), in µs.
[[nodiscard]] std::int64_t tolerance_at(std::int64_t expected, std::int64_t previous,
                                        std::int64_t tolerance_usecs);

/// The latest acceptable time for the event (µs); INT64_MAX for "*".
[[nodiscard]] std::int64_t latest_time(const ExpectedTime& t, std::int64_t tolerance_usecs);

/// nullopt if `actual` is acceptable, else packetdrill's message, e.g.
/// "timing error: expected outbound packet at 0.100000 sec but happened at
/// 0.300000 sec; tolerance 0.004000 sec". `what` names the event.
[[nodiscard]] std::optional<std::string> check_time(const ExpectedTime& t, std::int64_t actual,
                                                    std::int64_t tolerance_usecs,
                                                    std::string_view what);

/// µs as packetdrill prints them: "0.100000".
[[nodiscard]] std::string format_usecs(std::int64_t usecs);

}  // namespace synack::drill
