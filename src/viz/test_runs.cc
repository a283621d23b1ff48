// SPDX-License-Identifier: Apache-2.0
#include "viz/test_runs.hpp"

namespace synack::viz::testing {

namespace {

using enum tcp::State;
using namespace std::chrono_literals;

constexpr std::uint16_t kSyn = TcpFlags::kSyn;
constexpr std::uint16_t kAck = TcpFlags::kAck;
constexpr std::uint16_t kFin = TcpFlags::kFin;
constexpr std::uint16_t kPsh = TcpFlags::kPsh;

constexpr Duration kDelay = 25ms;  // one-way link delay

TcpFields syn_fields(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack) {
  TcpFields f{.flags = {flags},
              .seq = seq,
              .ack = ack,
              .len = 0,
              .window = 65535,
              .options = {},
              .options_text = "mss 1460,sackOK,wscale 7"};
  f.options.mss = 1460;
  f.options.sack_permitted = true;
  f.options.window_scale = 7;
  return f;
}

TcpFields seg(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0) {
  return TcpFields{.flags = {flags},
                   .seq = seq,
                   .ack = ack,
                   .len = len,
                   .window = 502,
                   .options = {},
                   .options_text = {}};
}

struct Pair {
  RunBuilder b;
  EndpointId c, s;
};

Pair make(std::string title, std::string scenario, tcp::State client0, tcp::State server0) {
  Pair p{RunBuilder(std::move(title), std::move(scenario)), 0, 1};
  p.b.generator("synack viz tests (hand-made)");
  p.c = p.b.endpoint("client", "10.0.0.1", 40000, 100, client0);
  p.s = p.b.endpoint("server", "10.0.0.2", 80, 300, server0);
  return p;
}

// The first two segments of the handshake, shared by two runs.
void syn_and_syn_ack(Pair& p) {
  auto& b = p.b;
  b.note(at(0ms), p.c, "user: connect()");
  b.state(at(0ms), p.c, kClosed, kSynSent, "active OPEN: snd SYN", "RFC 9293 §3.10.1");
  b.send(at(0ms), p.c, p.s, syn_fields(kSyn, 100, 0), at(kDelay));
  b.state(at(25ms), p.s, kListen, kSynReceived, "rcv SYN: snd SYN,ACK",
          "RFC 9293 §3.10.7.2 (LISTEN, third: SYN)");
  b.send(at(25ms), p.s, p.c, syn_fields(kSyn | kAck, 300, 101), at(25ms + kDelay));
  b.state(at(50ms), p.c, kSynSent, kEstablished, "rcv SYN,ACK acking our SYN: snd ACK",
          "RFC 9293 §3.10.7.3 (SYN-SENT, fourth: SYN)");
}

}  // namespace

Run handshake_data_close() {
  auto p = make("Handshake, data and four-way close", "handshake-data-close", kClosed, kListen);
  auto& b = p.b;
  b.description("The three-way handshake, one data segment, and the four-way close.");
  syn_and_syn_ack(p);
  b.send(at(50ms), p.c, p.s, seg(kAck, 101, 301), at(75ms));
  b.state(at(75ms), p.s, kSynReceived, kEstablished, "rcv ACK of our SYN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  b.note(at(100ms), p.c, "user: send(100 bytes)");
  b.send(at(100ms), p.c, p.s, seg(kPsh | kAck, 101, 301, 100), at(125ms));
  b.send(at(125ms), p.s, p.c, seg(kAck, 301, 201), at(150ms));
  b.note(at(200ms), p.c, "user: close()");
  b.state(at(200ms), p.c, kEstablished, kFinWait1, "CLOSE: snd FIN", "RFC 9293 §3.10.4");
  b.send(at(200ms), p.c, p.s, seg(kFin | kAck, 201, 301), at(225ms));
  b.state(at(225ms), p.s, kEstablished, kCloseWait, "rcv FIN: snd ACK",
          "RFC 9293 §3.10.7.4 (eighth: FIN)");
  b.send(at(225ms), p.s, p.c, seg(kAck, 301, 202), at(250ms));
  b.state(at(250ms), p.c, kFinWait1, kFinWait2, "rcv ACK of our FIN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  b.note(at(300ms), p.s, "user: close()");
  b.state(at(300ms), p.s, kCloseWait, kLastAck, "CLOSE: snd FIN", "RFC 9293 §3.10.4");
  b.send(at(300ms), p.s, p.c, seg(kFin | kAck, 301, 202), at(325ms));
  b.state(at(325ms), p.c, kFinWait2, kTimeWait, "rcv FIN: snd ACK, start 2MSL timer",
          "RFC 9293 §3.10.7.4 (eighth: FIN)");
  b.send(at(325ms), p.c, p.s, seg(kAck, 202, 302), at(350ms));
  b.state(at(350ms), p.s, kLastAck, kClosed, "rcv ACK of our FIN: delete TCB",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  b.state(at(60325ms), p.c, kTimeWait, kClosed, "timeout: 2MSL (MSL = 30 s)", "RFC 9293 §3.10.8");
  return b.build();
}

Run lost_third_ack() {
  auto p = make("Lost third ACK", "lost-third-ack", kClosed, kListen);
  auto& b = p.b;
  b.seed(42);
  b.description(
      "The link drops the client's ACK of the handshake. The server retransmits "
      "its SYN-ACK when its RTO expires; the client answers with a duplicate ACK.");
  syn_and_syn_ack(p);
  b.drop(at(50ms), p.c, p.s, seg(kAck, 101, 301), "scripted drop");
  b.note(at(1025ms), p.s, "timer: RTO 1 s expired, retransmit SYN,ACK");
  b.send(at(1025ms), p.s, p.c, syn_fields(kSyn | kAck, 300, 101), at(1050ms));
  b.note(at(1050ms), p.c, "rcv old SYN,ACK in ESTABLISHED: snd ACK (RFC 9293 §3.10.7.4 first)");
  b.send(at(1050ms), p.c, p.s, seg(kAck, 101, 301), at(1075ms));
  b.state(at(1075ms), p.s, kSynReceived, kEstablished, "rcv ACK of our SYN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  return b.build();
}

Run simultaneous_close() {
  auto p = make("Simultaneous close", "simultaneous-close", kEstablished, kEstablished);
  auto& b = p.b;
  b.description(
      "Both applications close at about the same time: the FINs cross in flight "
      "and both sides pass through CLOSING to TIME-WAIT.");
  b.note(at(0ms), p.c, "user: close()");
  b.state(at(0ms), p.c, kEstablished, kFinWait1, "CLOSE: snd FIN", "RFC 9293 §3.10.4");
  b.send(at(0ms), p.c, p.s, seg(kFin | kAck, 101, 301), at(25ms));
  b.note(at(5ms), p.s, "user: close()");
  b.state(at(5ms), p.s, kEstablished, kFinWait1, "CLOSE: snd FIN", "RFC 9293 §3.10.4");
  b.send(at(5ms), p.s, p.c, seg(kFin | kAck, 301, 101), at(30ms));
  b.state(at(25ms), p.s, kFinWait1, kClosing, "rcv FIN (our FIN not yet ACKed): snd ACK",
          "RFC 9293 §3.10.7.4 (eighth: FIN)");
  b.send(at(25ms), p.s, p.c, seg(kAck, 302, 102), at(50ms));
  b.state(at(30ms), p.c, kFinWait1, kClosing, "rcv FIN (our FIN not yet ACKed): snd ACK",
          "RFC 9293 §3.10.7.4 (eighth: FIN)");
  b.send(at(30ms), p.c, p.s, seg(kAck, 102, 302), at(55ms));
  b.state(at(50ms), p.c, kClosing, kTimeWait, "rcv ACK of our FIN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  b.state(at(55ms), p.s, kClosing, kTimeWait, "rcv ACK of our FIN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  return b.build();
}

Run simultaneous_open() {
  auto p = make("Simultaneous open", "simultaneous-open", kClosed, kClosed);
  auto& b = p.b;
  b.description(
      "Both sides connect() to each other at once: the SYNs cross, each side goes "
      "SYN-SENT → SYN-RECEIVED, and the SYN-ACKs cross too (RFC 9293 Figure 8).");
  b.note(at(0ms), p.c, "user: connect()");
  b.state(at(0ms), p.c, kClosed, kSynSent, "active OPEN: snd SYN", "RFC 9293 §3.10.1");
  b.send(at(0ms), p.c, p.s, syn_fields(kSyn, 100, 0), at(25ms));
  b.note(at(10ms), p.s, "user: connect()");
  b.state(at(10ms), p.s, kClosed, kSynSent, "active OPEN: snd SYN", "RFC 9293 §3.10.1");
  b.send(at(10ms), p.s, p.c, syn_fields(kSyn, 300, 0), at(35ms));
  b.state(at(25ms), p.s, kSynSent, kSynReceived, "rcv SYN without ACK: snd SYN,ACK",
          "RFC 9293 §3.10.7.3 (SYN-SENT, fourth: SYN)");
  b.send(at(25ms), p.s, p.c, syn_fields(kSyn | kAck, 300, 101), at(50ms));
  b.state(at(35ms), p.c, kSynSent, kSynReceived, "rcv SYN without ACK: snd SYN,ACK",
          "RFC 9293 §3.10.7.3 (SYN-SENT, fourth: SYN)");
  b.send(at(35ms), p.c, p.s, syn_fields(kSyn | kAck, 100, 301), at(60ms));
  b.state(at(50ms), p.c, kSynReceived, kEstablished, "rcv ACK of our SYN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  b.state(at(60ms), p.s, kSynReceived, kEstablished, "rcv ACK of our SYN",
          "RFC 9293 §3.10.7.4 (fifth: ACK)");
  return b.build();
}

Run lost_syn_refused() {
  RunBuilder b("Lost SYN, backoff, then RST", "lost-syn-refused");
  b.generator("synack viz tests (hand-made)");
  b.description(
      "The first two SYNs are lost; the client backs off 1 s, then 2 s. The third "
      "reaches a host with no listener on port 81, which answers RST,ACK.");
  auto c = b.endpoint("client", "10.0.0.1", 40000, 100, kClosed);
  auto s = b.endpoint("server", "10.0.0.2", 81);  // no connection: no state, no ISN
  b.note(at(0ms), c, "user: connect()");
  b.state(at(0ms), c, kClosed, kSynSent, "active OPEN: snd SYN", "RFC 9293 §3.10.1");
  b.drop(at(0ms), c, s, syn_fields(kSyn, 100, 0), "scripted drop");
  b.note(at(1000ms), c, "timer: RTO 1 s, backoff to 2 s");
  b.drop(at(1000ms), c, s, syn_fields(kSyn, 100, 0), "random loss");
  b.note(at(3000ms), c, "timer: RTO 2 s, backoff to 4 s");
  b.send(at(3000ms), c, s, syn_fields(kSyn, 100, 0), at(3025ms));
  b.note(at(3025ms), s, "RST sent: no such connection (RFC 9293 §3.10.7.1)");
  b.send(at(3025ms), s, c,
         TcpFields{.flags = {TcpFlags::kRst | kAck},
                   .seq = 0,
                   .ack = 101,
                   .len = 0,
                   .window = 0,
                   .options = {},
                   .options_text = {}},
         at(3050ms));
  b.state(at(3050ms), c, kSynSent, kClosed, "rcv RST,ACK: connection refused",
          "RFC 9293 §3.10.7.3 (SYN-SENT, second: RST)");
  return b.build();
}

std::vector<NamedRun> all_runs() {
  return {{"handshake-data-close", handshake_data_close()},
          {"lost-third-ack", lost_third_ack()},
          {"simultaneous-close", simultaneous_close()},
          {"simultaneous-open", simultaneous_open()},
          {"lost-syn-refused", lost_syn_refused()}};
}

}  // namespace synack::viz::testing
