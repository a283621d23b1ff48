// SPDX-License-Identifier: Apache-2.0
// Scenarios on a clean link: the handshake and the ways to close.
#include <fmt/core.h>

#include "scenarios/peer.hpp"
#include "scenarios/scenarios.hpp"
#include "scenarios/world.hpp"

namespace synack::scenarios {

using enum tcp::State;
using Act = sim::ClientAction::Kind;
constexpr std::uint16_t kSynF = TcpFlags::kSyn;
constexpr std::uint16_t kSynAckF = TcpFlags::kSyn | TcpFlags::kAck;
constexpr std::uint16_t kAckF = TcpFlags::kAck;
constexpr std::uint16_t kFinAckF = TcpFlags::kFin | TcpFlags::kAck;

namespace {

// The first three segments are SYN (client), SYN-ACK (server), ACK (client).
bool three_way(const viz::Run& run) {
  std::vector<const viz::PacketEvent*> all;
  for (const auto& ev : run.events) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) all.push_back(p);
  }
  return all.size() >= 3 && all[0]->from == 0 && all[0]->tcp.flags.bits == kSynF &&
         all[1]->from == 1 && all[1]->tcp.flags.bits == kSynAckF && all[2]->from == 0 &&
         all[2]->tcp.flags.bits == kAckF && all[1]->tcp.ack == all[0]->tcp.seq + 1 &&
         all[2]->tcp.ack == all[1]->tcp.seq + 1;
}

void check_time_wait_2msl(Result& r, const viz::Run& run, viz::EndpointId e, Duration two_msl) {
  const Instant tw = first_entry(run, e, kTimeWait);
  Instant closed = kNever;
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev);
        s && s->endpoint == e && s->from == kTimeWait && s->to == kClosed) {
      closed = s->time;
    }
  }
  check(r, tw != kNever && closed != kNever && closed - tw == two_msl,
        fmt::format("{} stays in TIME-WAIT for 2MSL = {} s, then CLOSED", run.endpoints[e].name,
                    std::chrono::duration_cast<std::chrono::seconds>(two_msl).count()));
}

// The handshake scenario's checks; endpoint `closer` (0 client, 1 server)
// closes first and waits 2MSL in TIME-WAIT.
void check_handshake(Result& r, const sim::Server& srv, const sim::Client& cli,
                     viz::EndpointId closer, Duration two_msl) {
  const viz::Run& run = r.run;
  check(r, three_way(run),
        "the connection opens with SYN, SYN-ACK, ACK, each acking the other's ISN + 1");
  const std::vector<tcp::State> active = {kEstablished, kFinWait1, kFinWait2, kTimeWait, kClosed};
  const std::vector<tcp::State> passive = {kEstablished, kCloseWait, kLastAck, kClosed};
  for (viz::EndpointId e : {viz::EndpointId{0}, viz::EndpointId{1}}) {
    std::vector<tcp::State> path =
        e == 0 ? std::vector{kClosed, kSynSent} : std::vector{kListen, kSynReceived};
    const auto& close = e == closer ? active : passive;
    path.insert(path.end(), close.begin(), close.end());
    std::string text = run.endpoints[e].name + ":";
    for (tcp::State st : path) text += fmt::format(" {}", tcp::to_string(st));
    check(r, has_path(state_path(run, e), path), text);
  }
  check(r,
        !srv.reports().empty() && srv.reports()[0].received.bytes == 100 &&
            srv.reports()[0].received.hex() == cli.report().sent.hex(),
        "the server read the client's 100 bytes, byte-exact (SHA-256)");
  check(r,
        count_flags(sent_by(run, 0), kFinAckF) == 1 && count_flags(sent_by(run, 1), kFinAckF) == 1,
        "one FIN each way: four segments close the two directions");
  check_time_wait_2msl(r, run, closer, two_msl);
}

// The handshake with the server closing first (synack lab's close=server):
// it shuts down its side as soon as it has read the client's 100 bytes; the
// client closes 50 ms after reading that EOF. The roles of the close swap.
Result handshake_server_closes(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  sim::Server srv(d.server, {.port = kServerPort,
                             .mode = sim::ServerMode::kRespond,
                             .send_bytes = 0,
                             .request_bytes = 100,
                             .shutdown_after_send = true,
                             .close_on_eof = true});
  srv.start();
  sim::ClientOptions co = client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(100), 100}});
  co.close_on_eof = true;
  co.close_delay = milliseconds(50);
  sim::Client cli(d.client, co);
  cli.start();
  w.note(ms(100), 0, "user: send(100 bytes)");
  w.note(ms(125), 1, "user: shutdown(SHUT_WR) after reading the 100 bytes");
  w.run();
  Result r = w.finish(
      {.title = "Three-way handshake, data, four-way close (the server closes first)",
       .scenario = "handshake",
       .description = "The client opens and sends 100 bytes; this time the server closes "
                      "first, as soon as it has read them. The roles of the close swap: the "
                      "server passes FIN-WAIT-1 and FIN-WAIT-2 and waits 2MSL in TIME-WAIT; "
                      "the client, in CLOSE-WAIT until its application closes, ends in "
                      "LAST-ACK."},
      duo_participants(w, d));
  check_handshake(r, srv, cli, 1, 2 * d.server.stack().config().tcp.msl);
  return r;
}

}  // namespace

Result handshake(const Options& o) {
  if (o.close_first == CloseFirst::kServer) return handshake_server_closes(o);
  World w(o);
  Duo d = make_duo(w);
  sim::Server srv(d.server, {.port = kServerPort,
                             .mode = sim::ServerMode::kDiscard,
                             .close_on_eof = true,
                             .close_delay = milliseconds(50)});
  srv.start();
  sim::Client cli(
      d.client,
      client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(100), 100}, {Act::kClose, ms(200)}}));
  cli.start();
  w.note(ms(100), 0, "user: send(100 bytes)");
  w.note(ms(275), 1, "user: close() (50 ms after reading EOF)");
  w.run();
  Result r =
      w.finish({.title = "Three-way handshake, data, four-way close",
                .scenario = "handshake",
                .description = "The client opens (SYN, SYN-ACK, ACK: each side learns the other's "
                               "ISN and confirms its own), sends 100 bytes, and closes. Each "
                               "direction is closed by its own FIN and ACK: four segments. The "
                               "client, which closed first, waits 2MSL in TIME-WAIT."},
               duo_participants(w, d));
  check_handshake(r, srv, cli, 0, 2 * d.client.stack().config().tcp.msl);
  return r;
}

}  // namespace synack::scenarios

namespace synack::scenarios {

Result close_3way(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  ScriptedServer srv(d.server, {.port = kServerPort, .close_on_eof_at_once = true});
  srv.start();
  sim::Client cli(
      d.client,
      client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(100), 100}, {Act::kClose, ms(200)}}));
  cli.start();
  w.note(ms(100), 0, "user: send(100 bytes)");
  w.note(ms(225), 1, "user: close() as soon as read() returns EOF");
  w.run();
  Result r = w.finish(
      {.title = "Three-way close (FIN and ACK merged)",
       .scenario = "close-3way",
       .description =
           "The server application calls close() in the same instant it reads the client's "
           "EOF, so the server's ACK of the client's FIN and its own FIN leave in one segment "
           "(FIN ACK): three segments close the connection instead of four. The client, in "
           "FIN-WAIT-1, receives a FIN that also acks its own FIN and goes to TIME-WAIT."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  const auto server_sent = sent_by(run, 1);
  const auto client_fins = count_flags(sent_by(run, 0), kFinAckF);
  bool merged = false;
  std::uint32_t client_fin_seq = 0;
  for (const auto* p : sent_by(run, 0)) {
    if (p->tcp.flags.fin()) client_fin_seq = p->tcp.seq + p->tcp.len;
  }
  for (const auto* p : server_sent) {
    if (p->tcp.flags.bits == kFinAckF && p->tcp.ack == client_fin_seq + 1) merged = true;
  }
  check(r, client_fins == 1 && merged,
        "the server's FIN carries the ACK of the client's FIN (one segment, not two)");
  std::size_t closing_segments = 0;
  for (const auto* p : server_sent) {
    if (p->sent >= first_entry(run, 1, kCloseWait)) ++closing_segments;
  }
  check(r, closing_segments == 1, "the server sends exactly one segment after the client's FIN");
  check(r, has_path(state_path(run, 0), {kEstablished, kFinWait1, kTimeWait, kClosed}),
        "client: ESTABLISHED FIN-WAIT-1 TIME-WAIT CLOSED (the FIN acked our FIN)");
  check(r, has_path(state_path(run, 1), {kEstablished, kCloseWait, kLastAck, kClosed}),
        "server: ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED");
  check(r, srv.received().bytes == 100 && srv.received().hex() == cli.report().sent.hex(),
        "the server read the 100 bytes, byte-exact");
  return r;
}

Result half_close(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  sim::Server srv(d.server, {.port = kServerPort,
                             .mode = sim::ServerMode::kRespond,
                             .send_bytes = 3000,
                             .request_bytes = 100,
                             .close_on_eof = true,
                             .close_delay = milliseconds(100)});
  srv.start();
  auto opts =
      client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(100), 100}, {Act::kShutdown, ms(100)}});
  opts.close_on_eof = true;
  sim::Client cli(d.client, opts);
  cli.start();
  w.note(ms(100), 0, "user: send(100 bytes), shutdown(SHUT_WR)");
  w.note(ms(225), 1, "user: close() (100 ms after reading EOF)");
  w.run();
  Result r = w.finish(
      {.title = "Half-close: the server keeps sending after the client's FIN",
       .scenario = "half-close",
       .description =
           "The client sends a 100-byte request and shuts down its sending side "
           "(shutdown(SHUT_WR)): its FIN says \"no more data from me\", not \"stop talking\". "
           "The server (CLOSE-WAIT) still sends its 3000-byte answer, which the client (in "
           "FIN-WAIT-2) reads and acks; 100 ms later the server closes its own direction."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  Instant client_fin = kNever;
  for (const auto* p : sent_by(run, 0)) {
    if (p->tcp.flags.fin() && client_fin == kNever) client_fin = p->sent;
  }
  std::uint64_t after = 0;
  for (const auto* p : sent_by(run, 1)) {
    if (p->sent > client_fin && !p->tcp.flags.fin()) after += p->tcp.len;
  }
  check(r, after == 3000, "the server sends all 3000 bytes after the client's FIN");
  check(r,
        cli.report().received.bytes == 3000 && !srv.reports().empty() &&
            cli.report().received.hex() == srv.reports()[0].sent.hex(),
        "the client, half-closed, reads all 3000 bytes, byte-exact");
  check(r, has_path(state_path(run, 0), {kEstablished, kFinWait1, kFinWait2, kTimeWait, kClosed}),
        "client: ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSED");
  check(r, has_path(state_path(run, 1), {kEstablished, kCloseWait, kLastAck, kClosed}),
        "server: ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED");
  return r;
}

Result simultaneous_open(const Options& o) {
  World w(o);
  sim::Host& a = w.host("peer A", kClientAddr);
  sim::Host& b = w.host("peer B", kServerAddr);
  w.link(a, b);
  constexpr std::uint16_t kPortB = 40001;
  auto oa = client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(200), 100}, {Act::kClose, ms(300)}},
                      {kServerAddr, kPortB});
  auto ob = client_at({{Act::kConnect, ms(0)}}, {kClientAddr, kClientPort});
  ob.local_port = kPortB;
  ob.close_on_eof = true;
  sim::Client ca(a, oa);
  sim::Client cb(b, ob);
  ca.start();
  cb.start();
  w.note(ms(200), 0, "user: send(100 bytes)");
  w.run();
  Result r = w.finish(
      {.title = "Simultaneous open",
       .scenario = "simultaneous-open",
       .description =
           "Both peers bind a fixed port and connect() to each other at the same instant. "
           "The SYNs cross: each peer, in SYN-SENT, receives a SYN without an ACK and moves to "
           "SYN-RECEIVED, answering SYN-ACK. Each SYN-ACK then reaches a peer already in "
           "SYN-RECEIVED; this engine follows RFC 9293's fourth step (SYN in a synchronized "
           "state, RFC 5961 §4.2) and answers with a challenge ACK, and those ACKs complete "
           "the handshake one round trip later than RFC 9293 Figure 7 draws it (Linux accepts "
           "the SYN-ACK directly). One connection results, not two."},
      {w.participant(a, "peer A", kClientPort, kClosed),
       w.participant(b, "peer B", kPortB, kClosed)});
  const viz::Run& run = r.run;
  for (viz::EndpointId e : {0u, 1u}) {
    check(r, has_path(state_path(run, e), {kClosed, kSynSent, kSynReceived, kEstablished}),
          fmt::format("{}: CLOSED SYN-SENT SYN-RECEIVED ESTABLISHED", run.endpoints[e].name));
    check(r,
          count_flags(sent_by(run, e), kSynF) == 1 && count_flags(sent_by(run, e), kSynAckF) == 1,
          fmt::format("{} sends one SYN and one SYN-ACK", run.endpoints[e].name));
  }
  check(r, count_flags(sent_by(run, 0), kAckF) >= 1 && count_flags(sent_by(run, 1), kAckF) >= 1,
        "each peer answers the other's SYN-ACK with an ACK, which completes the handshake");
  check(r,
        ca.report().connected && cb.report().connected && cb.report().received.bytes == 100 &&
            cb.report().received.hex() == ca.report().sent.hex(),
        "one connection: B reads A's 100 bytes, byte-exact");
  return r;
}

Result simultaneous_close(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  ScriptedServer srv(d.server, {.port = kServerPort, .close_at = ms(200)});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}, {Act::kClose, ms(200)}}));
  cli.start();
  w.run();
  Result r = w.finish(
      {.title = "Simultaneous close",
       .scenario = "simultaneous-close",
       .description =
           "Both applications call close() at the same instant. The FINs cross: each side, "
           "in FIN-WAIT-1, receives the other's FIN before the ACK of its own and moves to "
           "CLOSING; the ACKs then take both to TIME-WAIT (RFC 9293 §3.6, Figure 13). Both "
           "sides wait 2MSL."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  for (viz::EndpointId e : {0u, 1u}) {
    check(
        r, has_path(state_path(run, e), {kEstablished, kFinWait1, kClosing, kTimeWait, kClosed}),
        fmt::format("{}: ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT CLOSED", run.endpoints[e].name));
    check_time_wait_2msl(r, run, e, 2 * d.client.stack().config().tcp.msl);
  }
  return r;
}

Result rst_closed_port(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  constexpr std::uint16_t kClosedPort = 81;
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}}, {kServerAddr, kClosedPort}));
  cli.start();
  w.run();
  std::vector<Participant> who = duo_participants(w, d, std::nullopt);
  who[1].port = kClosedPort;
  Result r = w.finish(
      {.title = "Connection refused: RST from a closed port",
       .scenario = "rst-closed-port",
       .description =
           "Nobody listens on port 81. The server's stack has no connection for the SYN and "
           "answers with a RST that acks it (RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN>"
           "<CTL=RST,ACK>). The client, in SYN-SENT, accepts the RST because it acks its SYN, "
           "and connect() fails with ECONNREFUSED."},
      who);
  const viz::Run& run = r.run;
  check(r, cli.report().error == std::errc::connection_refused,
        "connect() fails with ECONNREFUSED (connection_refused)");
  check(r,
        count_flags(sent_by(run, 1), TcpFlags::kRst | TcpFlags::kAck) == 1 &&
            sent_by(run, 1).size() == 1,
        "the server sends exactly one segment: RST ACK");
  check(r, has_path(state_path(run, 0), {kClosed, kSynSent, kClosed}),
        "client: CLOSED SYN-SENT CLOSED");
  check(r, d.server.stack().tcb_count() == 0, "the server keeps no state");
  return r;
}

}  // namespace synack::scenarios
