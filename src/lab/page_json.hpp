// SPDX-License-Identifier: Apache-2.0
// The lab's API answers as JSON (nlohmann-json): a lab run for the page to
// draw (the what-if ladder and the original, each the viz layer's SVG with
// its RFC explanations; every event; the checks then and now; the
// difference), and the list of scenarios.
#pragma once

#include <nlohmann/json.hpp>

#include "lab/session.hpp"

namespace synack::lab {

/// The answer of /api/run: query, params, title, description, svg,
/// original_svg, endpoints, events, checks, diff (docs/lab.md lists the fields).
[[nodiscard]] nlohmann::ordered_json outcome_json(const Outcome& o);

/// The answer of /api/scenarios: [{name, summary}] in teaching order.
[[nodiscard]] nlohmann::ordered_json scenarios_json();

}  // namespace synack::lab
