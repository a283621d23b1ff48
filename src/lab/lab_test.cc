// SPDX-License-Identifier: Apache-2.0
// The lab without a browser: every URL parameter validated, a re-run with a
// dropped segment, MSL changing TIME-WAIT, the HTTP routes (and one real
// round trip over a socket).
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "lab/params.hpp"
#include "lab/server.hpp"
#include "lab/session.hpp"

namespace synack::lab {
namespace {

using State = tcp::State;

std::string error_of(const Query& q) {
  const auto p = parse_params(q);
  return p ? std::string("(accepted)") : p.error();
}

TEST(LabParams, DefaultsAreTheScenarioAsTheNotesTellIt) {
  const auto p = parse_params({});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(*p, Params{});
  EXPECT_EQ(p->to_query(), "scenario=handshake");
}

TEST(LabParams, CanonicalQueryRoundTrips) {
  const Query q = {{"scenario", "lost-third-ack"},
                   {"scripted", "0"},
                   {"rtt", "80ms"},
                   {"loss", "5%"},
                   {"msl", "5s"},
                   {"seed", "7"},
                   {"fault", "drop:3"},
                   {"fault", "delay:4:0.5s"},
                   {"fault", "dup:1:2s"}};
  const auto p = parse_params(q);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->to_query(),
            "scenario=lost-third-ack&seed=7&scripted=0&rtt=80ms&loss=0.05&msl=5s"
            "&fault=drop:3&fault=delay:4:500ms&fault=dup:1:2s");
  Query again;
  const std::string text = p->to_query();
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    again.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
  }
  EXPECT_EQ(parse_params(again).value(), *p);
}

TEST(LabParams, EveryBadValueIsNamed) {
  EXPECT_EQ(error_of({{"foo", "1"}}),
            "foo=\"1\": unknown parameter (known: scenario, seed, scripted, rtt, loss, msl, close, "
            "axis, fault)");
  EXPECT_TRUE(
      error_of({{"rtt", "5x"}})
          .starts_with("rtt=\"5x\": expected a duration such as 50ms or 1.5s (unknown unit"))
      << error_of({{"rtt", "5x"}});
  EXPECT_EQ(error_of({{"rtt", "0ms"}}), "rtt=\"0ms\": expected 1ms to 10s");
  EXPECT_EQ(error_of({{"rtt", "20s"}}), "rtt=\"20s\": expected 1ms to 10s");
  EXPECT_EQ(error_of({{"msl", "1ms"}}), "msl=\"1ms\": expected 100ms to 300s");
  EXPECT_EQ(error_of({{"loss", "80%"}}),
            "loss=\"80%\": expected a loss rate from 0 to 50% (e.g. 5% or 0.05)");
  EXPECT_EQ(error_of({{"seed", "0"}}),
            "seed=\"0\": expected a whole number from 1 to 9223372036854775807");
  EXPECT_EQ(error_of({{"seed", "-3"}}).substr(0, 33), "seed=\"-3\": expected a whole numbe");
  EXPECT_EQ(error_of({{"scripted", "yes"}}), "scripted=\"yes\": expected 0 or 1");
  EXPECT_EQ(error_of({{"scenario", "<script>"}}),
            "scenario=\"<script>\": expected a scenario name such as lost-third-ack");
  EXPECT_EQ(error_of({{"rtt", "10ms"}, {"rtt", "20ms"}}), "rtt is given more than once");
  EXPECT_NE(error_of({{"fault", "drop"}}).find("expected drop:N"), std::string::npos);
  EXPECT_NE(error_of({{"fault", "drop:0"}}).find("segment number \"0\""), std::string::npos);
  EXPECT_NE(error_of({{"fault", "explode:3"}}).find("unknown action \"explode\""),
            std::string::npos);
  EXPECT_NE(error_of({{"fault", "delay:3"}}).find("expected drop:N"), std::string::npos);
  EXPECT_NE(error_of({{"fault", "drop:3:5ms"}}).find("expected drop:N"), std::string::npos);
  EXPECT_NE(error_of({{"fault", "delay:3:90s"}}).find("expected 1ms to 60s"), std::string::npos);
  Query many(kMaxFaults + 1, {"fault", "drop:1"});
  EXPECT_NE(error_of(many).find("at most 16 faults"), std::string::npos);
}

TEST(LabRun, UnknownScenarioAndSegmentBeyondTheRun) {
  Params p;
  p.scenario = "no-such-thing";
  EXPECT_EQ(run(p).error(), "unknown scenario \"no-such-thing\" (pick one from the list)");
  p.scenario = "handshake";
  p.faults = {{FaultKind::kDrop, 400, {}}};
  const auto r = run(p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("fault 1 (drop:400): the run has only"), std::string::npos) << r.error();
}

std::vector<const viz::PacketEvent*> packets(const viz::Run& run) {
  std::vector<const viz::PacketEvent*> out;
  for (const auto& ev : run.events) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) out.push_back(p);
  }
  return out;
}

std::vector<const viz::StateEvent*> states(const viz::Run& run, viz::EndpointId e) {
  std::vector<const viz::StateEvent*> out;
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev); s && s->endpoint == e) out.push_back(s);
  }
  return out;
}

// lost-third-ack without its scripted drops: the client's data at 1.5 s comes
// after the SYN-ACK's RTO (1 s). Dropping the third ACK by hand brings the
// scenario's story back: the SYN-ACK is retransmitted and the server waits in
// SYN-RECEIVED until an ACK arrives.
TEST(LabRun, DroppingTheThirdAckRetransmitsTheSynAck) {
  Params p;
  p.scenario = "lost-third-ack";
  p.scripted = false;
  const auto clean = run(p);
  ASSERT_TRUE(clean) << clean.error();
  const auto cp = packets(clean->what_if.run);
  ASSERT_GE(cp.size(), 3u);
  EXPECT_EQ(cp[2]->from, 0u);
  EXPECT_EQ(cp[2]->tcp.flags.bits, TcpFlags::kAck) << "segment #3 is the handshake's ACK";
  EXPECT_FALSE(clean->diff.changed.empty()) << "the scenario's own run drops ACKs";

  p.faults = {{FaultKind::kDrop, 3, {}}};
  const auto r = run(p);
  ASSERT_TRUE(r) << r.error();
  const viz::Run& run = r->what_if.run;
  std::vector<const viz::PacketEvent*> synacks;
  for (const auto* pk : packets(run)) {
    if (pk->from == 1 && pk->tcp.flags.bits == (TcpFlags::kSyn | TcpFlags::kAck)) {
      synacks.push_back(pk);
    }
  }
  ASSERT_EQ(synacks.size(), 2u);
  EXPECT_EQ(synacks[1]->sent - synacks[0]->sent, seconds(1)) << "RTO 1 s (RFC 6298 (2.1))";
  EXPECT_EQ(packets(run)[2]->fate, viz::Fate::kDropped);
  EXPECT_EQ(packets(run)[2]->reason, "by you (drop:3)");
  const auto server = states(run, 1);
  ASSERT_GE(server.size(), 2u);
  EXPECT_EQ(server[0]->to, State::kSynReceived);
  EXPECT_EQ(server[1]->from, State::kSynReceived);
  EXPECT_EQ(server[1]->to, State::kEstablished);
  bool ack_arrived_then = false;
  for (const auto* pk : packets(run)) {
    if (pk->from == 0 && pk->tcp.flags.ack() && pk->arrived && *pk->arrived == server[1]->time) {
      ack_arrived_then = true;
    }
    if (pk->from == 0 && pk->tcp.flags.ack() && pk->arrived) {
      EXPECT_GE(*pk->arrived, server[1]->time) << "an ACK arrived while still SYN-RECEIVED";
    }
  }
  EXPECT_TRUE(ack_arrived_then) << "ESTABLISHED when the client's ACK arrives";
  EXPECT_GT(server[1]->time, synacks[1]->sent);
  EXPECT_FALSE(r->diff.changed.empty());
  // The same run from the canonical URL.
  EXPECT_EQ(r->params.to_query(), "scenario=lost-third-ack&scripted=0&fault=drop:3");
}

Duration time_wait(const viz::Run& run, viz::EndpointId e) {
  Instant in = kNever;
  for (const auto* s : states(run, e)) {
    if (s->to == State::kTimeWait) in = s->time;
    if (s->from == State::kTimeWait) return s->time - in;
  }
  return Duration{-1};
}

TEST(LabRun, MslSetsTheTimeWaitDuration) {
  Params p;
  const auto base = run(p);
  ASSERT_TRUE(base) << base.error();
  EXPECT_EQ(time_wait(base->what_if.run, 0), seconds(60));
  EXPECT_TRUE(base->diff.changed.empty());
  EXPECT_EQ(base->diff.summary, "same run as the scenario's own");
  p.msl = seconds(5);
  const auto r = run(p);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(time_wait(r->what_if.run, 0), seconds(10));
  EXPECT_TRUE(r->what_if.passed()) << r->what_if.failures();
  EXPECT_EQ(r->diff.changed.size(), 1u) << "only TIME-WAIT -> CLOSED moved";
}

TEST(LabRun, TheServerClosesFirst) {
  Params p;
  p.close = scenarios::CloseFirst::kServer;
  const auto r = run(p);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->what_if.passed()) << r->what_if.failures();
  EXPECT_EQ(time_wait(r->what_if.run, 1), seconds(60)) << "the server waits 2MSL";
  EXPECT_EQ(time_wait(r->what_if.run, 0), Duration{-1}) << "the client never enters TIME-WAIT";
  EXPECT_EQ(r->params.to_query(), "scenario=handshake&close=server");
  p.close = scenarios::CloseFirst::kClient;
  EXPECT_TRUE(run(p).value().diff.changed.empty()) << "client first is the handshake as told";
  p.scenario = "lost-syn";
  EXPECT_EQ(run(p).error(),
            "close: the lost-syn scenario closes its own way; the close order can be changed in "
            "handshake");
  EXPECT_EQ(error_of({{"close", "both"}}), "close=\"both\": expected client or server");
  EXPECT_EQ(error_of({{"axis", "time"}}), "axis=\"time\": expected event, linear or log");
}

TEST(LabRun, DelayAndDuplicateResolveInTheRunTheyWereClickedIn) {
  Params p;
  p.faults = {{FaultKind::kDelay, 1, milliseconds(300)}, {FaultKind::kDup, 2, seconds(2)}};
  const auto r = run(p);
  ASSERT_TRUE(r) << r.error();
  const auto ps = packets(r->what_if.run);
  ASSERT_GE(ps.size(), 2u);
  EXPECT_EQ(*ps[0]->arrived - ps[0]->sent, milliseconds(325));
  EXPECT_EQ(ps[0]->reason, "delayed 300 ms in the network (you: delay:1:300ms)");
  std::size_t copies = 0;
  for (const auto* pk : ps) copies += pk->fate == viz::Fate::kDuplicated;
  EXPECT_EQ(copies, 1u);
}

TEST(LabHttp, RoutesAndErrors) {
  const Response page = handle("/", {});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("synack lab"), std::string::npos);
  EXPECT_EQ(handle("/lab.js", {}).status, 200);
  EXPECT_EQ(handle("/lab.css", {}).status, 200);
  EXPECT_EQ(handle("/nope", {}).status, 404);
  const Response api404 = handle("/api/nope", {});
  EXPECT_EQ(api404.status, 404);
  EXPECT_EQ(nlohmann::json::parse(api404.body)["error"], "no such API: /api/nope");
  const Response bad = handle("/api/run", {{"msl", "forever"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(nlohmann::json::parse(bad.body)["error"].get<std::string>().find("msl=\"forever\""),
            std::string::npos);
  const Response ok = handle("/api/run", {{"scenario", "lost-third-ack"}, {"fault", "drop:1"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  const auto j = nlohmann::json::parse(ok.body);
  EXPECT_EQ(j["query"], "scenario=lost-third-ack&fault=drop:1");
  EXPECT_NE(j["svg"].get<std::string>().find("class=\"seg"), std::string::npos);
  EXPECT_FALSE(j["diff"]["changed"].empty());
  EXPECT_FALSE(j["checks"].empty());
  const auto list = nlohmann::json::parse(handle("/api/scenarios", {}).body);
  EXPECT_EQ(list[0]["name"], "handshake");
}

TEST(LabHttp, ServesOverASocketAndSurvivesBadRequests) {
  Server server;
  const auto port = server.bind("127.0.0.1", 0);
  ASSERT_TRUE(port) << port.error();
  std::thread t([&] { server.listen(); });
  httplib::Client c("127.0.0.1", *port);
  for (int i = 0; i < 100; ++i) {
    if (c.Get("/api/scenarios")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // until listen() runs
  }
  EXPECT_EQ(c.Get("/api/run?rtt=%ZZ&fault=drop:9999")->status, 400);
  EXPECT_EQ(c.Get("/no/such/page")->status, 404);
  EXPECT_EQ(c.Get("/api/run?scenario=handshake")->status, 200);
  server.stop();
  t.join();
}

}  // namespace
}  // namespace synack::lab
