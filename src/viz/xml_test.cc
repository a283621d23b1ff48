// SPDX-License-Identifier: Apache-2.0
// SVG and HTML output is well-formed XML, checked by xmllint (label: tools).
#include <gtest/gtest.h>

#include <sstream>

#include "viz/render.hpp"
#include "viz/test_runs.hpp"
#include "viz/tool_test_util.hpp"

namespace synack::viz {
namespace {

using testing::run_command;

// A run whose text needs escaping everywhere.
viz::Run nasty_run() {
  using namespace std::chrono_literals;
  RunBuilder b("<b>\"Tom & Jerry's\"</b> ]]> run", "nasty&<>");
  b.description("a & b < c > d \" e ' f ]]> \x01 control");
  auto c = b.endpoint("c<l>i&ent", "10.0.0.1", 1, 0, tcp::State::kClosed);
  auto s = b.endpoint("s\"erver'", "10.0.0.2", 2, 0, tcp::State::kListen);
  b.note(at(0ms), c, "</script><script>alert(1)</script> & ]]>");
  b.state(at(0ms), c, tcp::State::kClosed, tcp::State::kSynSent, "a<b & c>d", "RFC \"9293\"");
  TcpFields f{.flags = {TcpFlags::kSyn},
              .seq = 0,
              .ack = 0,
              .len = 0,
              .window = 1,
              .options = {},
              .options_text = "x<y>&z"};
  b.drop(at(0ms), c, s, f, "<drop> & \"why\"");
  return b.build();
}

void expect_xmllint_ok(const std::string& file) {
  const auto r = run_command("xmllint --noout '" + file + "'");
  EXPECT_EQ(r.status, 0) << file << ":\n" << r.output;
  EXPECT_EQ(r.output, "") << file;
}

// libxml2's HTML parser is HTML 4: it reports every HTML5/SVG element as
// "Tag <name> invalid". Anything else it reports is a real error.
void expect_html_ok(const std::string& file) {
  const auto r = run_command("xmllint --html --noout '" + file + "'");
  EXPECT_EQ(r.status, 0) << file << ":\n" << r.output;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto at = line.find("HTML parser error : ");
    if (at == std::string::npos) continue;
    const std::string msg = line.substr(at + 20);
    EXPECT_TRUE(msg.starts_with("Tag ") && msg.ends_with(" invalid")) << file << ": " << line;
  }
}

TEST(XmlWellFormed, SvgAndHtmlPassXmllint) {
  if (!testing::have_tool("xmllint")) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  testing::TempDir dir("synack_viz_xml_");
  auto runs = testing::all_runs();
  runs.push_back({"nasty", nasty_run()});
  for (const auto& [name, run] : runs) {
    for (bool explain : {false, true}) {
      const RenderOptions opt{.explain = explain};
      const auto svg = dir.write(name + ".svg", render_svg(run, opt));
      const auto html = dir.write(name + ".html", render_html(run, opt));
      expect_xmllint_ok(svg);
      expect_xmllint_ok(html);  // XHTML: well-formed XML
      expect_html_ok(html);     // and acceptable HTML
    }
  }
}

TEST(XmlWellFormed, HtmlIsSelfContained) {
  const std::string html = render_html(testing::lost_third_ack(), {});
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org"));  // only namespaces
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("document.body.dataset.rendered = \"true\""), std::string::npos);
  // The nasty run's script-looking note cannot close the data block.
  const std::string nasty = render_html(nasty_run(), {});
  EXPECT_EQ(nasty.find("</script><script>alert"), std::string::npos);
}

}  // namespace
}  // namespace synack::viz
