// SPDX-License-Identifier: Apache-2.0
// Every scenario runs, tells its story (its own checks pass), is reproducible,
// and draws exactly as the goldens in tests/golden/scenarios/ say
// (SYNACK_UPDATE_GOLDEN=1 rewrites them after review).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "scenarios/scenario.hpp"
#include "viz/golden_test_util.hpp"
#include "viz/render.hpp"
#include "viz/run_json.hpp"

namespace synack::scenarios {
namespace {

void expect_golden(const std::string& name, const std::string& actual) {
  viz::testing::expect_golden_file(std::filesystem::path("tests/golden/scenarios") / name, actual);
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, TellsItsStory) {
  const Scenario* s = find(GetParam());
  ASSERT_NE(s, nullptr);
  std::printf("scenario %s seed 1\n", GetParam().c_str());
  const Result r = s->run({});
  EXPECT_FALSE(r.checks.empty()) << "a scenario must assert its story";
  EXPECT_TRUE(r.passed()) << r.failures();
  EXPECT_GE(r.run.packet_count(), 1u);
  EXPECT_FALSE(r.capture.empty());
}

TEST_P(EveryScenario, IsReproducible) {
  const Scenario* s = find(GetParam());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(viz::run_to_json(s->run({.seed = 1}).run), viz::run_to_json(s->run({.seed = 1}).run));
}

TEST_P(EveryScenario, MatchesGoldens) {
  const Scenario* s = find(GetParam());
  ASSERT_NE(s, nullptr);
  const Result r = s->run({});
  viz::RenderOptions text{.width = 100, .color = false, .ascii = true};
  expect_golden(GetParam() + ".txt", viz::render_text(r.run, text));
  expect_golden(GetParam() + ".mmd", viz::render_mermaid(r.run, {}));
  expect_golden(GetParam() + ".svg", viz::render_svg(r.run, {}));
  expect_golden(GetParam() + ".json", viz::run_to_json(r.run));
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& s : all()) out.emplace_back(s.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryScenario, ::testing::ValuesIn(names()), [](const auto& p) {
  std::string n = p.param;
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
});

TEST(ScenarioRegistry, HandshakeIsFirstAndNamesAreUnique) {
  ASSERT_FALSE(all().empty());
  EXPECT_EQ(all().front().name, "handshake");
  for (std::size_t i = 0; i < all().size(); ++i) {
    for (std::size_t j = i + 1; j < all().size(); ++j) EXPECT_NE(all()[i].name, all()[j].name);
  }
  EXPECT_EQ(find("no-such-scenario"), nullptr);
}

}  // namespace
}  // namespace synack::scenarios
