// SPDX-License-Identifier: Apache-2.0
// Fuzz target drill_parser: the packetdrill script parser (drill/parser.hpp).
// Any text must parse or fail with drill::ParseError (a one-line message naming
// the line); no other exception, crash or out-of-bounds read. A script that
// parses once must parse again to the same number of events (determinism).
#include <cstdint>
#include <string_view>

#include "drill/parser.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto script = synack::drill::parse_script(text, "fuzz.pkt");
    const auto again = synack::drill::parse_script(text, "fuzz.pkt");
    FUZZ_CHECK(script.events.size() == again.events.size());
  } catch (const synack::drill::ParseError& e) {
    FUZZ_CHECK(e.line() >= 0);
    FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.pkt:"));
  }
  (void)synack::drill::parse_seconds(text.substr(0, 32));
  return 0;
}
