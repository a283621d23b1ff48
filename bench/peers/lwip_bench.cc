// SPDX-License-Identifier: Apache-2.0
// lwIP (Debian's liblwip-dev, 2.1) beside synack: the patterns of bulk_bench,
// lifecycle_bench and latency_bench between two lwIP netifs in one thread,
// joined by the same kind of zero-delay in-memory link as bench::Link:
//
//  - wire order: one FIFO per direction, the two delivered alternately one
//    packet at a time, so the receiver's ACK (lwIP ACKs every second segment,
//    tcp_in.c tcp_ack) reaches the sender before the sender's next segment;
//  - each packet is copied once into a fresh pbuf on the way (lwIP keeps the
//    transmitted pbuf for retransmission; synack's link hands over the span
//    its poll_transmit already copied into);
//  - data is copied in by tcp_write(TCP_WRITE_FLAG_COPY) and out by
//    pbuf_copy_partial in the receive callback; every IP and TCP checksum is
//    computed and verified (lwIP defaults, checksum folded into the copy).
//
// One lwIP instance (its state is global) with netifs a (10.0.0.1) and
// b (10.0.0.2); each pcb is bound to its netif (tcp_bind_netif), so packets
// leave through the link instead of lwIP's loopback. Time is virtual: this
// program defines sys_now() (interposing the library's), advancing 10 µs per
// pump; lwIP's timers run from sys_check_timeouts().
//
// Debian's build fixes TCP_MSS 1460, TCP_WND and TCP_SND_BUF 64 KiB, so bulk
// runs at MTU 1500 only. lwIP's ephemeral ports are 49152..65535 (16k):
// lifecycle advances virtual time 2·MSL / 8192 per connection (about 8k
// TIME-WAIT pcbs alive; synack's lifecycle keeps about 16k).
//
// Usage: lwip_bench [--quick]; rows as bench/bench_rows.hpp:
//   bulk.lwip.1500, lifecycle.lwip, pingpong.lwip.p50, pingpong.lwip.p99
#include <cstring>
#include <deque>
#include <string>

#include "bench/bench_rows.hpp"

extern "C" {
#include <lwip/init.h>
#include <lwip/ip4.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
}

namespace {

std::uint64_t g_now_us = 1'000'000;  // virtual time, µs

}  // namespace

// lwIP's clock (lwip/sys.h); the library calls it through the PLT, so this
// definition replaces the one in liblwip.so.
extern "C" u32_t sys_now(void) {
  return static_cast<u32_t>(g_now_us / 1000);
}

namespace synack::bench {
namespace {

/// One direction of the link: packets in send order.
struct Wire {
  std::deque<pbuf*> queue;
  std::uint64_t packets = 0, data = 0;  // all packets, those with TCP payload
};

Wire g_ab, g_ba;  // a→b, b→a
netif g_a, g_b;

/// The TCP payload length of an IPv4 packet in `p` (headers contiguous).
std::size_t tcp_payload(const pbuf* p) {
  const auto* b = static_cast<const std::uint8_t*>(p->payload);
  const std::size_t ihl = (b[0] & 0x0fu) * 4u;
  const std::size_t total = (static_cast<std::size_t>(b[2]) << 8) | b[3];
  const std::size_t doff = (b[ihl + 12] >> 4) * 4u;
  return total - ihl - doff;
}

err_t link_output(netif* n, pbuf* p, const ip4_addr_t*) {
  pbuf* copy = pbuf_alloc(PBUF_RAW, p->tot_len, PBUF_RAM);
  if (copy == nullptr) return ERR_MEM;
  pbuf_copy(copy, p);
  Wire& w = n == &g_a ? g_ab : g_ba;
  ++w.packets;
  if (tcp_payload(copy) > 0) ++w.data;
  w.queue.push_back(copy);
  return ERR_OK;
}

err_t netif_setup(netif* n) {
  n->output = link_output;
  n->mtu = 1500;
  n->flags = NETIF_FLAG_UP | NETIF_FLAG_LINK_UP;
  n->name[0] = 'b';
  n->name[1] = n == &g_a ? 'a' : 'b';
  return ERR_OK;
}

void deliver(Wire& w, netif* to) {
  pbuf* p = w.queue.front();
  w.queue.pop_front();
  ip4_input(p, to);  // takes ownership
}

/// Delivers queued packets in wire order until both directions are quiet, then
/// advances virtual time by 10 µs and runs lwIP's due timers.
void pump() {
  while (!g_ab.queue.empty() || !g_ba.queue.empty()) {
    if (!g_ab.queue.empty()) deliver(g_ab, &g_b);
    if (!g_ba.queue.empty()) deliver(g_ba, &g_a);
  }
  g_now_us += 10;
  sys_check_timeouts();
}

void setup() {
  lwip_init();
  ip4_addr_t a, b, mask, gw;
  IP4_ADDR(&a, 10, 0, 0, 1);
  IP4_ADDR(&b, 10, 0, 0, 2);
  IP4_ADDR(&mask, 255, 255, 255, 0);
  ip4_addr_set_zero(&gw);
  netif_add(&g_a, &a, &mask, &gw, nullptr, netif_setup, ip4_input);
  netif_add(&g_b, &b, &mask, &gw, nullptr, netif_setup, ip4_input);
  netif_set_up(&g_a);
  netif_set_up(&g_b);
}

/// Per-pcb application state: bytes received (copied out), EOF seen.
struct Endpoint {
  tcp_pcb* pcb = nullptr;
  std::uint64_t received = 0;
  bool eof = false;
  std::vector<std::byte>* sink = nullptr;
};

err_t on_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t) {
  auto* e = static_cast<Endpoint*>(arg);
  if (p == nullptr) {
    e->eof = true;
    return ERR_OK;
  }
  // The application's copy out (recv()).
  std::size_t off = 0;
  while (off < p->tot_len) {
    const auto n = static_cast<u16_t>(std::min<std::size_t>(e->sink->size(), p->tot_len - off));
    pbuf_copy_partial(p, e->sink->data(), n, static_cast<u16_t>(off));
    off += n;
  }
  e->received += p->tot_len;
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return ERR_OK;
}

void on_error(void* arg, err_t) {
  static_cast<Endpoint*>(arg)->pcb = nullptr;  // lwIP freed it
}

Endpoint* g_accepted_into = nullptr;

err_t on_accept(void*, tcp_pcb* pcb, err_t err) {
  if (err != ERR_OK || pcb == nullptr || g_accepted_into == nullptr) return ERR_VAL;
  Endpoint* e = g_accepted_into;
  g_accepted_into = nullptr;
  e->pcb = pcb;
  tcp_arg(pcb, e);
  tcp_recv(pcb, on_recv);
  tcp_err(pcb, on_error);
  tcp_nagle_disable(pcb);
  return ERR_OK;
}

tcp_pcb* listen_on(std::uint16_t port) {
  tcp_pcb* l = tcp_new();
  tcp_bind_netif(l, &g_b);
  if (tcp_bind(l, IP_ADDR_ANY, port) != ERR_OK) return nullptr;
  l = tcp_listen_with_backlog(l, 255);
  tcp_accept(l, on_accept);
  return l;
}

/// Connects a new pcb on netif a to 10.0.0.2:port; fills `client` and
/// `server` (accepted on the listener). False if it did not open.
bool open(std::uint16_t port, Endpoint& client, Endpoint& server) {
  client = Endpoint{nullptr, 0, false, client.sink};
  server = Endpoint{nullptr, 0, false, server.sink};
  tcp_pcb* c = tcp_new();
  if (c == nullptr) return false;
  tcp_bind_netif(c, &g_a);
  tcp_arg(c, &client);
  tcp_recv(c, on_recv);
  tcp_err(c, on_error);
  tcp_nagle_disable(c);
  client.pcb = c;
  g_accepted_into = &server;
  ip_addr_t dst;
  IP_ADDR4(&dst, 10, 0, 0, 2);
  if (tcp_connect(c, &dst, port, nullptr) != ERR_OK) {
    tcp_abort(c);
    client.pcb = nullptr;
    return false;
  }
  for (int i = 0; i < 100 && server.pcb == nullptr; ++i) pump();
  return server.pcb != nullptr && client.pcb != nullptr;
}

bool send_bytes(Endpoint& e, const void* data, std::size_t n) {
  if (e.pcb == nullptr ||
      tcp_write(e.pcb, data, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY) != ERR_OK)
    return false;
  return tcp_output(e.pcb) == ERR_OK;
}

// ---- bulk -------------------------------------------------------------------

struct Bulk {
  Endpoint* client;
  const std::vector<std::byte>* src;
  std::uint64_t sent = 0, total = 0;
};

/// Writes as much as the send buffer takes (copy in), then tcp_output.
void refill(Bulk& b) {
  tcp_pcb* pcb = b.client->pcb;
  while (pcb != nullptr && b.sent < b.total) {
    const std::size_t off = b.sent % b.src->size();
    std::size_t n = std::min<std::uint64_t>(b.src->size() - off, b.total - b.sent);
    n = std::min<std::size_t>(n, tcp_sndbuf(pcb));
    n = std::min<std::size_t>(n, 16384);
    if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN) break;
    if (tcp_write(pcb, b.src->data() + off, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY) != ERR_OK)
      break;
    b.sent += n;
  }
  if (pcb != nullptr) tcp_output(pcb);
}

Bulk* g_bulk = nullptr;

/// The sent callback refills the send buffer as ACKs free it (as lwiperf).
err_t on_sent(void*, tcp_pcb*, u16_t) {
  if (g_bulk != nullptr) refill(*g_bulk);
  return ERR_OK;
}

void bulk(std::uint64_t total, double limit_s) {
  std::vector<std::byte> sink(256 * 1024);
  const auto src = pattern(256 * 1024);
  Endpoint client{nullptr, 0, false, &sink}, server{nullptr, 0, false, &sink};
  tcp_pcb* l = listen_on(5001);
  if (l == nullptr || !open(5001, client, server))
    return skipped("bulk.lwip.1500", "no connection");
  Bulk b{&client, &src, 0, total};
  g_bulk = &b;
  tcp_sent(client.pcb, on_sent);
  const std::uint64_t data0 = g_ab.data, acks0 = g_ba.packets;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  std::uint64_t loops = 0;
  while (server.received < total && client.pcb != nullptr) {
    refill(b);
    pump();
    if ((++loops & 63) == 0 && seconds_since(start) > limit_s) break;
  }
  const double secs = seconds_since(start);
  const std::uint64_t segs = g_ab.data - data0, acks = g_ba.packets - acks0;
  row("bulk.lwip.1500", static_cast<double>(server.received) * 8 / secs / 1e9, "Gbit/s",
      {{"bytes", server.received},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0},
       {"segments", segs},
       {"acks", acks},
       {"segments_per_ack", segments_per_ack(segs, acks)},
       {"ns_per_segment", secs * 1e9 / static_cast<double>(std::max<std::uint64_t>(segs, 1))},
       {"complete", server.received >= total}});
  g_bulk = nullptr;
  if (client.pcb != nullptr) tcp_close(client.pcb);
  if (server.pcb != nullptr) tcp_close(server.pcb);
  tcp_close(l);
  pump();
}

// ---- lifecycle ---------------------------------------------------------------

void lifecycle(std::uint64_t count, double limit_s) {
  std::vector<std::byte> sink(16);
  Endpoint client{nullptr, 0, false, &sink}, server{nullptr, 0, false, &sink};
  tcp_pcb* l = listen_on(80);
  if (l == nullptr) return skipped("lifecycle.lwip", "no listener");
  const std::uint64_t step_us = 2 * 60'000'000ull / 8192;  // 2·MSL (60 s) / 8192
  const char req = '?';
  std::uint64_t done = 0, failed = 0;
  const std::uint64_t packets0 = g_ab.packets + g_ba.packets;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  while (done < count && failed < 100) {
    if (!open(80, client, server)) {
      ++failed;
      if (client.pcb != nullptr) tcp_abort(client.pcb);
      g_now_us += step_us;
      sys_check_timeouts();
      continue;
    }
    bool ok = send_bytes(client, &req, 1);
    pump();
    ok = ok && server.received == 1 && send_bytes(server, &req, 1);
    pump();
    ok = ok && client.received == 1;
    tcp_close(client.pcb);  // client first: the client keeps the TIME-WAIT
    client.pcb = nullptr;
    pump();
    ok = ok && server.eof;
    if (server.pcb != nullptr) tcp_close(server.pcb);
    server.pcb = nullptr;
    pump();
    failed += ok ? 0 : 1;
    ++done;
    g_now_us += step_us;
    sys_check_timeouts();
    if ((done & 255) == 0 && seconds_since(start) > limit_s) break;
  }
  const double secs = seconds_since(start);
  row("lifecycle.lwip", static_cast<double>(done) / secs, "conn/s",
      {{"connections", done},
       {"failed", failed},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0},
       {"packets", g_ab.packets + g_ba.packets - packets0}});
  tcp_close(l);
}

// ---- ping-pong ---------------------------------------------------------------

void pingpong(std::size_t rounds) {
  std::vector<std::byte> sink(16);
  Endpoint client{nullptr, 0, false, &sink}, server{nullptr, 0, false, &sink};
  tcp_pcb* l = listen_on(7);
  if (l == nullptr || !open(7, client, server))
    return skipped("pingpong.lwip.p50", "no connection");
  const char one = 1;
  std::vector<double> ns;
  ns.reserve(rounds);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < rounds + rounds / 10; ++i) {
    const auto t0 = Clock::now();
    const std::uint64_t s0 = server.received, c0 = client.received;
    bad += send_bytes(client, &one, 1) ? 0 : 1;
    pump();
    bad += server.received == s0 + 1 ? 0 : 1;
    bad += send_bytes(server, &one, 1) ? 0 : 1;
    pump();
    bad += client.received == c0 + 1 ? 0 : 1;
    const auto t1 = Clock::now();
    if (i >= rounds / 10) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  const double p99 = percentile(ns, 0.99);
  const double p50 = percentile(ns, 0.50);
  row("pingpong.lwip.p50", p50, "ns", {{"rounds", rounds}, {"errors", bad}});
  row("pingpong.lwip.p99", p99, "ns", {{"rounds", rounds}, {"errors", bad}});
  tcp_close(client.pcb);
  tcp_close(server.pcb);
  tcp_close(l);
  pump();
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else {
      std::fprintf(stderr, "lwip_bench: unknown argument '%s' (usage: lwip_bench [--quick])\n",
                   argv[i]);
      return std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  setup();
  bulk(quick ? (32ull << 20) : (1ull << 30), quick ? 5 : 60);
  lifecycle(quick ? 5000 : 1000000, quick ? 3 : 8);
  pingpong(quick ? 20000 : 500000);
}
