// SPDX-License-Identifier: Apache-2.0
// A one-row character canvas for the terminal ladder: cells of one code point
// each, painted with a style, printed with or without ANSI colour.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace synack::viz {

enum class Style : std::uint8_t {
  kNone,
  kDim,
  kBold,
  kState,
  kSyn,
  kFin,
  kRst,
  kDrop,
  kTag,
  kNote,
  kTitle,
};

/// Display width of UTF-8 text in cells (one per code point; all glyphs we
/// emit are single-width).
[[nodiscard]] int text_width(std::string_view s);

/// The text in pure ASCII when `ascii` (─ → -, ▶ → >, § → S, others → ?),
/// else unchanged.
[[nodiscard]] std::string transliterate(std::string_view s, bool ascii);

/// Cuts text to at most `width` cells, ending in "…" (or "..." in ASCII) if cut.
[[nodiscard]] std::string clip(std::string_view s, int width, bool ascii);

class Canvas {
 public:
  explicit Canvas(int width);
  /// Paints text (already transliterated) from column x; cells outside [0, width) are dropped.
  void paint(int x, std::string_view text, Style style);
  /// The glyph at x ("" outside).
  [[nodiscard]] std::string_view at(int x) const;
  /// The row, trailing spaces trimmed, with ANSI sequences if `color`.
  [[nodiscard]] std::string str(bool color) const;

 private:
  struct Cell {
    std::string glyph = " ";
    Style style = Style::kNone;
  };
  std::vector<Cell> cells_;
};

}  // namespace synack::viz
