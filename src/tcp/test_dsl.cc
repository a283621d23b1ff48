// SPDX-License-Identifier: Apache-2.0
#include "tcp/test_dsl.hpp"

#include "tcp/sanity.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <string>

namespace synack::tcp::test {

Config test_config() {
  Config c;
  c.window_scaling = false;
  c.sack = false;
  c.timestamps = false;
  c.rcv_buf = kRcvBuf;
  c.snd_buf = 64 * 1024;
  for (std::size_t i = 0; i < c.isn_secret.size(); ++i) {
    c.isn_secret[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
  return c;
}

Config ts_config() {
  Config c = test_config();
  c.timestamps = true;
  return c;
}

EdgeRecorder& edge_recorder() {
  static EdgeRecorder r;
  return r;
}

std::vector<Scenario>& scenarios() {
  static std::vector<Scenario> s;
  return s;
}

bool register_scenario(const char* name, void (*body)()) {
  scenarios().push_back({name, body});
  return true;
}

void RecordingSink::on_event(const TraceEvent& e) {
  events.push_back(e);
  if (e.kind == TraceKind::kStateChange) {
    edge_recorder().record(e.from, e.to);
    if (!is_diagram_edge(e.from, e.to)) {
      ADD_FAILURE() << "transition off the RFC 9293 state diagram: " << to_string(e.from) << " -> "
                    << to_string(e.to) << " (" << e.cause << ")";
    }
  }
  if (log == nullptr) return;
  std::string what = e.kind == TraceKind::kStateChange
                         ? fmt::format("{} -> {}", to_string(e.from), to_string(e.to))
                         : std::string(to_string(e.kind));
  if (e.kind == TraceKind::kDrop) what += fmt::format(" [{}]", to_string(e.drop));
  log->push_back(fmt::format("          . conn {} {}: {} ({})", e.conn, what, e.cause, e.rfc));
}

std::size_t RecordingSink::count(TraceKind k) const {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(),
                                                [k](const TraceEvent& e) { return e.kind == k; }));
}

bool RecordingSink::saw_drop(DropReason r) const {
  return std::any_of(events.begin(), events.end(), [r](const TraceEvent& e) {
    return e.kind == TraceKind::kDrop && e.drop == r;
  });
}

std::string describe(const TcpSegment& s) {
  std::string out =
      fmt::format("{} {}:{}({})", s.flags.to_string(), s.seq.raw(),
                  (s.seq + static_cast<SeqLen>(s.payload.size())).raw(), s.payload.size());
  if (s.flags.ack() || s.ack.raw() != 0) out += fmt::format(" ack {}", s.ack.raw());
  out += fmt::format(" win {}", s.window);
  if (auto m = s.options.summarize().mss) out += fmt::format(" <mss {}>", *m);
  if (auto t = s.options.summarize().timestamps) out += fmt::format(" <TS {} {}>", t->val, t->ecr);
  return out;
}

std::string describe(const Seg& s) {
  std::string out = fmt::format("{} {}:{}({})", TcpFlags{s.flags}.to_string(), s.seq,
                                s.seq + s.data.size(), s.data.size());
  if ((s.flags & ACK) || s.ack != 0) out += fmt::format(" ack {}", s.ack);
  if (s.wnd) out += fmt::format(" win {}", *s.wnd);
  if (s.mss) out += fmt::format(" <mss {}>", *s.mss);
  if (s.tsval || s.tsecr) {
    out += fmt::format(" <TS {} {}>", s.tsval ? std::to_string(*s.tsval) : "*",
                       s.tsecr ? std::to_string(*s.tsecr) : "*");
  }
  return out;
}

Harness::Harness(Config c)
    : cfg(c), conn(cfg, &sink, 1), demux(cfg, &sink, TupleHash{1, 2}, DemuxLimits{}) {
  sink.log = &log;
  tuple = FourTuple{{Ipv4Addr::from_octets(10, 0, 0, 1), 40000},
                    {Ipv4Addr::from_octets(10, 0, 0, 2), 80}};
  demux.add_connection(tuple, 0);
}

Harness::~Harness() {
  if (::testing::Test::HasFailure()) {
    std::string all;
    for (const auto& l : log) all += l + "\n";
    std::fprintf(stderr, "---- step log ----\n%s------------------\n", all.c_str());
  }
}

void Harness::note(const std::string& line) {
  log.push_back(line);
}

void Harness::inject(const Seg& s) {
  TcpSegment seg;
  seg.src_port = tuple.remote.port;
  seg.dst_port = tuple.local.port;
  seg.seq = SeqNum(s.seq);
  seg.ack = SeqNum(s.ack);
  seg.flags.bits = s.flags;
  seg.window = static_cast<std::uint16_t>(s.wnd.value_or(kPeerWnd));
  if (s.mss) seg.options.mss(*s.mss);
  if (s.tsval) seg.options.nop().nop().timestamps(*s.tsval, s.tsecr.value_or(0));
  seg.payload = as_bytes(s.data);
  seg.urgent = s.up;
  log.push_back(
      fmt::format("t={:>8.3f} < {}", to_ms(now.time_since_epoch()) / 1000.0, describe(seg)));
  Delivery d = demux.on_segment(tuple, seg, now);
  if (d.to == Delivery::To::kConnection) conn.on_segment(seg, now);
  if (d.to == Delivery::To::kListener && d.completed) adopt();
  if (d.reply) replies_.push_back(*d.reply);
  check_sanity();
}

void Harness::check_sanity() {
  std::string broken = sanity(conn);
  if (broken.empty() && listener_ && !indexed_) {
    if (const Connection* c = demux.listener(*listener_).find(tuple)) broken = sanity(*c);
  }
  if (broken.empty()) return;
  ADD_FAILURE() << "TCB invariant broken: " << broken;
  log.push_back("          !! sanity: " + broken);
}

void Harness::adopt() {
  std::unique_ptr<Connection> c = listener().accept();
  if (!c) return;
  conn = std::move(*c);
  demux.add_connection(tuple, 0);
  indexed_ = true;
}

std::optional<TcpSegment> Harness::next_tx() {
  if (!replies_.empty()) {
    TcpSegment s = replies_.front();
    replies_.pop_front();
    return s;
  }
  if (auto out = demux.poll_transmit(now)) return out->second;
  return conn.poll_transmit(now);
}

State Harness::state() const {
  if (indexed_ || !listener_) return conn.state();
  const Listener& l = demux.listener(*listener_);
  if (const Connection* c = l.find(tuple)) return c->state();
  return l.state();
}

DropCounters Harness::drops() const {
  DropCounters all = conn.drops();
  const auto add = [&](const DropCounters& d) {
    for (std::size_t i = 0; i < all.count.size(); ++i) all.count[i] += d.count[i];
  };
  if (listener_) add(demux.listener(*listener_).drops());
  add(demux.drops());
  return all;
}

Harness::Tx Harness::poll_one(TcpSegment s) {
  Tx tx{s, std::string(reinterpret_cast<const char*>(s.payload.data()), s.payload.size())};
  log.push_back(
      fmt::format("t={:>8.3f} > {}", to_ms(now.time_since_epoch()) / 1000.0, describe(s)));
  if (!tx.data.empty()) received.push_back(tx.data);
  check_sanity();
  return tx;
}

std::vector<TcpSegment> Harness::drain() {
  std::vector<TcpSegment> out;
  for (int i = 0; i < 64; ++i) {
    auto s = next_tx();
    if (!s) break;
    poll_one(*s);
    out.push_back(*s);
  }
  return out;
}

namespace {
bool timestamps_match(const Seg& e, const TcpSegment& g) {
  if (!e.tsval && !e.tsecr) return true;
  const auto ts = g.options.summarize().timestamps;
  return ts && (!e.tsval || ts->val == *e.tsval) && (!e.tsecr || ts->ecr == *e.tsecr);
}
}  // namespace

void Harness::expect_tx(std::initializer_list<Seg> expected) {
  expect_tx(std::vector<Seg>(expected));
}

void Harness::expect_tx(const std::vector<Seg>& expected) {
  std::vector<Tx> got;
  for (int i = 0; i < 64; ++i) {
    auto s = next_tx();
    if (!s) break;
    got.push_back(poll_one(*s));
  }
  const std::size_t n = std::max(got.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= got.size()) {
      ADD_FAILURE() << "expected " << describe(expected[i]) << ", but nothing was sent";
      log.push_back("          !! missing " + describe(expected[i]));
      continue;
    }
    if (i >= expected.size()) {
      ADD_FAILURE() << "unexpected " << describe(got[i].seg);
      log.push_back("          !! unexpected segment");
      continue;
    }
    const Seg& e = expected[i];
    const TcpSegment& g = got[i].seg;
    const bool ok = g.flags.bits == e.flags && g.seq.raw() == e.seq && g.ack.raw() == e.ack &&
                    (!e.wnd || g.window == *e.wnd) && got[i].data == e.data &&
                    (!e.mss || g.options.summarize().mss == e.mss) && timestamps_match(e, g);
    if (!ok) {
      ADD_FAILURE() << "expected " << describe(e) << "\n     got " << describe(g);
      log.push_back("          !! expected " + describe(e));
    }
  }
}

void Harness::expect_no_tx() {
  expect_tx(std::vector<Seg>{});
}

void Harness::advance(std::int64_t ms) {
  const Instant target = now + milliseconds(ms);
  log.push_back(
      fmt::format("t={:>8.3f}   advance {} ms", to_ms(now.time_since_epoch()) / 1000.0, ms));
  for (int guard = 0; guard < 10000; ++guard) {
    const Instant d = std::min(conn.next_deadline(), demux.next_deadline());
    if (d > target) break;
    now = d;
    log.push_back(fmt::format("t={:>8.3f}   timer", to_ms(now.time_since_epoch()) / 1000.0));
    if (conn.next_deadline() <= now) conn.on_timeout(now);
    if (demux.next_deadline() <= now) demux.on_timeout(now);
    check_sanity();
  }
  now = target;
}

void Harness::expect_state(State s) {
  EXPECT_EQ(to_string(state()), to_string(s));
  log.push_back(fmt::format("          = {}", to_string(state())));
}

// ---- the fixture ladder -----------------------------------------------------------

void Harness::listen() {
  demux.remove_connection(tuple);
  indexed_ = false;
  listener_ = demux.add_listener(std::make_unique<Listener>(tuple.local, 8, cfg, &sink, 1));
  expect_state(State::kListen);
}

void Harness::close_listener() {
  listener().close(now);
}

void Harness::syn_sent() {
  ASSERT_TRUE(conn.open_active(tuple, SeqNum(kIss), now).has_value());
  expect_tx({{.flags = SYN, .seq = kIss, .ack = 0, .wnd = kRcvBuf, .mss = cfg.mss}});
  expect_state(State::kSynSent);
}

void Harness::syn_received() {
  TcpSegment syn;
  syn.src_port = tuple.remote.port;
  syn.dst_port = tuple.local.port;
  syn.seq = SeqNum(kPeerIss);
  syn.flags.bits = SYN;
  syn.window = static_cast<std::uint16_t>(kPeerWnd);
  syn.options.mss(1460);
  log.push_back(fmt::format("t={:>8.3f} < {} (via listener)",
                            to_ms(now.time_since_epoch()) / 1000.0, describe(syn)));
  conn = Connection::accept_syn(cfg, &sink, 1, tuple, syn, SeqNum(kIss), now);
  expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1, .mss = cfg.mss}});
  expect_state(State::kSynReceived);
}

void Harness::syn_received_active() {
  syn_sent();
  inject({.flags = SYN, .seq = kPeerIss});
  expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  expect_state(State::kSynReceived);
}

void Harness::established() {
  syn_sent();
  inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  expect_state(State::kEstablished);
}

void Harness::established_sack(std::uint16_t peer_window) {
  ASSERT_TRUE(conn.open_active(tuple, SeqNum(kIss), now).has_value());
  drain();
  TcpSegment synack;
  synack.src_port = tuple.remote.port;
  synack.dst_port = tuple.local.port;
  synack.seq = SeqNum(kPeerIss);
  synack.ack = SeqNum(kIss + 1);
  synack.flags.bits = SYN | ACK;
  synack.window = peer_window;
  synack.options.mss(1460).nop().nop().sack_permitted();
  conn.on_segment(synack, now);
  drain();
  ASSERT_TRUE(conn.status().sack_ok);
}

void Harness::established_passive() {
  syn_received();
  inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  expect_no_tx();
  expect_state(State::kEstablished);
}

void Harness::fin_wait_1() {
  established();
  ASSERT_TRUE(conn.close(now).has_value());
  expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  expect_state(State::kFinWait1);
}

void Harness::fin_wait_2() {
  fin_wait_1();
  inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  expect_no_tx();
  expect_state(State::kFinWait2);
}

void Harness::close_wait() {
  established();
  inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 2}});
  expect_state(State::kCloseWait);
}

void Harness::last_ack() {
  close_wait();
  ASSERT_TRUE(conn.close(now).has_value());
  expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 2}});
  expect_state(State::kLastAck);
}

void Harness::closing() {
  fin_wait_1();
  inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  expect_state(State::kClosing);
}

void Harness::time_wait() {
  fin_wait_2();
  inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  expect_state(State::kTimeWait);
}

void Harness::closed() {
  established();
  ASSERT_TRUE(conn.abort(now).has_value());
  expect_tx({{.flags = RST, .seq = kIss + 1, .ack = 0, .wnd = 0}});
  expect_state(State::kClosed);
}

}  // namespace synack::tcp::test
