// The interactive HTML in headless Chromium (label: browser): the script runs
// to completion (data-rendered="true") and the page is not blank.
#include <gtest/gtest.h>

#include "viz/render.hpp"
#include "viz/test_runs.hpp"
#include "viz/tool_test_util.hpp"

namespace synack::viz {
namespace {

using testing::run_command;

// Decodes an 8-bit RGB/RGBA PNG with zlib only (no PIL) and prints
// "<width> <height> <distinct colours>".
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
assert depth == 8 and ctype in (2, 6), 'unsupported PNG type'
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
i = 0
for y in range(h):
    f = raw[i]; i += 1
    line = bytearray(raw[i:i + stride]); i += stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 2):
            colours.add(bytes(line[x:x + 3]))
    prev = line
print(w, h, len(colours))
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

  const auto dom = run_command(chromium_command(bin, dir, "p1") + " --dump-dom '" + url + "'");
  ASSERT_EQ(dom.status, 0) << dom.output;
  EXPECT_NE(dom.output.find("data-rendered=\"true\""), std::string::npos)
      << "the page script did not finish:\n"
      << dom.output.substr(0, 2000);
  // The script built both state timelines.
  EXPECT_NE(dom.output.find("SYN-RECEIVED → ESTABLISHED"), std::string::npos);

  const std::string png = (dir.path() / "shot.png").string();
  const auto shot = run_command(chromium_command(bin, dir, "p2") + " --screenshot='" + png +
                                "' --window-size=1200,900 '" + url + "'");
  ASSERT_EQ(shot.status, 0) << shot.output;
  const std::string script = dir.write("png_stats.py", std::string(kPngStats));
  const auto stats = run_command("python3 '" + script + "' '" + png + "'");
  ASSERT_EQ(stats.status, 0) << stats.output;
  int w = 0, h = 0, colours = 0;
  ASSERT_EQ(std::sscanf(stats.output.c_str(), "%d %d %d", &w, &h, &colours), 3) << stats.output;
  EXPECT_EQ(w, 1200);
  EXPECT_EQ(h, 900);
  EXPECT_GT(colours, 20) << "the screenshot looks blank (" << colours << " colours)";
}

}  // namespace
}  // namespace synack::viz
