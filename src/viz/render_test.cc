// SPDX-License-Identifier: Apache-2.0
// Golden outputs of every renderer for the hand-made runs, plus properties
// that hold for any run (ASCII purity, width, colour only on request).
#include "viz/render.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "viz/golden_test_util.hpp"
#include "viz/run_json.hpp"
#include "viz/test_runs.hpp"
#include "viz/text_canvas.hpp"

namespace synack::viz {
namespace {

using testing::all_runs;
using testing::expect_golden;

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto j = s.find('\n', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// --time-axis: rows move apart by the time between them, never together.
TEST(RenderTimeAxis, GapsGrowWithTime) {
  EXPECT_EQ(time_gap_rows(TimeAxis::kEvent, seconds(1)), 0);
  EXPECT_DOUBLE_EQ(time_gap_rows(TimeAxis::kLinear, seconds(1)), 10);
  EXPECT_DOUBLE_EQ(time_gap_rows(TimeAxis::kLinear, seconds(60)), 25) << "cut at 2.5 s";
  EXPECT_NEAR(time_gap_rows(TimeAxis::kLog, seconds(1)), 2.0, 0.01);
  EXPECT_EQ(time_gap_rows(TimeAxis::kLog, Duration{}), 0);
  const viz::Run run = testing::lost_third_ack();
  auto lines = [&](TimeAxis a) {
    const std::string t = render_text(run, {.time_axis = a});
    return std::ranges::count(t, '\n');
  };
  EXPECT_GT(lines(TimeAxis::kLinear), lines(TimeAxis::kLog));
  EXPECT_GT(lines(TimeAxis::kLog), lines(TimeAxis::kEvent));
  auto height = [&](TimeAxis a) {
    const std::string svg = render_svg(run, {.time_axis = a});
    const auto at = svg.find("height=\"") + 8;
    return std::stoi(svg.substr(at, svg.find('"', at) - at));
  };
  EXPECT_GT(height(TimeAxis::kLinear), height(TimeAxis::kLog));
  EXPECT_GT(height(TimeAxis::kLog), height(TimeAxis::kEvent));
}

TEST(RenderGolden, TextUnicode) {
  for (const auto& [name, run] : all_runs()) {
    expect_golden(name + ".txt", render_text(run, {.width = 100}));
  }
}

TEST(RenderGolden, TextAscii) {
  for (const auto& [name, run] : all_runs()) {
    expect_golden(name + ".ascii.txt", render_text(run, {.width = 80, .ascii = true}));
  }
}

TEST(RenderGolden, TextExplainAndAbsolute) {
  const viz::Run r = testing::lost_third_ack();
  expect_golden("lost-third-ack.explain.txt", render_text(r, {.width = 110, .explain = true}));
  expect_golden("lost-third-ack.absolute.txt", render_text(r, {.width = 100, .absolute = true}));
}

TEST(RenderGolden, Mermaid) {
  for (const auto& [name, run] : all_runs()) {
    expect_golden(name + ".mmd", render_mermaid(run, {}));
  }
}

TEST(RenderGolden, Svg) {
  for (const auto& [name, run] : all_runs()) expect_golden(name + ".svg", render_svg(run, {}));
}

TEST(RenderGolden, Json) {
  for (const auto& [name, run] : all_runs()) expect_golden(name + ".json", run_to_json(run));
}

// No DOT golden: the edge list belongs to the engine (tcp::state_diagram_edges)
// and may grow; instead every edge must appear exactly once.
TEST(RenderDot, EveryDiagramEdgeAppearsOnce) {
  const std::string d = render_dot(testing::handshake_data_close(), {});
  EXPECT_TRUE(d.starts_with("digraph tcp_states {\n"));
  EXPECT_TRUE(d.ends_with("}\n"));
  for (const auto& e : tcp::state_diagram_edges()) {
    const std::string edge =
        "\"" + std::string(to_string(e.from)) + "\" -> \"" + std::string(to_string(e.to)) + "\"";
    const auto first = d.find(edge);
    EXPECT_NE(first, std::string::npos) << edge;
  }
  std::size_t red = 0;
  for (auto at = d.find("color=red, fontcolor=red"); at != std::string::npos;
       at = d.find("color=red, fontcolor=red", at + 1)) {
    ++red;
  }
  EXPECT_EQ(red, 11u);  // 6 client + 5 server transitions, all in the diagram
}

TEST(RenderText, AsciiModeIsPureAscii) {
  for (const auto& [name, run] : all_runs()) {
    const std::string s = render_text(run, {.width = 80, .ascii = true, .explain = true});
    for (char c : s) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << name;
  }
}

TEST(RenderText, NoLineWiderThanTheWidth) {
  for (int width : {60, 80, 100, 140}) {
    for (const auto& [name, run] : all_runs()) {
      for (bool ascii : {false, true}) {
        const std::string s = render_text(run, {.width = width, .ascii = ascii, .explain = true});
        for (const auto& l : lines(s)) {
          EXPECT_LE(text_width(l), width) << name << " width " << width << ": " << l;
        }
      }
    }
  }
}

TEST(RenderText, ColourOnlyWhenAsked) {
  const viz::Run r = testing::lost_third_ack();
  EXPECT_EQ(render_text(r, {}).find('\x1b'), std::string::npos);
  const std::string coloured = render_text(r, {.color = true});
  EXPECT_NE(coloured.find("\x1b[1;32mSYN-SENT"), std::string::npos);  // states in green
  EXPECT_NE(coloured.find("\x1b[1;31m"), std::string::npos);          // the drop in red
}

TEST(RenderText, LadderShowsStatesArrowsDropsAndTags) {
  const std::string s = render_text(testing::lost_third_ack(), {.width = 100});
  EXPECT_NE(s.find("SYN seq=0 win=65535 <mss 1460 ws 7 sackOK> ─────▶│"), std::string::npos);
  EXPECT_NE(s.find("│◀───────────"), std::string::npos);
  EXPECT_NE(s.find("──✗ scripted drop"), std::string::npos);
  EXPECT_NE(s.find("[TCP Retransmission]"), std::string::npos);
  EXPECT_NE(s.find("[TCP Dup ACK 3#1]"), std::string::npos);
  EXPECT_NE(s.find("SYN-RECEIVED"), std::string::npos);
}

TEST(RenderText, CrossingSegmentsMarkTheirArrival) {
  const std::string s = render_text(testing::simultaneous_close(), {.width = 100});
  EXPECT_NE(s.find("#1 arrives ╌╌▶│ CLOSING"), std::string::npos) << s;
  EXPECT_NE(s.find("│◀╌╌ #2 arrives"), std::string::npos) << s;
  // Non-crossing runs have no arrival marks.
  EXPECT_EQ(render_text(testing::handshake_data_close(), {}).find("arrives"), std::string::npos);
}

TEST(RenderText, ExplainGivesCauseAndRfc) {
  const std::string s =
      render_text(testing::handshake_data_close(), {.width = 140, .explain = true});
  EXPECT_NE(s.find("↳ LISTEN → SYN-RECEIVED: rcv SYN: snd SYN,ACK — RFC 9293 §3.10.7.2"),
            std::string::npos)
      << s;
}

TEST(RenderText, ThreeEndpointsAndOddInput) {
  RunBuilder b("three", "three");
  using namespace std::chrono_literals;
  auto a = b.endpoint("attacker", "10.0.0.9", 6666);
  auto c = b.endpoint("client", "10.0.0.1", 40000);
  auto s = b.endpoint("server", "10.0.0.2", 80, std::nullopt, tcp::State::kListen);
  b.send(at(0ms), a, s,
         {.flags = {TcpFlags::kSyn},
          .seq = 1,
          .ack = 0,
          .len = 0,
          .window = 0,
          .options = {},
          .options_text = {}},
         at(5ms));
  b.send(at(1ms), s, c, {}, at(6ms));                    // no flags at all
  b.note(at(2ms), std::nullopt, std::string(300, 'x'));  // an overlong note wraps/clips
  b.state(at(3ms), c, tcp::State::kClosed, tcp::State::kClosed, "");
  const viz::Run r = b.build();
  for (bool ascii : {false, true}) {
    const std::string t = render_text(r, {.width = 80, .ascii = ascii});
    EXPECT_NE(t.find("attacker"), std::string::npos);
    EXPECT_NE(t.find("none seq="), std::string::npos);
    for (const auto& l : lines(t)) EXPECT_LE(text_width(l), 80) << l;
  }
  EXPECT_NE(render_mermaid(r, {}).find("participant attacker"), std::string::npos);
  EXPECT_NE(render_svg(r, {}).find("attacker"), std::string::npos);
}

TEST(RenderMermaid, DroppedSegmentsUseCrossArrows) {
  const std::string m = render_mermaid(testing::lost_third_ack(), {});
  EXPECT_NE(m.find("client-xserver: 50.000: ACK seq=1 ack=1 win=64256 (dropped: scripted drop)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("client->>server: 0.000: SYN seq=0 win=65535 #lt;mss 1460 ws 7 sackOK#gt;"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Note over server: SYN-RECEIVED"), std::string::npos);
}

TEST(RenderDot, HighlightsTheEdgesTaken) {
  const std::string d = render_dot(testing::simultaneous_close(), {});
  EXPECT_NE(d.find("\"FIN-WAIT-1\" -> \"CLOSING\" [label=\"rcv FIN\\nsnd ACK\\n[client, server]\", "
                   "color=red"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("\"LISTEN\" -> \"SYN-RECEIVED\" [label=\"rcv SYN\\nsnd SYN,ACK\"];"),
            std::string::npos);
}

TEST(RenderDot, TransitionsOutsideTheDiagramAreShownDashed) {
  RunBuilder b("odd", "odd");
  auto c = b.endpoint("client", "a", 1);
  b.endpoint("server", "b", 2);
  b.state(at(Duration{}), c, tcp::State::kCloseWait, tcp::State::kTimeWait, "impossible");
  const std::string d = render_dot(b.build(), {});
  EXPECT_NE(d.find("\"CLOSE-WAIT\" -> \"TIME-WAIT\" [label=\"not in the RFC diagram\\n[client]\""),
            std::string::npos)
      << d;
}

TEST(Render, FormatNames) {
  EXPECT_EQ(format_from_string("svg"), Format::kSvg);
  EXPECT_EQ(format_from_string("dot"), Format::kDot);
  EXPECT_EQ(format_from_string("png"), std::nullopt);
  const viz::Run r = testing::simultaneous_close();
  EXPECT_EQ(render(Format::kJson, r, {}), run_to_json(r));
  EXPECT_EQ(render(Format::kText, r, {}), render_text(r, {}));
}

}  // namespace
}  // namespace synack::viz
