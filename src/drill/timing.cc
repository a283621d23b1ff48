// SPDX-License-Identifier: Apache-2.0
// Event timing checks (see timing.hpp).
#include "drill/timing.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <limits>

namespace synack::drill {

std::int64_t tolerance_at(std::int64_t expected, std::int64_t previous,
                          std::int64_t tolerance_usecs) {
  const std::int64_t gap = std::max<std::int64_t>(0, expected - previous);
  return std::max(tolerance_usecs, gap * 5 / 100);
}

std::int64_t latest_time(const ExpectedTime& t, std::int64_t tolerance_usecs) {
  if (t.any) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t end = t.range_end.value_or(t.usecs);
  return end + tolerance_at(end, t.previous_event_usecs, tolerance_usecs);
}

std::optional<std::string> check_time(const ExpectedTime& t, std::int64_t actual,
                                      std::int64_t tolerance_usecs, std::string_view what) {
  if (t.any) return std::nullopt;
  const std::int64_t tol_start = tolerance_at(t.usecs, t.previous_event_usecs, tolerance_usecs);
  if (t.range_end) {
    const std::int64_t tol_end =
        tolerance_at(*t.range_end, t.previous_event_usecs, tolerance_usecs);
    if (actual >= t.usecs - tol_start && actual <= *t.range_end + tol_end) return std::nullopt;
    return fmt::format(
        "timing error: expected {} in time range {}~{} sec but happened at {} sec; tolerance {} "
        "sec",
        what, format_usecs(t.usecs), format_usecs(*t.range_end), format_usecs(actual),
        format_usecs(tol_start));
  }
  if (actual >= t.usecs - tol_start && actual <= t.usecs + tol_start) return std::nullopt;
  return fmt::format("timing error: expected {} at {} sec but happened at {} sec; tolerance {} sec",
                     what, format_usecs(t.usecs), format_usecs(actual), format_usecs(tol_start));
}

std::string format_usecs(std::int64_t usecs) {
  const char* sign = usecs < 0 ? "-" : "";
  const std::int64_t a = usecs < 0 ? -usecs : usecs;
  return fmt::format("{}{}.{:06}", sign, a / 1'000'000, a % 1'000'000);
}

}  // namespace synack::drill
