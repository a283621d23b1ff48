// SPDX-License-Identifier: Apache-2.0
// Scenarios with scripted losses: retransmission in the handshake, giving up,
// and why TIME-WAIT lasts 2MSL.
#include <fmt/core.h>

#include "scenarios/peer.hpp"
#include "scenarios/scenarios.hpp"
#include "scenarios/world.hpp"

namespace synack::scenarios {

using enum tcp::State;
using Act = sim::ClientAction::Kind;

namespace {

constexpr std::uint16_t kSynF = TcpFlags::kSyn;
constexpr std::uint16_t kSynAckF = TcpFlags::kSyn | TcpFlags::kAck;

std::vector<Instant> send_times(const viz::Run& run, viz::EndpointId e, std::uint16_t flags) {
  std::vector<Instant> out;
  for (const auto* p : sent_by(run, e)) {
    if (p->tcp.flags.bits == flags) out.push_back(p->sent);
  }
  return out;
}

std::string secs(Duration d) {
  return fmt::format("{} ms", std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

Result lost_syn(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  w.fault(d.c2s, "drop:S:1");
  w.fault(d.c2s, "drop:S:2");
  sim::Server srv(d.server, {.port = kServerPort, .mode = sim::ServerMode::kDiscard});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}}));
  cli.start();
  w.run();
  Result r = w.finish(
      {.title = "Lost SYN: retransmission with exponential backoff",
       .scenario = "lost-syn",
       .description =
           "The link loses the client's first two SYNs. Nothing comes back, so the client's "
           "retransmission timer decides: the SYN is sent again after the initial RTO of 1 s "
           "(RFC 6298 (2.1)), then after 2 s (the RTO doubles, RFC 6298 (5.5)). The third SYN "
           "gets through and the handshake completes 3 s late."},
      duo_participants(w, d));
  const auto syns = send_times(r.run, 0, kSynF);
  check(r, syns.size() == 3 && syns[1] - syns[0] == seconds(1) && syns[2] - syns[1] == seconds(2),
        "SYN sent at 0 s, 1 s and 3 s: RTO 1 s, then doubled to 2 s");
  check(r, cli.report().connected && srv.reports().size() == 1,
        "the third SYN completes the handshake: one connection");
  check(r, has_path(state_path(r.run, 0), {kClosed, kSynSent, kEstablished}),
        "client: CLOSED SYN-SENT ESTABLISHED");
  return r;
}

Result lost_synack(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  w.fault(d.s2c, "drop:S.:1");
  sim::Server srv(d.server, {.port = kServerPort, .mode = sim::ServerMode::kDiscard});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}}));
  cli.start();
  w.run();
  Result r = w.finish(
      {.title = "Lost SYN-ACK: both sides retransmit",
       .scenario = "lost-synack",
       .description =
           "The link loses the server's SYN-ACK. Both ends are waiting: the client for the "
           "SYN-ACK, the server (SYN-RECEIVED) for the ACK. The client's SYN timer fires after "
           "1 s and it sends the SYN again; the server answers the duplicate SYN with its "
           "SYN-ACK, and its own timer also retransmits the SYN-ACK. The first SYN-ACK to "
           "arrive completes the handshake; the later one is answered with an ACK."},
      duo_participants(w, d));
  const auto syns = send_times(r.run, 0, kSynF);
  const auto synacks = send_times(r.run, 1, kSynAckF);
  check(r, syns.size() == 2 && syns[1] - syns[0] == seconds(1),
        "the client retransmits its SYN after 1 s");
  check(r, synacks.size() >= 2, "the server sends its SYN-ACK again");
  check(r,
        cli.report().connected && srv.reports().size() == 1 &&
            has_path(state_path(r.run, 1), {kListen, kSynReceived, kEstablished}),
        "one connection, established on both sides");
  return r;
}

Result lost_third_ack(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  w.fault(d.c2s, "drop:.:1");
  w.fault(d.c2s, "drop:.:2");
  sim::Server srv(d.server, {.port = kServerPort, .mode = sim::ServerMode::kDiscard});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}, {Act::kSend, ms(1500), 100}}));
  cli.start();
  w.note(ms(1500), 0, "user: send(100 bytes)");
  w.run();
  Result r = w.finish(
      {.title = "Lost third ACK",
       .scenario = "lost-third-ack",
       .description =
           "The link loses the client's ACK of the handshake. The client is ESTABLISHED (it "
           "saw its SYN acked); the server is still in SYN-RECEIVED. The server's timer "
           "retransmits the SYN-ACK after 1 s; the client answers with an ACK, which is lost "
           "too. Then the client sends its first data: that segment carries the same "
           "acknowledgment, so it completes the handshake at the server (RFC 9293 §3.10.7.4 "
           "fifth: ACK in SYN-RECEIVED) and the data is delivered."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  const auto synacks = send_times(run, 1, kSynAckF);
  check(r, synacks.size() == 2 && synacks[1] - synacks[0] == seconds(1),
        "the server retransmits its SYN-ACK once, after 1 s");
  const viz::PacketEvent* data = nullptr;
  for (const auto* p : sent_by(run, 0)) {
    if (p->tcp.len > 0 && data == nullptr) data = p;
  }
  check(r, data != nullptr && data->arrived && first_entry(run, 1, kEstablished) == *data->arrived,
        "the server becomes ESTABLISHED when the client's first data segment arrives");
  check(r,
        srv.reports().size() == 1 && srv.reports()[0].received.bytes == 100 &&
            srv.reports()[0].received.hex() == cli.report().sent.hex(),
        "the server reads the 100 bytes, byte-exact");
  return r;
}

Result lost_third_ack_giveup(const Options& o) {
  World w(o);
  constexpr std::uint8_t kSynackRetries = 2;
  Duo d = make_duo(w, {}, [](StackConfig& c) { c.tcp.synack_retries = kSynackRetries; });
  for (int i = 1; i <= 4; ++i) w.fault(d.c2s, fmt::format("drop:.:{}", i));
  sim::Server srv(d.server, {.port = kServerPort, .mode = sim::ServerMode::kDiscard});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}}));
  cli.start();
  w.run();
  Result r = w.finish(
      {.title = "Lost third ACK, server gives up (synack_retries = 2)",
       .scenario = "lost-third-ack-giveup",
       .description =
           "Every ACK the client sends is lost. The server retransmits its SYN-ACK after 1 s "
           "and 2 s; synack_retries is set to 2 here (Linux default 5: 1+2+4+8+16+32 s) to keep "
           "the diagram short. When the last timer (4 s) expires the server gives up on the "
           "half-open connection and sends a RST (this engine's choice; Linux drops it "
           "silently). The client believed it was ESTABLISHED all along; the RST ends it "
           "with ECONNRESET."},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  const auto synacks = send_times(run, 1, kSynAckF);
  check(r, synacks.size() == 1u + kSynackRetries,
        fmt::format("the server sends its SYN-ACK {} times (1 + synack_retries)",
                    1 + kSynackRetries));
  check(r, srv.reports().empty(), "no connection is ever accepted by the server application");
  check(r,
        has_path(state_path(run, 1), {kListen, kSynReceived}) &&
            (state_path(run, 1).back() == kClosed || state_path(run, 1).back() == kListen),
        "server: SYN-RECEIVED, then the half-open connection is gone");
  check(r,
        count_flags(sent_by(run, 1), TcpFlags::kRst) +
                    count_flags(sent_by(run, 1), TcpFlags::kRst | TcpFlags::kAck) ==
                1 &&
            cli.report().error == std::errc::connection_reset,
        "the server resets the connection when it gives up; the client sees ECONNRESET");
  return r;
}

Result lost_final_ack(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  w.fault(d.c2s, "drop:4");  // SYN, ACK, FIN, and the final ACK
  sim::Server srv(d.server, {.port = kServerPort,
                             .mode = sim::ServerMode::kDiscard,
                             .close_on_eof = true,
                             .close_delay = milliseconds(50)});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}, {Act::kClose, ms(100)}}));
  cli.start();
  w.run();
  auto who = duo_participants(w, d);
  const Duration two_msl = 2 * d.client.stack().config().tcp.msl;
  Result r = w.finish(
      {.title = "Lost final ACK: why TIME-WAIT (reason 1)",
       .scenario = "lost-final-ack",
       .description =
           "The link loses the client's last ACK. The server, in LAST-ACK, cannot know whether "
           "its FIN arrived, so it retransmits it. The client is still in TIME-WAIT, so it can "
           "answer with the ACK again and restart its 2MSL timer; the server closes cleanly. "
           "Had the client gone straight to CLOSED, the retransmitted FIN would have met no "
           "connection and drawn a RST: the server would see an error instead of a clean close."},
      who);
  const viz::Run& run = r.run;
  std::vector<const viz::PacketEvent*> fins;
  for (const auto* p : sent_by(run, 1)) {
    if (p->tcp.flags.fin()) fins.push_back(p);
  }
  check(r, fins.size() == 2, "the server, in LAST-ACK, retransmits its FIN");
  bool reacked = false;
  if (fins.size() == 2 && fins[1]->arrived) {
    for (const auto* p : sent_by(run, 0)) {
      if (p->sent == *fins[1]->arrived && p->tcp.flags.ack() && !p->tcp.flags.fin() &&
          p->fate == viz::Fate::kDelivered) {
        reacked = true;
      }
    }
  }
  check(r, reacked, "the client answers the retransmitted FIN from TIME-WAIT with an ACK");
  check(r, has_note(run, 0, "timer: 2MSL restarted"),
        "the client's engine reports the 2MSL timer restarted");
  Instant tw_end = kNever;
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev);
        s && s->endpoint == 0 && s->from == kTimeWait && s->to == kClosed) {
      tw_end = s->time;
    }
  }
  check(r, fins.size() == 2 && fins[1]->arrived && tw_end == *fins[1]->arrived + two_msl,
        fmt::format("the client's TIME-WAIT ends 2MSL after the retransmitted FIN ({} after it), "
                    "not 2MSL after it began",
                    secs(two_msl)));
  check(r,
        has_path(state_path(run, 1), {kLastAck, kClosed}) && srv.reports().size() == 1 &&
            !srv.reports()[0].error,
        "the server closes cleanly (LAST-ACK to CLOSED), no error");
  return r;
}

Result stale_segment(const Options& o) {
  World w(o);
  Duo d = make_duo(w);
  w.fault(d.s2c, "dup-at:2:1000ms");  // segment 2 from the server: its data
  sim::Server srv(d.server, {.port = kServerPort,
                             .mode = sim::ServerMode::kSend,
                             .send_bytes = 100,
                             .close_on_eof = true});
  srv.start();
  sim::Client cli(d.client, client_at({{Act::kConnect, ms(0)}, {Act::kClose, ms(300)}}));
  cli.start();
  w.run();
  Result r = w.finish(
      {.title = "Stale segment: why TIME-WAIT (reason 2)",
       .scenario = "stale-segment",
       .description =
           "The server sends 100 bytes; the network keeps a copy of that segment and delivers "
           "it again at t = 1 s, after the connection has closed. The client, which closed "
           "first, is in TIME-WAIT for 2MSL, so the 4-tuple is still taken: the stale segment "
           "meets the old connection's record and is rejected (it is below RCV.NXT: ACK and "
           "discard). Without TIME-WAIT a new connection between the same ports could already "
           "exist, and an old segment whose sequence number fell into its window would be "
           "accepted as its data. 2MSL is long enough for every segment of the old connection "
           "to have died in the network. (The client's ACK of the stale segment then meets "
           "only the server's listener, which answers RST; TIME-WAIT ignores that RST, RFC 1337.)"},
      duo_participants(w, d));
  const viz::Run& run = r.run;
  const viz::PacketEvent* stale = nullptr;
  for (const auto& ev : run.events) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev);
        p && p->fate == viz::Fate::kDuplicated) {
      stale = p;
    }
  }
  const Instant tw = first_entry(run, 0, kTimeWait);
  check(r,
        stale != nullptr && stale->arrived && tw != kNever && *stale->arrived > tw &&
            *stale->arrived < tw + 2 * d.client.stack().config().tcp.msl,
        "the stale copy arrives while the client is in TIME-WAIT (within 2MSL)");
  check(r,
        cli.report().received.bytes == 100 && !srv.reports().empty() &&
            cli.report().received.hex() == srv.reports()[0].sent.hex(),
        "the client application received the 100 bytes exactly once");
  bool state_at_stale = false;
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev);
        s && stale && stale->arrived && s->endpoint == 0 && s->time == *stale->arrived) {
      state_at_stale = true;
    }
  }
  check(r, !state_at_stale && has_path(state_path(run, 0), {kTimeWait, kClosed}),
        "the client stays in TIME-WAIT when the stale segment arrives, then CLOSED");
  return r;
}

}  // namespace synack::scenarios
