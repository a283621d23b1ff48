// SPDX-License-Identifier: Apache-2.0
#include "viz/svg_layout.hpp"

namespace synack::viz {

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

double text_width(std::string_view text, double font_px) {
  return static_cast<double>(code_points(text)) * font_px * 0.62;
}

TextBox text_box(std::string_view text, double font_px, double x, double y,
                 std::string_view anchor) {
  const double w = text_width(text, font_px);
  const double left = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x;
  return {left, y - 0.8 * font_px, left + w, y + 0.25 * font_px};
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t max) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    std::string word(text.substr(at, end - at));
    at = end + 1;
    while (code_points(word) > max) {  // cut an overlong word at a code point
      if (!line.empty()) lines.push_back(std::move(line));
      line.clear();
      std::size_t cut = 0;
      for (std::size_t n = 0; cut < word.size(); ++cut) {
        if ((static_cast<unsigned char>(word[cut]) & 0xc0) != 0x80 && n++ == max) break;
      }
      lines.push_back(word.substr(0, cut));
      word = word.substr(cut);
    }
    if (line.empty()) {
      line = word;
    } else if (code_points(line) + 1 + code_points(word) <= max) {
      line += ' ' + word;
    } else {
      lines.push_back(std::move(line));
      line = word;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace synack::viz
