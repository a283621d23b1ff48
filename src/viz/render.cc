// SPDX-License-Identifier: Apache-2.0
#include "viz/render.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "viz/run_json.hpp"

namespace synack::viz {

double time_gap_rows(TimeAxis axis, Duration dt) {
  const double ms = std::chrono::duration<double, std::milli>(dt).count();
  if (ms <= 0) return 0;
  switch (axis) {
    case TimeAxis::kEvent:
      return 0;
    case TimeAxis::kLinear:
      return std::min(ms / 100.0, 25.0);
    case TimeAxis::kLog:
      return std::log10(1.0 + ms / 10.0);
  }
  return 0;
}

std::optional<TimeAxis> time_axis_from_string(std::string_view name) {
  if (name == "event") return TimeAxis::kEvent;
  if (name == "linear") return TimeAxis::kLinear;
  if (name == "log") return TimeAxis::kLog;
  return std::nullopt;
}

std::optional<Format> format_from_string(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "mermaid") return Format::kMermaid;
  if (name == "svg") return Format::kSvg;
  if (name == "html") return Format::kHtml;
  if (name == "json") return Format::kJson;
  if (name == "dot") return Format::kDot;
  return std::nullopt;
}

std::string render(Format f, const Run& run, const RenderOptions& opt) {
  switch (f) {
    case Format::kText:
      return render_text(run, opt);
    case Format::kMermaid:
      return render_mermaid(run, opt);
    case Format::kSvg:
      return render_svg(run, opt);
    case Format::kHtml:
      return render_html(run, opt);
    case Format::kJson:
      return run_to_json(run);
    case Format::kDot:
      return render_dot(run, opt);
  }
  return {};
}

}  // namespace synack::viz
