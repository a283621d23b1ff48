// SPDX-License-Identifier: Apache-2.0
#include "drill/expected_failures.hpp"

#include <gtest/gtest.h>

namespace synack::drill {
namespace {

TEST(ExpectedFailures, ParsesPathsReasonsAndComments) {
  const auto list =
      parse_expected_failures("# comment\n\nsnippets/a.pkt   FIN resent on every ACK\nb/c.pkt\n");
  ASSERT_TRUE(list.has_value()) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].path, "snippets/a.pkt");
  EXPECT_EQ((*list)[0].reason, "FIN resent on every ACK");
  EXPECT_EQ((*list)[1].reason, "");
}

TEST(ExpectedFailures, RejectsNonScriptsAndDuplicates) {
  EXPECT_FALSE(parse_expected_failures("not-a-script reason\n").has_value());
  const auto dup = parse_expected_failures("a.pkt x\na.pkt y\n");
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().find("line 2"), std::string::npos);
}

TEST(ExpectedFailures, MatchesBySuffixOnAPathBoundary) {
  EXPECT_TRUE(names_script("snippets/a.pkt", "../shared/freebsd/snippets/a.pkt"));
  EXPECT_TRUE(names_script("snippets/a.pkt", "snippets/a.pkt"));
  EXPECT_FALSE(names_script("snippets/a.pkt", "../x/mysnippets/a.pkt"));
  EXPECT_FALSE(names_script("a.pkt", "ba.pkt"));
}

TEST(ExpectedFailures, VerdictShrinksTheList) {
  const auto list = *parse_expected_failures("d/fails.pkt r\nd/fixed.pkt r\nd/skips.pkt r\n");
  const std::vector<std::string> scripts{"c/d/fails.pkt", "c/d/fixed.pkt", "c/d/skips.pkt",
                                         "c/d/new-failure.pkt", "c/d/ok.pkt"};
  const std::vector<Outcome> outcomes{Outcome::kFail, Outcome::kPass, Outcome::kSkip,
                                      Outcome::kFail, Outcome::kPass};
  const auto c = check_expectations(list, scripts, outcomes);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.still_failing, 2u);
  EXPECT_EQ(c.unexpected_passes, std::vector<std::string>{"c/d/fixed.pkt"});
  EXPECT_EQ(c.unexpected_failures, std::vector<std::string>{"c/d/new-failure.pkt"});
  EXPECT_TRUE(c.unmatched.empty());

  const auto stale = check_expectations(*parse_expected_failures("gone.pkt r\n"), {}, {});
  EXPECT_EQ(stale.unmatched, std::vector<std::string>{"gone.pkt"});

  const auto good = check_expectations(list, {"c/d/fails.pkt", "c/d/fixed.pkt", "c/d/skips.pkt"},
                                       {Outcome::kFail, Outcome::kFail, Outcome::kSkip});
  EXPECT_TRUE(good.ok());
}

}  // namespace
}  // namespace synack::drill
