// SPDX-License-Identifier: Apache-2.0
// One lab run: the scenario with the learner's what-ifs, re-run on the
// deterministic simulator, its checks re-evaluated, and what differs from
// the scenario as the notes tell it.
//
// Each SegmentFault names segment #N of the run with the faults before it
// applied. To turn that into the simulator's fault language (link, n-th TCP
// segment on that link: sim/faults.hpp) the faults are resolved one by one:
// run with faults 1..k-1, look up where #N of that run travelled
// (scenarios::Result::origins), add it as fault k. A fault never changes
// anything sent before the segment it hits, so the earlier ones stay put.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "lab/params.hpp"
#include "scenarios/scenario.hpp"

namespace synack::lab {

/// What differs between the original run and the what-if run.
struct Difference {
  std::vector<std::size_t> changed;  ///< what-if event indices with no equal in the original
  std::size_t missing = 0;           ///< original segments and state changes with no equal
  std::string summary;               ///< one line: "4 segments and 2 state changes differ ..."
};

struct Outcome {
  Params params;
  scenarios::Result original;  ///< the scenario as the notes tell it (same seed)
  scenarios::Result what_if;   ///< with every what-if of `params`
  Difference diff;
};

/// Runs `p`. Errors (unknown scenario, a fault's #N beyond the run's
/// segments) are one sentence for the page.
[[nodiscard]] std::expected<Outcome, std::string> run(const Params& p);

/// The differences of `what_if` from `original` (segments compared by
/// sender, flags, raw seq/ack, length, send time and fate; state changes by
/// endpoint, states and time).
[[nodiscard]] Difference compare(const viz::Run& original, const viz::Run& what_if);

}  // namespace synack::lab
