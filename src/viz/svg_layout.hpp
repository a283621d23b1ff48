// SPDX-License-Identifier: Apache-2.0
// Geometry of the SVG ladder's text, shared by the renderer (which places
// every label so that no two boxes intersect) and the layout test (which
// measures the rendered SVG the same way and checks it).
//
// Text is measured, not rendered: the ladder's font is monospace (DejaVu Sans
// Mono, Menlo, Consolas), whose advance is 0.60 em; 0.62 em per code point
// leaves a margin. A box spans 0.8 em above the baseline and 0.25 em below.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace synack::viz {

struct TextBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< px, x0 < x1, y0 < y1

  [[nodiscard]] bool intersects(const TextBox& o) const {
    return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
};

/// Code points of UTF-8 text (what a monospace font advances by).
[[nodiscard]] std::size_t code_points(std::string_view utf8);

/// Width in px of `text` at `font_px`.
[[nodiscard]] double text_width(std::string_view text, double font_px);

/// The box of one line of text with its baseline at `y`, anchored at `x`
/// ("start", "middle" or "end").
[[nodiscard]] TextBox text_box(std::string_view text, double font_px, double x, double y,
                               std::string_view anchor);

/// Splits `text` at spaces into lines of at most `max` code points (a longer
/// word is cut).
[[nodiscard]] std::vector<std::string> wrap_words(std::string_view text, std::size_t max);

}  // namespace synack::viz
