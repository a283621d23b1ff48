// SPDX-License-Identifier: Apache-2.0
// echo_sans_io: two synack stacks in one process, no I/O, no clock.
//
// The embedder owns the "wire" (a queue of packets between the stacks) and
// the time (a virtual clock that jumps to the next deadline when nothing is
// in flight). Stack B runs an echo server driven by readiness callbacks;
// stack A connects, sends a message, reads the echo back and closes.
// Exit status 0 when the echo matched and both sides closed cleanly.
#include <synack/stack.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

using synack::api::Instant;

namespace {

struct Wire {
  std::deque<std::pair<synack::api::Stack*, std::vector<std::byte>>> in_flight;
  /// Moves every packet `from` wants to send onto the wire, addressed to `to`.
  void collect(synack::api::Stack& from, synack::api::Stack& to, Instant now) {
    from.transmit(now, [&](std::span<const std::byte> p) {
      in_flight.emplace_back(&to, std::vector<std::byte>(p.begin(), p.end()));
    });
  }
};

/// Connections of `s` in any state but LISTEN (TIME-WAIT included).
std::size_t connections(const synack::api::Stack& s) {
  std::size_t n = 0;
  for (auto st = synack::api::State::kSynSent; st <= synack::api::State::kTimeWait;
       st = static_cast<synack::api::State>(static_cast<int>(st) + 1)) {
    n += s.count_in_state(st);
  }
  return n;
}

}  // namespace

int main() {
  using namespace synack::api;
  const Ipv4Address a_addr = Ipv4Address::from_octets(10, 0, 0, 1);
  const Ipv4Address b_addr = Ipv4Address::from_octets(10, 0, 0, 2);
  // Fixed secrets make the run reproducible; leave them out for real traffic.
  Stack a({.address = a_addr, .secret = Secret{1}});
  Stack b({.address = b_addr, .secret = Secret{2}});
  Instant now{};  // virtual time: starts at 0, advanced by this loop only

  // Server on B: accept, echo whatever arrives, close when the client does.
  const Fd listener = *b.socket();
  if (!b.bind(listener, {b_addr, 7}) || !b.listen(listener, 16, now)) return 1;
  std::size_t echoed = 0;
  auto echo = [&](Fd fd) {
    std::array<std::byte, 2048> buf{};
    while (auto n = b.recv(fd, buf, now)) {
      if (*n == 0) {  // the client's FIN: close our side too
        (void)b.close(fd, now);
        return;
      }
      echoed += b.send(fd, std::span(buf).first(*n), now).value_or(0);
    }
  };
  b.set_callback([&](Fd fd, std::uint32_t mask) {
    if (fd != listener) {
      if ((mask & kPollIn) != 0) echo(fd);
      return;
    }
    while (auto conn = b.accept(listener)) {
      std::printf("B: accepted fd %d\n", *conn);
      echo(*conn);  // data may have come with the handshake's last ACK
    }
  });

  // Client on A.
  const std::string message = "hello from a sans-IO stack";
  std::string reply;
  const Fd client = *a.socket();
  if (auto r = a.connect(client, {b_addr, 7}, now);
      r || r.error() != std::errc::operation_in_progress) {
    return 1;
  }
  bool sent = false, closed = false;

  Wire wire;
  // Until both sides are gone, TIME-WAIT (2·MSL of virtual time) included.
  for (int step = 0; step < 10'000 && !(closed && connections(a) + connections(b) == 0); ++step) {
    // The application side of A, polled.
    const std::uint32_t ready = a.poll(client);
    if (!sent && (ready & kPollOut) != 0) {
      auto n = a.send(client, std::as_bytes(std::span(message)), now);
      sent = n && *n == message.size();
    }
    if ((ready & kPollIn) != 0 && !closed) {
      std::array<std::byte, 2048> buf{};
      auto n = a.recv(client, buf, now);
      if (n && *n > 0) reply.append(reinterpret_cast<const char*>(buf.data()), *n);
      if (reply.size() == message.size()) closed = a.close(client, now).has_value();
    }
    // The network: move packets both ways; when none are in flight, jump to
    // the earliest timer (delayed ACKs, retransmissions, TIME-WAIT).
    wire.collect(a, b, now);
    wire.collect(b, a, now);
    if (!wire.in_flight.empty()) {
      auto [to, packet] = std::move(wire.in_flight.front());
      wire.in_flight.pop_front();
      to->receive(packet, now);
      continue;
    }
    const Instant next = std::min(a.next_deadline(), b.next_deadline());
    if (next == kNever) break;
    now = std::max(now, next);
    a.on_timeout(now);
    b.on_timeout(now);
  }

  std::printf("A sent %zu bytes, B echoed %zu, A read back \"%s\"\n", message.size(), echoed,
              reply.c_str());
  std::printf("A: %llu packets out, B: %llu packets out, virtual time %.3f s\n",
              static_cast<unsigned long long>(a.counters().ip_out),
              static_cast<unsigned long long>(b.counters().ip_out),
              std::chrono::duration<double>(now.time_since_epoch()).count());
  const bool ok = reply == message && echoed == message.size() && closed &&
                  connections(a) + connections(b) == 0;
  std::puts(ok ? "echo_sans_io: OK" : "echo_sans_io: FAILED");
  return ok ? 0 : 1;
}
