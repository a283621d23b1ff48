// SPDX-License-Identifier: Apache-2.0
// The interactive HTML in headless Chromium (label: browser): the script runs
// to completion (data-rendered="true") and the page is not blank.
#include <gtest/gtest.h>

#include "viz/render.hpp"
#include "viz/test_runs.hpp"
#include "viz/tool_test_util.hpp"

namespace synack::viz {
namespace {

using testing::run_command;

// Reads a PNG with zlib only (no PIL) and prints "<width> <height> <distinct
// scanlines> <distinct bytes>". A blank, single-colour page has a handful of
// distinct (filtered) scanlines; a drawn page has hundreds. Un-filtering every
// pixel in pure Python would take tens of seconds, so the rows are compared
// as they are stored.
constexpr std::string_view kPngStats = R"(import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
channels = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
stride = 1 + w * channels * depth // 8
raw = zlib.decompress(idat)
assert len(raw) == stride * h, 'truncated image data'
rows = set(raw[i:i + stride] for i in range(0, len(raw), stride))
print(w, h, len(rows), len(set(raw)))
)";

std::string chromium_binary() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (testing::have_tool(name)) return name;
  }
  return {};
}

std::string chromium_command(const std::string& bin, const testing::TempDir& dir,
                             const std::string& profile) {
  return "timeout 60 " + bin +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --disable-dev-shm-usage --user-data-dir='" +
         (dir.path() / profile).string() + "'";
}

TEST(Browser, HtmlRendersInHeadlessChromium) {
  const std::string bin = chromium_binary();
  if (bin.empty()) GTEST_SKIP() << "chromium not installed (scripts/install-deps.sh adds it)";
  if (!testing::have_tool("python3")) GTEST_SKIP() << "python3 not installed";
  testing::TempDir dir("synack_viz_browser_");
  const std::string html = dir.write("run.html", render_html(testing::lost_third_ack(), {}));
  const std::string url = "file://" + html;

  // One load checks that the script finished and that stepping works:
  // "#step=7" opens the page at the 7th event, later ones dimmed.
  const auto dom =
      run_command(chromium_command(bin, dir, "p1") + " --dump-dom '" + url + "#step=7'");
  ASSERT_EQ(dom.status, 0) << dom.output;
  EXPECT_NE(dom.output.find("data-rendered=\"true\""), std::string::npos)
      << "the page script did not finish:\n"
      << dom.output.substr(0, 2000);
  EXPECT_NE(dom.output.find("SYN-RECEIVED → ESTABLISHED"), std::string::npos);  // timelines
  EXPECT_NE(dom.output.find("<span id=\"pos\">7 / 12</span>"), std::string::npos);
  EXPECT_NE(dom.output.find("class=\"seg ack dropped current\""), std::string::npos);
  EXPECT_NE(dom.output.find("class=\"seg syn future\""), std::string::npos);
  EXPECT_NE(dom.output.find("client: ESTABLISHED   server: SYN-RECEIVED"), std::string::npos);

  const std::string png = (dir.path() / "shot.png").string();
  const auto shot = run_command(chromium_command(bin, dir, "p2") + " --screenshot='" + png +
                                "' --window-size=1200,900 '" + url + "'");
  ASSERT_EQ(shot.status, 0) << shot.output;
  const std::string script = dir.write("png_stats.py", std::string(kPngStats));
  const auto stats = run_command("python3 '" + script + "' '" + png + "'");
  ASSERT_EQ(stats.status, 0) << stats.output;
  int w = 0, h = 0, rows = 0, bytes = 0;
  ASSERT_EQ(std::sscanf(stats.output.c_str(), "%d %d %d %d", &w, &h, &rows, &bytes), 4)
      << stats.output;
  EXPECT_EQ(w, 1200);
  EXPECT_EQ(h, 900);
  EXPECT_GT(rows, 100) << "the screenshot looks blank (" << rows << " distinct rows)";
  EXPECT_GT(bytes, 64) << "the screenshot looks blank (" << bytes << " distinct bytes)";
}

}  // namespace
}  // namespace synack::viz
