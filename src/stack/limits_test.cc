// SPDX-License-Identifier: Apache-2.0
// Resource bounds under attack, each proved by its counter (Stack::stats()):
// replies to no-connection packets rate-limited, orphaned connections capped
// and orphaned FIN-WAIT-2 timed out, the TIME-WAIT table, the TCB count and
// the control queue capped, IPv4 fragment floods evicted so real datagrams
// still get through (the table in docs/hostile-input.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "stack/stack.hpp"
#include "stack/stack_pair.hpp"
#include "wire/tcp.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

std::uint64_t stat(const Stack& s, const std::string& name) {
  for (const auto& [n, v] : s.stats()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

// `s` from a to b as an IPv4 packet (fragment_first: one of two 16-byte
// fragments of a 32-byte segment, `part` 0 or 1).
std::vector<std::byte> ipv4(const TcpSegment& s, std::uint16_t ip_id = 0,
                            bool fragment_first = false, std::size_t part = 0) {
  std::vector<std::byte> tcp(s.wire_size());
  s.emit(tcp, kA, kB);
  Ipv4Header h{.identification = ip_id, .dont_fragment = false, .src = kA, .dst = kB};
  if (fragment_first) {  // one of two 16-byte fragments of the 32-byte segment
    h.more_fragments = part == 0;
    h.fragment_offset = static_cast<std::uint16_t>(16 * part);
    std::vector<std::byte> p(Ipv4Header::kSize + 16);
    h.emit(p, 16);
    std::copy_n(tcp.begin() + static_cast<std::ptrdiff_t>(16 * part), 16,
                p.begin() + Ipv4Header::kSize);
    return p;
  }
  std::vector<std::byte> p(Ipv4Header::kSize + tcp.size());
  h.emit(p, static_cast<std::uint16_t>(tcp.size()));
  std::copy(tcp.begin(), tcp.end(), p.begin() + Ipv4Header::kSize);
  return p;
}

// A SYN from a:port to b:dst_port as an IPv4 packet.
std::vector<std::byte> syn(std::uint16_t port, std::uint16_t dst_port, std::uint16_t ip_id = 0,
                           bool fragment_first = false, std::size_t part = 0) {
  TcpSegment s;
  s.src_port = port;
  s.dst_port = dst_port;
  s.seq = SeqNum(1000u * port);
  s.flags = TcpFlags{TcpFlags::kSyn};
  s.window = 65535;
  s.options.mss(1460).nop().nop().nop().nop().nop().nop().nop().nop();  // 32-byte header
  return ipv4(s, ip_id, fragment_first, part);
}

TEST(Limits, RepliesToClosedPortsAreRateLimited) {
  Stack b(test_stack_config(kB, 2));
  ASSERT_EQ(b.config().reply_rate_limit, 200u);  // FreeBSD icmplim, on by default
  Instant t{};
  for (std::uint16_t i = 0; i < 1000; ++i) {
    b.receive(syn(static_cast<std::uint16_t>(20000 + i), 81), t + microseconds(i * 500));
  }
  std::size_t sent = 0;
  b.transmit(t + milliseconds(500), [&](Bytes) { ++sent; });
  EXPECT_EQ(sent, 200u);
  EXPECT_EQ(b.counters().rst_out, 200u);
  EXPECT_EQ(stat(b, "drop_reply-rate-limited"), 800u);
  // The next second has a fresh allowance.
  b.receive(syn(30000, 81), t + milliseconds(1600));
  EXPECT_EQ(b.counters().rst_out, 201u);
}

TEST(Limits, OrphansBeyondTheCapAreAborted) {
  StackConfig cb = test_stack_config(kB, 2);
  cb.max_orphans = 2;
  StackPair net{test_stack_config(kA, 1), cb};
  Stack& a = net.a();
  Stack& b = net.b();
  const Fd l = *b.socket();
  ASSERT_TRUE(b.bind(l, {kB, 80}).has_value());
  ASSERT_TRUE(b.listen(l, 16, net.now()).has_value());
  std::vector<Fd> clients, servers;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(*a.socket());
    (void)a.connect(clients.back(), {kB, 80}, net.now());
  }
  net.run_for(milliseconds(50));
  while (auto s = b.accept(l)) servers.push_back(*s);
  ASSERT_EQ(servers.size(), 4u);
  net.filter = [](bool from_a, Bytes) { return !from_a; };  // the peer goes silent
  for (Fd s : servers) ASSERT_TRUE(b.close(s, net.now()).has_value());
  net.run_for(milliseconds(10));  // the aborted two send their RST and are freed
  EXPECT_EQ(b.orphan_count(), 2u);
  EXPECT_EQ(stat(b, "orphans_aborted"), 2u);
  // The two kept orphans end by the FIN retransmission give-up, and the count follows.
  net.run_for(seconds(2000));
  EXPECT_EQ(b.orphan_count(), 0u);
  EXPECT_EQ(stat(b, "orphans_now"), 0u);
}

// b's test configuration with one field changed.
template <class T>
StackConfig b_with(T StackConfig::*field, std::type_identity_t<T> value) {
  StackConfig c = test_stack_config(kB, 2);
  c.*field = value;
  return c;
}

// A listener and `n` connections to it from a, accepted by b.
struct Accepted {
  std::vector<Fd> clients, servers;
};
Accepted connect_n(StackPair& net, std::size_t n) {
  Stack& a = net.a();
  Stack& b = net.b();
  const Fd l = *b.socket();
  EXPECT_TRUE(b.bind(l, {kB, 80}).has_value());
  EXPECT_TRUE(b.listen(l, 16, net.now()).has_value());
  Accepted r;
  for (std::size_t i = 0; i < n; ++i) {
    r.clients.push_back(*a.socket());
    (void)a.connect(r.clients.back(), {kB, 80}, net.now());  // EINPROGRESS
  }
  net.run_for(milliseconds(50));
  while (auto s = b.accept(l)) r.servers.push_back(*s);
  EXPECT_EQ(r.servers.size(), n);
  return r;
}

// b closes, a ACKs the FIN but never closes: b's orphan waits in FIN-WAIT-2
// for tcp.fin_wait_2_timeout (60 s, Linux tcp_fin_timeout) and no longer.
TEST(Limits, OrphanedFinWait2EndsAfterTheTimeout) {
  StackPair net{test_stack_config(kA, 1), test_stack_config(kB, 2)};
  Stack& b = net.b();
  ASSERT_EQ(b.config().tcp.fin_wait_2_timeout, seconds(60));
  const Accepted c = connect_n(net, 1);
  ASSERT_TRUE(b.close(c.servers.at(0), net.now()).has_value());
  net.run_for(milliseconds(50));  // FIN sent and ACKed; a stays in CLOSE-WAIT
  EXPECT_EQ(b.orphan_count(), 1u);
  net.run_for(seconds(59));
  EXPECT_EQ(stat(b, "fin_wait_2_timeouts"), 0u);
  EXPECT_EQ(b.tcb_count(), 1u);
  net.run_for(seconds(2));
  EXPECT_EQ(stat(b, "fin_wait_2_timeouts"), 1u);
  EXPECT_EQ(b.orphan_count(), 0u);
  EXPECT_EQ(b.tcb_count(), 0u);
}

// Four active closes into a TIME-WAIT table of two: two entries kept, two
// connections freed at once and counted (Linux tcp_max_tw_buckets overflow).
TEST(Limits, TimeWaitTableIsCapped) {
  StackPair net{test_stack_config(kA, 1), b_with(&StackConfig::max_time_wait, 2)};
  const Accepted c = connect_n(net, 4);
  for (Fd s : c.servers) ASSERT_TRUE(net.b().close(s, net.now()).has_value());
  net.run_for(milliseconds(50));
  for (Fd s : c.clients) ASSERT_TRUE(net.a().close(s, net.now()).has_value());
  net.run_for(milliseconds(50));
  EXPECT_EQ(stat(net.b(), "time_wait_now"), 2u);
  EXPECT_EQ(stat(net.b(), "time_wait_evicted"), 2u);
  EXPECT_EQ(net.b().tcb_count(), 0u);
}

// With max_connections TCBs, further SYNs are dropped (counted) and connect()
// fails with ENOBUFS.
TEST(Limits, ConnectionsBeyondTheCapAreRefused) {
  StackPair net{test_stack_config(kA, 1), b_with(&StackConfig::max_connections, 2)};
  Stack& a = net.a();
  Stack& b = net.b();
  (void)connect_n(net, 2);
  for (int i = 0; i < 2; ++i) (void)a.connect(*a.socket(), {kB, 80}, net.now());
  net.run_for(milliseconds(50));  // before the SYNs' first retransmission
  EXPECT_EQ(b.tcb_count(), 2u);
  EXPECT_EQ(stat(b, "drop_too-many-connections"), 2u);
  const auto r = b.connect(*b.socket(), {kA, 9}, net.now());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), std::errc::no_buffer_space);
}

// SegmentSmack: 1-byte segments that each open a new hole. The reassembler
// keeps tcp::ReassemblyConfig::max_intervals (32) intervals and drops the
// rest (tcp_ooo_interval_limit), also once the connection is gone.
TEST(Limits, OutOfOrderIntervalsAreBounded) {
  StackConfig ca = test_stack_config(kA, 1);
  StackConfig cb = test_stack_config(kB, 2);
  ca.tcp.timestamps = cb.tcp.timestamps = false;  // the forged segments carry none
  StackPair net{ca, cb};
  std::vector<std::byte> last;  // a's last segment: its ports, SEQ and ACK
  net.filter = [&](bool from_a, Bytes p) {
    if (from_a) last.assign(p.begin(), p.end());
    return true;
  };
  const Accepted c = connect_n(net, 1);
  ASSERT_GE(last.size(), Ipv4Header::kSize + 20);
  const Bytes tcp = Bytes(last).subspan(Ipv4Header::kSize);
  const std::byte x{'x'};
  for (std::uint32_t i = 0; i < 40; ++i) {
    TcpSegment s;
    s.src_port = load_be16(tcp, 0);
    s.dst_port = load_be16(tcp, 2);
    s.seq = SeqNum(load_be32(tcp, 4) + 2 * i + 1);  // rcv.nxt + 1, + 3, ...
    s.ack = SeqNum(load_be32(tcp, 8));
    s.flags = TcpFlags{TcpFlags::kAck};
    s.window = 65535;
    s.payload = Bytes(&x, 1);
    net.b().receive(ipv4(s), net.now());
  }
  EXPECT_EQ(stat(net.b(), "tcp_ooo_interval_limit"), 8u);
  ASSERT_TRUE(net.b().close(c.servers.at(0), net.now()).has_value());
  ASSERT_TRUE(net.a().close(c.clients.at(0), net.now()).has_value());
  net.run_for(seconds(300));
  EXPECT_EQ(net.b().tcb_count(), 0u);
  EXPECT_EQ(stat(net.b(), "tcp_ooo_interval_limit"), 8u);
}

// RSTs for closed ports wait in a control queue of max_control_queue packets;
// beyond it they are dropped and counted.
TEST(Limits, ControlQueueIsCapped) {
  StackConfig cfg = test_stack_config(kB, 2);
  cfg.max_control_queue = 4;
  cfg.reply_rate_limit = 0;
  Stack b(cfg);
  const Instant t{};
  for (std::uint16_t i = 0; i < 10; ++i)
    b.receive(syn(static_cast<std::uint16_t>(20000 + i), 81), t);
  EXPECT_EQ(stat(b, "drop_control-queue-full"), 6u);
  std::size_t sent = 0;
  b.transmit(t, [&](Bytes) { ++sent; });
  EXPECT_EQ(sent, 4u);
}

// A flood of first fragments that never complete, with real fragmented SYNs
// amid it: the table evicts the oldest (frag-evicted) and every real SYN is
// reassembled and answered.
TEST(Limits, FragmentFloodDoesNotLockOutRealDatagrams) {
  StackConfig cfg = test_stack_config(kB, 2);
  cfg.reply_rate_limit = 0;
  Stack b(cfg);
  const Fd l = *b.socket();
  ASSERT_TRUE(b.bind(l, {kB, 80}).has_value());
  ASSERT_TRUE(b.listen(l, 128, Instant{}).has_value());
  Instant t{};
  std::size_t synacks = 0;
  for (std::uint16_t k = 0; k < 2000; ++k) {
    t = t + microseconds(100);
    b.receive(syn(static_cast<std::uint16_t>(5000 + k), 80, static_cast<std::uint16_t>(k), true, 0),
              t);  // flood: first halves only
    if (k % 100 == 50) {
      const auto id = static_cast<std::uint16_t>(40000 + k);
      b.receive(syn(static_cast<std::uint16_t>(60000 + k / 100), 80, id, true, 0), t);
      b.receive(syn(static_cast<std::uint16_t>(60000 + k / 100), 80, id, true, 1), t);
    }
    b.transmit(t, [&](Bytes) { ++synacks; });
  }
  EXPECT_EQ(synacks, 20u);
  EXPECT_GT(stat(b, "frag-evicted"), 1900u);
  EXPECT_LE(stat(b, "frag_datagrams_held"), b.config().reassembly.max_datagrams);
}

TEST(Limits, StatsNameEveryDropReason) {
  Stack b(test_stack_config(kB, 2));
  const auto all = b.stats();
  const auto has = [&](const std::string& n) {
    return std::any_of(all.begin(), all.end(), [&](const auto& p) { return p.first == n; });
  };
  for (const char* n : {"ip_in", "drop_malformed", "drop_reply-rate-limited", "frag-duplicate",
                        "frag-evicted", "frag-overlap", "tcp_paws", "tcp_pmtu-floor",
                        "tcp_syn-queue-full", "tcp_challenge-ack-limit", "syn_cookies_sent",
                        "time_wait_evicted", "orphans_aborted", "fin_wait_2_timeouts"}) {
    EXPECT_TRUE(has(n)) << n;
  }
}

}  // namespace
}  // namespace synack
