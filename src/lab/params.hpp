// SPDX-License-Identifier: Apache-2.0
// The lab's URL: every what-if of one run as query parameters, so a teacher
// can share an exact situation (docs/lab.md).
//
//   scenario=NAME      a scenario of `synack demo list` (default handshake)
//   seed=N             simulator seed, 1 .. 2^63 (default 1)
//   scripted=0|1       0: undo the scenario's own scripted faults (default 1)
//   rtt=DURATION       round-trip time, 1ms .. 10s (default 50ms)
//   loss=FRACTION      random loss on every link, 0 .. 50% (default 0)
//   msl=DURATION       every host's MSL, 100ms .. 300s (default 30s); TIME-WAIT = 2 MSL
//   close=client|server  who closes first (scenarios with a close order: handshake)
//   axis=event|linear|log  the ladder's time axis (viz::TimeAxis; default event)
//   fault=ACTION:N[:DURATION]   (repeatable, at most kMaxFaults, in order)
//       drop:N          segment #N never arrives
//       delay:N:D       segment #N arrives D later (1ms .. 60s)
//       dup:N:D         segment #N arrives, and a copy of it D after it was sent (1ms .. 600s)
//     #N is the segment's number in the ladder of the run with the faults
//     before it applied (the run the learner clicked in).
//
// Every value is checked; an error names the parameter and what is allowed.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.hpp"
#include "scenarios/scenario.hpp"
#include "viz/render.hpp"

namespace synack::lab {

enum class FaultKind : std::uint8_t { kDrop, kDelay, kDup };

/// One click on a segment: drop, delay or duplicate segment #`segment`.
struct SegmentFault {
  FaultKind kind = FaultKind::kDrop;
  std::uint32_t segment = 1;  ///< the ladder's #N, ≥ 1
  Duration by{};              ///< delay: extra delay; dup: copy's arrival after the send

  /// URL spelling: "drop:3", "delay:3:500ms", "dup:3:2s".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const SegmentFault&, const SegmentFault&) = default;
};

/// A whole lab run, validated. Defaults: the scenario as the notes tell it.
struct Params {
  std::string scenario = "handshake";
  std::uint64_t seed = 1;
  bool scripted = true;
  Duration rtt = milliseconds(50);
  double loss = 0;
  Duration msl = seconds(30);
  scenarios::CloseFirst close = scenarios::CloseFirst::kScenario;
  viz::TimeAxis axis = viz::TimeAxis::kEvent;
  std::vector<SegmentFault> faults;

  /// The canonical query string (no '?'): only values that differ from the
  /// defaults, scenario first ("scenario=lost-third-ack&scripted=0&fault=drop:3").
  [[nodiscard]] std::string to_query() const;
  friend bool operator==(const Params&, const Params&) = default;
};

inline constexpr std::size_t kMaxFaults = 16;

/// Query parameters as (name, value) pairs, in URL order, already percent-decoded.
using Query = std::vector<std::pair<std::string, std::string>>;

/// Validates every parameter. Errors are one sentence naming the parameter:
/// "rtt=\"5x\": expected a duration such as 50ms or 1.5s", "unknown parameter \"foo\"".
[[nodiscard]] std::expected<Params, std::string> parse_params(const Query& q);

/// Parses one fault ("drop:3"); the error says what a fault looks like.
[[nodiscard]] std::expected<SegmentFault, std::string> parse_segment_fault(std::string_view text);

}  // namespace synack::lab
