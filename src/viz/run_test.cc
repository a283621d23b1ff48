// SPDX-License-Identifier: Apache-2.0
// The Run data model: builder ordering, JSON round trips, and errors that
// name the bad field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "viz/load.hpp"
#include "viz/run_json.hpp"
#include "viz/test_runs.hpp"

namespace synack::viz {
namespace {

using namespace std::chrono_literals;

TEST(RunBuilder, SortsEventsByTimeStably) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "10.0.0.1", 1, 100);
  auto s = b.endpoint("server", "10.0.0.2", 2, 300);
  b.note(at(20ms), c, "late");
  b.note(at(10ms), s, "first at 10");
  b.note(at(10ms), c, "second at 10");
  const viz::Run r = b.build();
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(std::get<NoteEvent>(r.events[0]).text, "first at 10");
  EXPECT_EQ(std::get<NoteEvent>(r.events[1]).text, "second at 10");
  EXPECT_EQ(std::get<NoteEvent>(r.events[2]).text, "late");
}

TEST(RunBuilder, SendAndDropSetFate) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "10.0.0.1", 1);
  auto s = b.endpoint("server", "10.0.0.2", 2);
  b.send(at(0ms), c, s, {}, at(25ms));
  b.drop(at(1ms), s, c, {}, "random loss");
  const viz::Run r = b.build();
  const auto& sent = std::get<PacketEvent>(r.events[0]);
  const auto& lost = std::get<PacketEvent>(r.events[1]);
  EXPECT_EQ(sent.fate, Fate::kDelivered);
  EXPECT_EQ(sent.arrived, at(25ms));
  EXPECT_EQ(lost.fate, Fate::kDropped);
  EXPECT_FALSE(lost.arrived);
  EXPECT_EQ(lost.reason, "random loss");
  EXPECT_EQ(r.packet_count(), 2u);
}

TEST(RunBuilder, TraceEventsBecomeStatesAndNotes) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "10.0.0.1", 1);
  b.endpoint("server", "10.0.0.2", 2);
  tcp::TraceEvent change{.at = at(5ms),
                         .conn = 1,
                         .tuple = {},
                         .kind = tcp::TraceKind::kStateChange,
                         .from = tcp::State::kSynSent,
                         .to = tcp::State::kEstablished,
                         .cause = "rcv SYN,ACK",
                         .rfc = "RFC 9293 §3.10.7.3",
                         .drop = tcp::DropReason::kNone};
  tcp::TraceEvent rst = change;
  rst.at = at(6ms);
  rst.kind = tcp::TraceKind::kRstSent;
  rst.cause = "no such connection";
  rst.rfc = "RFC 9293 §3.10.7.1";
  tcp::TraceEvent drop = rst;
  drop.at = at(7ms);
  drop.kind = tcp::TraceKind::kDrop;
  drop.drop = tcp::DropReason::kRstOutOfWindow;
  drop.cause = "RST outside the window";
  drop.rfc = "";
  b.trace(c, change).trace(c, rst).trace(c, drop);
  const viz::Run r = b.build();
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(std::get<StateEvent>(r.events[0]),
            (StateEvent{at(5ms), c, tcp::State::kSynSent, tcp::State::kEstablished, "rcv SYN,ACK",
                        "RFC 9293 §3.10.7.3"}));
  EXPECT_EQ(std::get<NoteEvent>(r.events[1]).text,
            "RST sent: no such connection (RFC 9293 §3.10.7.1)");
  EXPECT_EQ(std::get<NoteEvent>(r.events[2]).text,
            "drop (rst-out-of-window): RST outside the window");
}

TEST(Run, InitialStateFallsBackToFirstStateEvent) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "10.0.0.1", 1);
  b.endpoint("server", "10.0.0.2", 2, std::nullopt, tcp::State::kListen);
  b.state(at(0ms), c, tcp::State::kClosed, tcp::State::kSynSent, "connect");
  const viz::Run r = b.build();
  EXPECT_EQ(r.initial_state(0), tcp::State::kClosed);
  EXPECT_EQ(r.initial_state(1), tcp::State::kListen);
  EXPECT_EQ(r.initial_state(7), std::nullopt);
}

TEST(RunJson, RoundTripsEveryTestRun) {
  for (const auto& [name, run] : testing::all_runs()) {
    const std::string text = run_to_json(run);
    auto back = run_from_json(text);
    ASSERT_TRUE(back) << name << ": " << back.error();
    EXPECT_EQ(*back, run) << name;
    EXPECT_EQ(run_to_json(*back), text) << name;
  }
}

TEST(RunJson, RoundTripsAllFieldsAndFates) {
  RunBuilder b("every field", "fields");
  b.seed(7).description("d").generator("g");
  auto c = b.endpoint("client", "10.0.0.1", 40000, 0xfffffff0u, tcp::State::kClosed);
  auto s = b.endpoint("server", "", 80);
  TcpFields f{.flags = {TcpFlags::kSyn | TcpFlags::kAck | TcpFlags::kEce | TcpFlags::kAe},
              .seq = 0xffffffffu,
              .ack = 1,
              .len = 3,
              .window = 0,
              .options = {},
              .options_text = "mss 536,nop"};
  f.options.mss = 536;
  f.options.window_scale = 14;
  f.options.sack_permitted = true;
  f.options.timestamps = TcpTimestamps{1, 2};
  f.options.sack = {{SeqNum(10), SeqNum(20)}, {SeqNum(30), SeqNum(40)}};
  b.send(at(1ns), c, s, f, at(2ns)).raw_hex = "4500ff";
  b.packet({.sent = at(3ns),
            .arrived = at(4ns),
            .from = s,
            .to = c,
            .tcp = {},
            .fate = Fate::kCorrupted,
            .reason = "bit flip",
            .raw_hex = {}});
  b.packet({.sent = at(3ns),
            .arrived = at(5ns),
            .from = s,
            .to = c,
            .tcp = {},
            .fate = Fate::kDuplicated,
            .reason = {},
            .raw_hex = {}});
  b.state(at(6ns), s, tcp::State::kTimeWait, tcp::State::kClosed, "2MSL", "RFC 9293 §3.10.8");
  b.note(at(7ns), std::nullopt, "network note \"quoted\" <tag> & ünïcode");
  const viz::Run r = b.build();
  auto back = run_from_json(run_to_json(r));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, r);
}

TEST(RunJson, FieldsFromWireSegment) {
  TcpSegment seg;
  seg.seq = SeqNum(1000);
  seg.ack = SeqNum(5);
  seg.flags = {TcpFlags::kSyn};
  seg.window = 29200;
  seg.options.mss(1460).sack_permitted().timestamps(7, 0).nop().window_scale(7);
  const TcpFields f = fields_from_segment(seg);
  EXPECT_EQ(f.seq, 1000u);
  EXPECT_EQ(f.window, 29200);
  EXPECT_EQ(f.options.mss, 1460);
  EXPECT_EQ(f.options.window_scale, 7);
  EXPECT_TRUE(f.options.sack_permitted);
  EXPECT_EQ(f.options.timestamps, (TcpTimestamps{7, 0}));
  EXPECT_EQ(f.options_text, "mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 7");
  EXPECT_EQ(f.seg_len(), 1u);
}

struct BadCase {
  const char* what;
  std::string json;
  const char* error;  // substring the error must contain
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("test bug: no " + from);
  return s.replace(at, from.size(), to);
}

TEST(RunJson, MalformedInputNamesTheBadField) {
  const std::string good = run_to_json(testing::lost_third_ack());
  const std::vector<BadCase> cases = {
      {"not json", "{", "not JSON"},
      {"array", "[]", "expected an object"},
      {"format", replace(good, "\"synack-run\"", "\"pcap\""), "format: expected \"synack-run\""},
      {"version", replace(good, "\"version\": 1", "\"version\": 2"), "version: unsupported 2"},
      {"no endpoints", replace(good, "\"endpoints\"", "\"endpoint\""), "endpoints: missing"},
      {"flag", replace(good, "\"SYN\"", "\"SYNN\""), "events[2].flags[0]: unknown flag \"SYNN\""},
      {"state", replace(good, "\"SYN-SENT\"", "\"SYN_SENT\""), "events[1].to: unknown state"},
      {"endpoint", replace(good, "\"from\": 0", "\"from\": 9"), "events[2].from: endpoint 9"},
      {"seq type", replace(good, "\"seq\": 100", "\"seq\": \"100\""),
       "events[2].seq: expected an integer"},
      {"seq range", replace(good, "\"seq\": 100", "\"seq\": 4294967296"), "events[2].seq"},
      {"fate", replace(good, "\"fate\": \"dropped\"", "\"fate\": \"lost\""),
       "fate: unknown fate \"lost\""},
      {"type", replace(good, "\"type\": \"note\"", "\"type\": \"nope\""),
       "events[0].type: unknown event type"},
      {"order", replace(good, "\"t_ns\": 1075000000", "\"t_ns\": 1"), "not in time order"},
      {"arrival", replace(good, "\"arrived_ns\": 25000000", "\"arrived_ns\": null"),
       "arrived_ns: null but not dropped"},
  };
  for (const auto& c : cases) {
    auto r = run_from_json(c.json);
    ASSERT_FALSE(r) << c.what;
    EXPECT_NE(r.error().find(c.error), std::string::npos)
        << c.what << ": got \"" << r.error() << "\", want it to contain \"" << c.error << "\"";
    EXPECT_EQ(r.error().find('\n'), std::string::npos) << c.what << ": one line";
  }
}

TEST(LoadRun, NamesTheFileInErrors) {
  auto missing = load_run("/nonexistent/run.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("/nonexistent/run.json: cannot open"), std::string::npos);

  const auto dir = std::filesystem::temp_directory_path() / "synack_viz_load_test";
  std::filesystem::create_directories(dir);
  const auto bad = (dir / "bad.json").string();
  std::ofstream(bad) << "{\"format\": \"synack-run\"}";
  auto r = load_run(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(bad + ": version: missing"), std::string::npos) << r.error();

  const auto good = (dir / "good.json").string();
  std::ofstream(good) << run_to_json(testing::simultaneous_close());
  auto ok = draw_file(good, Format::kMermaid, {});
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_TRUE(ok->starts_with("sequenceDiagram\n"));
  std::filesystem::remove_all(dir);
}

TEST(LoadRun, ReportsReadProgressChunkByChunkUpToTheFileSize) {
  const auto dir = std::filesystem::temp_directory_path() / "synack_viz_progress_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "big.json").string();
  // A valid run padded past two 1 MiB chunks (JSON allows trailing whitespace).
  std::ofstream(path) << run_to_json(testing::simultaneous_close())
                      << std::string(std::size_t{5} << 19, ' ');
  const auto size = std::filesystem::file_size(path);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  auto r = load_run(
      path, [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); });
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, testing::simultaneous_close());
  ASSERT_GE(calls.size(), 3U);  // 1 MiB, 2 MiB, the rest
  EXPECT_EQ(calls.front().first, std::uint64_t{1} << 20);
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].first, calls[i - 1].first);
  for (const auto& c : calls) EXPECT_EQ(c.second, size);
  EXPECT_EQ(calls.back().first, size);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace synack::viz
