// SPDX-License-Identifier: Apache-2.0
// Old duplicates and attackers: why the handshake has three segments, and
// how SYN cookies keep a listener serving under a SYN flood.
#include <algorithm>

#include <fmt/core.h>

#include "scenarios/scenarios.hpp"
#include "scenarios/world.hpp"
#include "tcp/syn_cookie.hpp"

namespace synack::scenarios {

using enum tcp::State;
using Act = sim::ClientAction::Kind;

namespace {

constexpr std::uint16_t kSynAckF = TcpFlags::kSyn | TcpFlags::kAck;

std::vector<std::byte> ip_tcp(Ipv4Addr src, Ipv4Addr dst, const TcpSegment& seg) {
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  Ipv4Header ip;
  ip.src = src;
  ip.dst = dst;
  out.resize(emit_ipv4_tcp(out, ip, seg));
  return out;
}

// The same old duplicate for both scenarios: an abandoned first incarnation's
// SYN is held up in the network and arrives while the second incarnation (same
// port, new ISN) is in SYN-SENT; the new SYN is delayed so the old one wins.
struct Incarnations {
  sim::Client first;
  sim::Client second;
};

void old_duplicate_faults(World& w, sim::LinkId c2s) {
  w.fault(c2s, "delay:S:1:300ms");  // the old SYN arrives at 325 ms
  w.fault(c2s, "delay:S:2:60ms");   // the new SYN arrives at 385 ms, after the RST
}

std::unique_ptr<Incarnations> two_incarnations(sim::Host& client) {
  auto inc = std::make_unique<Incarnations>(
      Incarnations{sim::Client(client, client_at({{Act::kConnect, ms(0)}, {Act::kAbort, ms(10)}})),
                   sim::Client(client, client_at({{Act::kConnect, ms(300)}}))});
  inc->first.start();
  inc->second.start();
  return inc;
}

// COUNTERFACTUAL (not TCP): a server whose connection is established as soon
// as a SYN arrives — a two-way handshake. It answers SYN-ACK, hands the
// connection to its application at once, and honours an in-window RST.
class TwoWayServer : public sim::Node {
 public:
  TwoWayServer(std::string name, Ipv4Addr addr, std::uint16_t port, tcp::TraceSink* sink, World& w)
      : Node(std::move(name), addr), port_(port), sink_(sink), world_(w) {}

  void on_packet(Bytes ip_packet, Instant now) override {
    const auto p = parse_ipv4_tcp(ip_packet);
    if (!p || p->tcp.dst_port != port_) return;
    const TcpSegment& seg = p->tcp;
    const tcp::FourTuple tuple{{address(), port_}, {p->ip.src(), seg.src_port}};
    if (seg.flags.syn() && !seg.flags.ack()) {
      Conn c{tuple, seg.seq + 1,
             SeqNum(0x10000000u + 15000u * static_cast<std::uint32_t>(conns_.size())), true};
      trace(now, tuple, kListen, kEstablished,
            "COUNTERFACTUAL two-way handshake: rcv SYN, established at once",
            "not TCP (RFC 9293 §3.5 needs a third segment)");
      ++accepted_;
      accepted_isns_.push_back(seg.seq.raw());
      world_.note(now, 1, fmt::format("application accept()s connection #{} at once", accepted_));
      TcpSegment sa;
      sa.src_port = port_;
      sa.dst_port = seg.src_port;
      sa.seq = c.iss;
      sa.ack = c.rcv_nxt;
      sa.flags.bits = kSynAckF;
      sa.window = 65535;
      sa.options.mss(1460);
      conns_.push_back(c);
      send(ip_tcp(address(), p->ip.src(), sa));
      return;
    }
    if (seg.flags.rst()) {
      for (auto& c : conns_) {
        if (c.open && c.tuple == tuple && seg.seq == c.rcv_nxt) {
          c.open = false;
          trace(now, tuple, kEstablished, kClosed, "rcv RST: connection reset",
                "RFC 9293 §3.10.7.4 second: RST");
        }
      }
    }
  }
  [[nodiscard]] std::size_t accepted() const { return accepted_; }
  [[nodiscard]] const std::vector<std::uint32_t>& accepted_isns() const { return accepted_isns_; }

 private:
  struct Conn {
    tcp::FourTuple tuple;
    SeqNum rcv_nxt;
    SeqNum iss;
    bool open;
  };
  void trace(Instant now, const tcp::FourTuple& t, tcp::State from, tcp::State to,
             std::string_view cause, std::string_view rfc) {
    sink_->on_event({.at = now,
                     .tuple = t,
                     .kind = tcp::TraceKind::kStateChange,
                     .from = from,
                     .to = to,
                     .cause = cause,
                     .rfc = rfc});
  }
  std::uint16_t port_;
  tcp::TraceSink* sink_;
  World& world_;
  std::vector<Conn> conns_;
  std::size_t accepted_ = 0;
  std::vector<std::uint32_t> accepted_isns_;
};

// Sends `count` SYNs from spoofed addresses 10.66.0.1, .2, ... one per ms.
class Flooder : public sim::Node {
 public:
  Flooder(std::string name, Ipv4Addr addr) : Node(std::move(name), addr) {}
  void on_packet(Bytes, Instant) override { ++received_; }  // SYN-ACKs to nobody
  void flood(Instant start, int count, Ipv4Addr target, std::uint16_t port) {
    for (int i = 0; i < count; ++i) {
      network()->loop().schedule(start + milliseconds(i), [this, i, target, port] {
        TcpSegment syn;
        syn.src_port = static_cast<std::uint16_t>(1024 + i);
        syn.dst_port = port;
        syn.seq = SeqNum(0x5eed0000u + static_cast<std::uint32_t>(i) * 7919u);
        syn.flags.bits = TcpFlags::kSyn;
        syn.window = 64240;
        syn.options.mss(1460);
        send(ip_tcp(Ipv4Addr::from_octets(10, 66, 0, static_cast<std::uint8_t>(1 + i)), target,
                    syn));
      });
    }
  }
  [[nodiscard]] std::uint64_t received() const { return received_; }

 private:
  std::uint64_t received_ = 0;
};

}  // namespace

Result old_duplicate_syn(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  old_duplicate_faults(w, d.c2s);
  sim::Server srv(d.server, {.port = kServerPort, .mode = sim::ServerMode::kDiscard});
  srv.start();
  auto inc = two_incarnations(d.client);
  std::size_t tcbs_between = 99;
  std::size_t accepted_between = 99;
  d.server.at(ms(380), [&] {
    tcbs_between = d.server.stack().tcb_count();
    accepted_between = srv.reports().size();
  });
  w.note(ms(10), 0,
         "user: abort() (the first incarnation is abandoned; its SYN is still in the network)");
  w.run();
  Result r = w.finish(
      {.title = "Old duplicate SYN: why three segments",
       .scenario = "old-duplicate-syn",
       .description =
           "A SYN from an earlier, abandoned incarnation of the connection (same ports, ISN "
           "shown as 0) was held up in the network and reaches the server while the client's "
           "new incarnation (a new ISN, 75000 later on the RFC 6528 clock) is in SYN-SENT. The "
           "server cannot tell it is old and answers SYN-ACK. The client sees an ACK for a "
           "sequence number it never sent and answers RST; the server drops the half-open "
           "connection and returns to LISTEN. Only then does the real SYN arrive and the "
           "handshake complete. The third segment is what lets the client reject a connection "
           "it never asked for (RFC 9293 §3.5, Figure 8)."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  const auto client_sent = sent_by(run, 0);
  const std::uint32_t old_isn = client_sent.empty() ? 0 : client_sent[0]->tcp.seq;
  bool synack_for_old = false;
  for (const auto* p : sent_by(run, 1)) {
    if (p->tcp.flags.bits == kSynAckF && p->tcp.ack == old_isn + 1) synack_for_old = true;
  }
  check(r, synack_for_old, "the server answers the old SYN with a SYN-ACK acking the old ISN + 1");
  check(r,
        count_flags(client_sent, TcpFlags::kRst) == 1 &&
            std::ranges::any_of(client_sent,
                                [&](const viz::PacketEvent* p) {
                                  return p->tcp.flags.bits == TcpFlags::kRst &&
                                         p->tcp.seq == old_isn + 1;
                                }),
        "the client, in SYN-SENT, answers that SYN-ACK with RST seq = its ack");
  check(r,
        has_path(state_path(run, 1), {kListen, kSynReceived, kListen, kSynReceived, kEstablished}),
        "server: LISTEN SYN-RECEIVED LISTEN (on the RST), then SYN-RECEIVED ESTABLISHED");
  check(r, tcbs_between == 0 && accepted_between == 0,
        "between the RST and the real SYN the server holds no connection and accepted none");
  check(r, srv.reports().size() == 1 && inc->second.report().connected,
        "exactly one connection is accepted: the real one");
  return r;
}

Result two_way_handshake(const Options& o) {
  World w(o);
  sim::Host& client = w.host("client", kClientAddr);
  const std::size_t server_index = w.net().node_count();
  auto& server = w.node<TwoWayServer>("server", kServerAddr, kServerPort, w.sink(server_index), w);
  auto [c2s, s2c] = w.link(client, server);
  (void)s2c;
  old_duplicate_faults(w, c2s);
  auto inc = two_incarnations(client);
  w.note(ms(10), 0,
         "user: abort() (the first incarnation is abandoned; its SYN is still in the network)");
  w.run(ms(2000));
  auto who = std::vector<Participant>{w.participant(client, "client", kClientPort, kClosed),
                                      w.participant(server, "server", kServerPort, kListen)};
  who[1].trace_host = server_index;
  Result r = w.finish(
      {.title = "COUNTERFACTUAL: a two-way handshake and the old duplicate SYN",
       .scenario = "two-way-handshake",
       .description =
           "COUNTERFACTUAL, NOT TCP: the server here is emulated by the scenario (it is not the "
           "synack engine): it considers a connection established as soon as a SYN arrives, "
           "with no third segment. The same old duplicate SYN as in old-duplicate-syn now makes "
           "the server's application accept a connection the client never asked for: a dead "
           "connection that holds resources (and may act on stale data) until something kills "
           "it. Here the client's RST happens to reach it; had that RST been lost (RSTs are "
           "never retransmitted), the server would hold it indefinitely. Compare with "
           "old-duplicate-syn, where the third segment lets the real TCP refuse it. (The "
           "client is the real synack stack and still sends its third segment; the emulated "
           "server ignores it.)"},
      who);
  check(r, server.accepted() == 2 && inc->second.report().connected,
        "the counterfactual server's application accepts two connections for one connect()");
  const auto client_sent = sent_by(r.run, 0);
  check(r,
        !server.accepted_isns().empty() && !client_sent.empty() &&
            server.accepted_isns()[0] == client_sent[0]->tcp.seq,
        "the first accepted connection belongs to the old, abandoned incarnation's SYN");
  return r;
}

Result syn_flood(const Options& o) {
  World w(o);
  constexpr int kBacklog = 2;
  constexpr int kSpoofed = 4;
  sim::Host& client = w.host("client", kClientAddr);
  sim::Host& server = w.host("server", kServerAddr);
  auto& attacker = w.node<Flooder>("attacker", Ipv4Addr::from_octets(10, 0, 0, 66));
  w.link(client, server);
  auto [s2a, a2s] = w.link(server, attacker);
  (void)a2s;
  w.net().add_route(server.id(), Ipv4Addr::from_octets(10, 66, 0, 0), 16, s2a);
  sim::Server srv(server,
                  {.port = kServerPort, .backlog = kBacklog, .mode = sim::ServerMode::kDiscard});
  srv.start();
  attacker.flood(ms(0), kSpoofed, kServerAddr, kServerPort);
  sim::Client cli(client, client_at({{Act::kConnect, ms(100)}, {Act::kSend, ms(200), 100}}));
  cli.start();
  w.note(ms(200), 0, "user: send(100 bytes)");
  w.run(ms(900));
  std::vector<Participant> who = {w.participant(client, "client", kClientPort, kClosed),
                                  w.participant(server, "server", kServerPort, kListen),
                                  w.participant(attacker, "attacker", 0, std::nullopt)};
  who[2].addr_text = "spoofed 10.66.0.*";
  Result first = w.finish({}, who);
  // Sequence numbers of the server relative to the client's connection (its cookie).
  for (const auto* p : sent_by(first.run, 1)) {
    if (p->to == 0 && p->tcp.flags.syn()) who[1].isn = p->tcp.seq;
  }
  // Which of the server's SYN-ACKs to the client carried a cookie?
  std::size_t cookies = 0;
  const tcp::FourTuple tuple{{kServerAddr, kServerPort}, {kClientAddr, kClientPort}};
  for (const auto* p : sent_by(first.run, 1)) {
    if (p->to != 0 || p->tcp.flags.bits != kSynAckF) continue;
    if (tcp::check_syn_cookie(server.stack().config().tcp.isn_secret, tuple, SeqNum(p->tcp.ack - 1),
                              SeqNum(p->tcp.seq), p->sent)) {
      ++cookies;
      w.note(p->sent, 1,
             fmt::format("SYN queue full ({} of {}): SYN-ACK carries a SYN cookie, no state kept "
                         "(RFC 4987 §3.6)",
                         kBacklog, kBacklog));
    }
  }
  Result r = w.finish(
      {.title = "SYN flood and SYN cookies",
       .scenario = "syn-flood",
       .description =
           "An attacker sends SYNs from spoofed addresses that will never answer. Each one "
           "leaves a half-open connection in the server's SYN queue (backlog 2 here), and the "
           "queue is soon full. When the real client's SYN arrives, the server answers with a "
           "SYN cookie instead: the SYN-ACK's sequence number encodes the connection (a keyed "
           "hash, a time counter and the MSS), so no state is kept. The client's ACK returns "
           "the cookie, the server checks it and builds the connection. The run stops at "
           "900 ms; the spoofed half-open entries would time out after the SYN-ACK retries. "
           "Each SYN-ACK counts from its own ISN (seq=0), as Wireshark numbers each "
           "connection; the client's connection counts from its cookie."},
      who);
  check(r, cookies == 1, "the server answers the client's SYN with a valid SYN cookie");
  check(r, count_flags(sent_by(r.run, 1), kSynAckF) >= static_cast<std::size_t>(kSpoofed),
        "the server answers every spoofed SYN (to addresses that never reply)");
  check(r,
        cli.report().connected && srv.reports().size() == 1 &&
            srv.reports()[0].received.bytes == 100 &&
            srv.reports()[0].received.hex() == cli.report().sent.hex(),
        "the legitimate client connects and its 100 bytes arrive, byte-exact");
  return r;
}

}  // namespace synack::scenarios
