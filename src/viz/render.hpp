// SPDX-License-Identifier: Apache-2.0
// Renderers: one function per output format, each drawing a whole Run.
//
//   text     terminal ladder (Unicode or ASCII, optional ANSI colour)
//   mermaid  Mermaid sequenceDiagram
//   svg      standalone SVG, sloped arrows from send to arrival time
//   html     one self-contained interactive page (inline SVG + CSS + JS)
//   json     the Run itself (run_json.hpp)
//   dot      the RFC 9293 state diagram with the edges this run took in red
//
// All are pure functions of (Run, RenderOptions): no terminal queries, no
// clock, so golden tests are stable. The CLI decides width and colour.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "viz/run.hpp"

namespace synack::viz {

/// How a ladder (text, SVG, HTML) spaces its rows in time. A "row" of extra
/// space is 40 px in SVG, one line in text (time_gap_rows).
enum class TimeAxis : std::uint8_t {
  /// One row per instant, evenly spaced: compact, but a 1 s RTO looks like a 25 ms RTT.
  kEvent,
  /// Plus a row per 100 ms between rows (Stevens' ladders); a gap is cut at 25 rows (2.5 s).
  kLinear,
  /// Plus a row per decade of the gap in units of 10 ms (25 ms: 0.5, 1 s: 2, 60 s: 3.8).
  kLog,
};

struct RenderOptions {
  int width = 100;     ///< text: total columns (clamped to ≥ 60)
  bool color = false;  ///< text: ANSI colours (the CLI enables it only on a TTY without NO_COLOR)
  bool ascii = false;  ///< text: ASCII only (no box-drawing, no arrows, § → S)
  bool absolute = false;  ///< raw sequence numbers instead of relative to each ISN
  bool explain = false;   ///< annotate each state change with its cause and RFC reference
  TimeAxis time_axis = TimeAxis::kEvent;  ///< text, svg, html: row spacing
};

enum class Format : std::uint8_t { kText, kMermaid, kSvg, kHtml, kJson, kDot };

/// The extra space between two rows `dt` apart, in rows: 0 for kEvent;
/// dt / 100 ms, at most 25, for kLinear; log10(1 + dt / 10 ms) for kLog.
[[nodiscard]] double time_gap_rows(TimeAxis axis, Duration dt);

/// "event" → kEvent, "linear", "log"; nullopt for an unknown name.
[[nodiscard]] std::optional<TimeAxis> time_axis_from_string(std::string_view name);

/// "text" → kText ...; nullopt for an unknown name.
[[nodiscard]] std::optional<Format> format_from_string(std::string_view name);

[[nodiscard]] std::string render_text(const Run& run, const RenderOptions& opt);
[[nodiscard]] std::string render_mermaid(const Run& run, const RenderOptions& opt);
[[nodiscard]] std::string render_svg(const Run& run, const RenderOptions& opt);
[[nodiscard]] std::string render_html(const Run& run, const RenderOptions& opt);
[[nodiscard]] std::string render_dot(const Run& run, const RenderOptions& opt);
/// Any format (json: run_to_json).
[[nodiscard]] std::string render(Format f, const Run& run, const RenderOptions& opt);

}  // namespace synack::viz
