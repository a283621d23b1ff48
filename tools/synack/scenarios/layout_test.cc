// SPDX-License-Identifier: Apache-2.0
// The ladder layout test: every scenario × 10 seeds, drawn as SVG and HTML
// (plain and --explain), and no two text boxes of the drawing intersect.
// The SVG is read back (every <text> and every state box <rect>) and each
// text measured with viz/svg_layout.hpp's metric, the one the renderer lays
// out with; the width is checked against the lanes' bound.
#include <gtest/gtest.h>

#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scenarios/scenario.hpp"
#include "viz/render.hpp"
#include "viz/svg_layout.hpp"

namespace synack::scenarios {
namespace {

struct Item {
  viz::TextBox box;
  std::string what;
};

double attr(const std::string& tag, const std::string& name, double fallback = 0) {
  const std::regex re(" " + name + "=\"([-0-9.]+)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? std::stod(m[1]) : fallback;
}

std::string sattr(const std::string& tag, const std::string& name, std::string fallback) {
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? std::string(m[1]) : fallback;
}

std::string unescape(std::string s) {
  const std::pair<const char*, const char*> map[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : map) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos;) {
      s.replace(at, std::strlen(from), to);
      at += std::strlen(to);
    }
  }
  return s;
}

double font_px(const std::string& cls) {
  if (cls == "note" || cls == "why" || cls == "time") return 11;
  if (cls == "hdr") return 14;
  if (cls == "title") return 15;
  if (cls == "x") return 18;
  return 12;
}

// Every text and state box of an SVG ladder. A state box's own text is
// inside its rect and counted as the rect.
std::vector<Item> boxes(const std::string& svg) {
  std::vector<Item> out;
  const std::regex rect_re(R"(<g class="state"[^>]*><rect ([^>]*)/>)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect_re);
       it != std::sregex_iterator(); ++it) {
    const std::string tag = " " + (*it)[1].str();
    const double x = attr(tag, "x"), y = attr(tag, "y");
    out.push_back({{x, y, x + attr(tag, "width"), y + attr(tag, "height")}, "state box"});
  }
  const std::regex text_re(R"(<text([^>]*)>(.*?)</text>)");
  const std::regex tags_re("<[^>]*>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text_re);
       it != std::sregex_iterator(); ++it) {
    const std::string tag = (*it)[1].str();
    const std::size_t at = static_cast<std::size_t>(it->position());
    // A state box's text follows its rect directly.
    if (at > 0 && svg[at - 1] == '>' && svg.compare(svg.rfind('<', at - 1), 5, "<rect") == 0) {
      continue;
    }
    const std::string text = unescape(std::regex_replace((*it)[2].str(), tags_re, ""));
    const std::string cls = sattr(tag, "class", "");
    out.push_back({viz::text_box(text, font_px(cls), attr(tag, "x"), attr(tag, "y"),
                                 sattr(tag, "text-anchor", "start")),
                   cls + " \"" + text + "\""});
  }
  return out;
}

void expect_no_overlap(const std::string& svg, const std::string& where) {
  ASSERT_EQ(svg.find("rotate("), std::string::npos) << where << ": labels are horizontal";
  const auto items = boxes(svg);
  ASSERT_GT(items.size(), 5u) << where;
  int reported = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (items[i].box.intersects(items[j].box) && reported++ < 5) {
        ADD_FAILURE() << where << ": " << items[i].what << " overlaps " << items[j].what;
      }
    }
  }
}

TEST(LayoutCheck, SeesTwoLabelsOnTopOfEachOther) {
  // What the old layout did for crossing segments: both labels at the middle.
  const std::string svg =
      R"(<svg><text class="lbl" x="450.0" y="200.0" text-anchor="middle">FIN ACK seq=1 ack=1</text>)"
      R"(<text class="lbl" x="452.0" y="204.0" text-anchor="middle">FIN ACK seq=1 ack=1</text>)"
      R"(<g class="state"><rect x="10" y="10" width="118" height="20" rx="4"/><text x="69" y="24">)"
      R"(CLOSED</text></g><text class="note" x="20" y="22">a note</text></svg>)";
  const auto items = boxes(svg);
  ASSERT_EQ(items.size(), 4u);  // the state box's own text is the box
  EXPECT_TRUE(items[1].box.intersects(items[2].box));
  EXPECT_TRUE(items[0].box.intersects(items[3].box));  // the note runs into the state box
}

class Layout : public testing::TestWithParam<std::string_view> {};

TEST_P(Layout, NoTwoTextBoxesIntersect) {
  const Scenario* s = find(GetParam());
  ASSERT_NE(s, nullptr);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Result r = s->run({.seed = seed});
    for (const auto& [explain, axis] :
         {std::pair{false, viz::TimeAxis::kEvent}, std::pair{true, viz::TimeAxis::kEvent},
          std::pair{true, viz::TimeAxis::kLinear}, std::pair{false, viz::TimeAxis::kLog}}) {
      if (axis != viz::TimeAxis::kEvent && seed > 3) continue;  // rows only move apart
      viz::RenderOptions o;
      o.explain = explain;
      o.time_axis = axis;
      const std::string where =
          fmt::format("{} seed {}{}{}", GetParam(), seed, explain ? " --explain" : "",
                      axis == viz::TimeAxis::kLinear ? " --time-axis linear"
                      : axis == viz::TimeAxis::kLog  ? " --time-axis log"
                                                     : "");
      const std::string svg = viz::render_svg(r.run, o);
      expect_no_overlap(svg, where + " svg");
      // The HTML page carries the same SVG inline.
      const std::string html = viz::render_html(r.run, o);
      const auto from = html.find("<svg"), to = html.find("</svg>");
      ASSERT_NE(from, std::string::npos);
      expect_no_overlap(html.substr(from, to - from), where + " html");
      // Width: the lanes plus, with --explain, a wrapped column (never the
      // length of the longest explanation).
      const double width = attr(svg.substr(0, svg.find('>')), "width");
      EXPECT_LE(width, 200 + 2 * 900 + 118 + 24 + 72 * 11 * 0.62 + 20) << where;
    }
  }
}

std::vector<std::string_view> names() {
  std::vector<std::string_view> out;
  for (const auto& s : all()) out.push_back(s.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Layout, testing::ValuesIn(names()),
                         [](const testing::TestParamInfo<std::string_view>& i) {
                           std::string n(i.param);
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

}  // namespace
}  // namespace synack::scenarios
