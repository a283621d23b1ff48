// SPDX-License-Identifier: Apache-2.0
// Transition coverage: every edge of state_diagram_edges() must be taken by the
// test suite. ctest runs each test in its own process, so this test drives
// every registered scenario itself and collects the edges from their trace
// sinks (test/test_dsl EdgeRecorder).
#include <fmt/core.h>

#include <vector>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

std::vector<StateEdge> missing_edges(const EdgeRecorder& r) {
  std::vector<StateEdge> missing;
  for (const StateEdge& e : state_diagram_edges()) {
    if (!r.seen(e.from, e.to)) missing.push_back(e);
  }
  return missing;
}

// RFC 9293 §3.10.2 SEND in LISTEN with the foreign socket specified turns a
// one-TCB passive OPEN active. LISTEN here is a socket-style tcp::Listener (as
// Linux and FreeBSD), which never sends: the edge is drawn, never taken.
bool not_implemented(const StateEdge& e) {
  return e.from == State::kListen && e.to == State::kSynSent;
}

TEST(StateDiagram, state_diagram_coverage) {
  ASSERT_GT(scenarios().size(), 20u);
  for (const Scenario& s : scenarios()) {
    SCOPED_TRACE(s.name);
    s.body();
  }
  for (const StateEdge& e : missing_edges(edge_recorder())) {
    if (not_implemented(e)) continue;
    ADD_FAILURE() << fmt::format("edge never exercised: {} -> {} ({} / {})", to_string(e.from),
                                 to_string(e.to), e.event, e.action);
  }
}

TEST(StateDiagram, CoverageCheckNamesMissingEdges) {
  EdgeRecorder empty;
  EXPECT_EQ(missing_edges(empty).size(), state_diagram_edges().size());
  EdgeRecorder one;
  one.record(State::kClosed, State::kSynSent);
  const auto missing = missing_edges(one);
  EXPECT_EQ(missing.size(), state_diagram_edges().size() - 1);
  for (const StateEdge& e : missing) {
    EXPECT_FALSE(e.from == State::kClosed && e.to == State::kSynSent);
  }
}

TEST(StateDiagram, EdgesAreUnique) {
  const auto edges = state_diagram_edges();
  for (std::size_t i = 0; i < edges.size(); ++i) {
    for (std::size_t j = i + 1; j < edges.size(); ++j) {
      EXPECT_FALSE(edges[i].from == edges[j].from && edges[i].to == edges[j].to)
          << to_string(edges[i].from) << " -> " << to_string(edges[i].to);
    }
  }
}

}  // namespace
}  // namespace synack::tcp::test
