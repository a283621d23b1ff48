// SPDX-License-Identifier: Apache-2.0
// The runner against the mirror target over the whole corpus: every IPv4
// script must PASS when the "stack" does exactly what the script says, and
// every injected packet must carry the mapped numbers (ISN-shifted ack, TS
// ecr = the TS val really sent). IPv6 scripts must SKIP with "ipv6".
#include <gtest/gtest.h>

#include <filesystem>

#include "drill/corpus.hpp"
#include "drill/executor.hpp"
#include "drill/mirror_target.hpp"
#include "drill/parser.hpp"

namespace synack::drill {
namespace {

TEST(Corpus, EveryScriptPassesAgainstAConformingMirror) {
  const std::filesystem::path dir = kFreeBsdCorpus;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "vendored corpus missing: " << dir;
  int passed = 0, skipped = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".pkt") continue;
    const auto script = parse_file(entry.path());
    ASSERT_TRUE(script.has_value()) << script.error();
    const RunOptions options;
    testing::MirrorTarget mirror(*script, options);
    const auto r = run_script(*script, mirror, options);
    if (script->ip_version == IpVersion::kIpv6) {
      EXPECT_EQ(r.outcome, Outcome::kSkip) << entry.path();
      EXPECT_EQ(r.message, "ipv6");
      ++skipped;
      continue;
    }
    EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
    for (const auto& e : mirror.inbound_errors) ADD_FAILURE() << entry.path() << ": " << e;
    if (r.outcome == Outcome::kPass) ++passed;
  }
  EXPECT_EQ(passed, 316);
  EXPECT_EQ(skipped, 214);
}

}  // namespace
}  // namespace synack::drill
