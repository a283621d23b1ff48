// SPDX-License-Identifier: Apache-2.0
#include "viz/text_canvas.hpp"

#include <array>
#include <utility>

namespace synack::viz {

namespace {

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid bytes).
std::size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 1;
}

template <typename F>
void for_each_code_point(std::string_view s, F&& f) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::min(utf8_len(static_cast<unsigned char>(s[i])), s.size() - i);
    f(s.substr(i, n));
    i += n;
  }
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kAscii{{
    {"─", "-"},
    {"▶", ">"},
    {"◀", "<"},
    {"✗", "x"},
    {"│", "|"},
    {"├", "|"},
    {"┤", "|"},
    {"╌", "."},
    {"·", "*"},
    {"→", "->"},
    {"↳", ">"},
    {"—", "--"},
    {"§", "S"},
    {"…", "..."},
    {"┆", ":"},
    {"═", "="},
    {"✓", "+"},
}};

std::string_view ansi(Style s) {
  switch (s) {
    case Style::kNone:
      return "";
    case Style::kDim:
      return "\x1b[2m";
    case Style::kBold:
      return "\x1b[1m";
    case Style::kState:
      return "\x1b[1;32m";
    case Style::kSyn:
      return "\x1b[36m";
    case Style::kFin:
      return "\x1b[35m";
    case Style::kRst:
      return "\x1b[31m";
    case Style::kDrop:
      return "\x1b[1;31m";
    case Style::kTag:
      return "\x1b[33m";
    case Style::kNote:
      return "\x1b[2;3m";
    case Style::kTitle:
      return "\x1b[1;4m";
  }
  return "";
}

}  // namespace

int text_width(std::string_view s) {
  int n = 0;
  for_each_code_point(s, [&n](std::string_view) { ++n; });
  return n;
}

std::string transliterate(std::string_view s, bool ascii) {
  if (!ascii) return std::string(s);
  std::string out;
  for_each_code_point(s, [&out](std::string_view cp) {
    if (cp.size() == 1 && static_cast<unsigned char>(cp[0]) < 0x80) {
      out += cp;
      return;
    }
    for (const auto& [from, to] : kAscii) {
      if (cp == from) {
        out += to;
        return;
      }
    }
    out += '?';
  });
  return out;
}

std::string clip(std::string_view s, int width, bool ascii) {
  if (text_width(s) <= width) return std::string(s);
  if (width <= 0) return {};
  std::string out;
  int n = 0;
  for_each_code_point(s, [&](std::string_view cp) {
    if (n < width - 1) out += cp;
    ++n;
  });
  return out + (ascii ? "." : "…");
}

Canvas::Canvas(int width) : cells_(static_cast<std::size_t>(std::max(width, 0))) {}

void Canvas::paint(int x, std::string_view text, Style style) {
  for_each_code_point(text, [&](std::string_view cp) {
    if (x >= 0 && x < static_cast<int>(cells_.size())) {
      cells_[static_cast<std::size_t>(x)] = Cell{std::string(cp), style};
    }
    ++x;
  });
}

std::string_view Canvas::at(int x) const {
  if (x < 0 || x >= static_cast<int>(cells_.size())) return {};
  return cells_[static_cast<std::size_t>(x)].glyph;
}

std::string Canvas::str(bool color) const {
  std::size_t end = cells_.size();
  while (end > 0 && cells_[end - 1].glyph == " ") --end;
  std::string out;
  Style current = Style::kNone;
  for (std::size_t i = 0; i < end; ++i) {
    const Cell& c = cells_[i];
    // Spaces inside a run of one style keep it; other spaces take no colour,
    // so styled text does not bleed into gaps.
    Style want = c.style;
    if (c.glyph == " ") {
      std::size_t j = i;
      while (j < end && cells_[j].glyph == " ") ++j;
      want = j < end && cells_[j].style == current ? current : Style::kNone;
    }
    if (color && want != current) {
      if (current != Style::kNone) out += "\x1b[0m";
      out += ansi(want);
      current = want;
    }
    out += c.glyph;
  }
  if (color && current != Style::kNone) out += "\x1b[0m";
  return out;
}

}  // namespace synack::viz
