// SPDX-License-Identifier: Apache-2.0
// Fuzz target stack_receive: the whole inbound path with state carried between
// packets — IPv4 validation, fragment reassembly, ICMP (echo, errors quoting
// our segments, PMTU), the demultiplexer, the listener (SYN queue, cookies),
// the engine, TIME-WAIT — and the timers, in virtual time.
//
// One input is a program of operations (InputReader: any bytes are a program):
//   0 raw packet   bytes as given; optionally fixed up (our address, IP and TCP
//                  checksums) so the fuzzer gets past validation cheaply
//   1 segment      a TCP segment built from fields, its seq/ack relative to what
//                  the stack last sent on that 4-tuple (so handshakes complete
//                  and data is in window), options, payload; optionally cut into
//                  IP fragments (overlapping, duplicated, reordered as told)
//   2 ICMP error   quoting the last packet we sent to that peer (type, code, MTU)
//   3 ICMP echo
//   4 time         advance virtual time, firing every due timer
//   5 application  accept, read, write, shutdown, close, setsockopt, connect
// After every operation the stack's output is drained (and remembered for the
// relative seq/ack) and its table bounds are checked. A listener on port 80 and
// an active open to 10.0.0.1:9000 exist from the start.
//
// State persists for the whole input; with SYNACK_FUZZ_PERSIST=1 in the
// environment it also persists across inputs (the stack is rebuilt every 4096
// inputs), which reaches deeper states but makes a crash depend on the inputs
// before it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "base/checksum.hpp"
#include "fuzz_check.hpp"
#include "input_reader.hpp"
#include "stack/stack.hpp"
#include "wire/icmp.hpp"
#include "wire/tcp.hpp"

using namespace synack;
using fuzz::InputReader;

namespace {

constexpr Ipv4Addr kUs = Ipv4Addr::from_octets(10, 0, 0, 2);
constexpr Ipv4Addr kPeers[] = {
    Ipv4Addr::from_octets(10, 0, 0, 1), Ipv4Addr::from_octets(10, 0, 0, 3),
    Ipv4Addr::from_octets(192, 168, 1, 1), Ipv4Addr::from_octets(172, 16, 0, 9)};
constexpr std::uint16_t kPorts[] = {9000, 40000, 40001, 80, 1, 65535, 22, 9};

// What we last sent on a tuple (remote addr, remote port, local port).
struct LastTx {
  SeqNum seq, ack;
  SeqLen len = 0;
  std::uint16_t local_port = 0;
  std::vector<std::byte> packet;
};
using TxKey = std::tuple<std::uint32_t, std::uint16_t>;

struct World {
  std::unique_ptr<Stack> stack;
  Instant now{};
  Fd listener = -1;
  std::vector<Fd> fds;
  std::map<TxKey, LastTx> last;  // by (remote addr, remote port)
  std::uint16_t ip_id = 1;
  std::vector<std::byte> buf;
};

StackConfig config_for(std::uint8_t choice) {
  StackConfig c;
  c.address = kUs;
  c.secret = SipKey{1, 2, 3};
  c.tcp = (choice & 3) == 1   ? tcp::Config::linux_defaults()
          : (choice & 3) == 2 ? tcp::Config::freebsd_defaults()
                              : tcp::Config{};
  c.tcp.isn_secret = SipKey{4, 5, 6};
  c.tcp.rcv_buf = 4096;
  c.tcp.snd_buf = 4096;
  c.tcp.timestamps = (choice & 4) != 0;
  c.tcp.sack = (choice & 8) != 0;
  c.tcp.delayed_ack = (choice & 16) != 0 ? milliseconds(40) : Duration::zero();
  c.tcp.syn_cookies = (choice & 32) != 0 ? tcp::SynCookies::kAlways : tcp::SynCookies::kWhenFull;
  c.reassembly.max_datagrams = 8;
  c.reassembly.max_total_bytes = 16 * 1024;
  c.max_connections = 64;
  c.max_time_wait = 16;
  c.max_control_queue = 64;
  return c;
}

void drain(World& w) {
  w.stack->transmit(w.now, [&](Bytes p) {
    auto ip = Ipv4View::parse(p);
    FUZZ_CHECK(ip.has_value());  // we only ever send valid packets
    FUZZ_CHECK(ip->src() == kUs);
    if (ip->protocol() != kIpProtoTcp) return;
    auto v = TcpView::parse(ip->payload());
    FUZZ_CHECK(v.has_value());
    FUZZ_CHECK(v->checksum_ok(ip->src(), ip->dst()));
    auto seg = TcpSegment::parse(*v);
    FUZZ_CHECK(seg.has_value());
    LastTx& l = w.last[{ip->dst().value, seg->dst_port}];
    l.seq = seg->seq;
    l.ack = seg->ack;
    l.len = seg->seg_len();
    l.local_port = seg->src_port;
    l.packet.assign(p.begin(), p.end());
  });
  FUZZ_CHECK(w.stack->tcb_count() <= w.stack->config().max_connections);
  FUZZ_CHECK(w.stack->time_wait_count() <= w.stack->config().max_time_wait);
}

void deliver(World& w, std::vector<std::byte>& pkt) {
  w.stack->receive(pkt, w.now);
  drain(w);
}

void fix_ip(std::vector<std::byte>& p) {
  if (p.size() < 20) return;
  MutableBytes b(p);
  const std::size_t ihl = std::max<std::size_t>(20, (std::to_integer<std::size_t>(p[0]) & 15) * 4);
  if (ihl > p.size()) return;
  store_be16(b, 2, static_cast<std::uint16_t>(p.size()));
  store_be32(b, 16, kUs.value);
  store_be16(b, 10, 0);
  store_be16(b, 10, internet_checksum(b.first(ihl)));
}

void fix_tcp(std::vector<std::byte>& p) {
  if (p.size() < 40 || std::to_integer<int>(p[9]) != kIpProtoTcp) return;
  const std::size_t ihl = (std::to_integer<std::size_t>(p[0]) & 15) * 4;
  if (ihl < 20 || ihl + 20 > p.size()) return;
  MutableBytes b(p);
  MutableBytes tcp = b.subspan(ihl);
  store_be16(tcp, 16, 0);
  Checksum c = pseudo_header_ipv4(load_be32(b, 12), load_be32(b, 16), kIpProtoTcp,
                                  static_cast<std::uint16_t>(tcp.size()));
  c.add(tcp);
  store_be16(tcp, 16, c.finish());
}

void op_raw(World& w, InputReader& in) {
  const std::uint8_t fixes = in.u8();
  const auto raw = in.bytes(in.u16() % 1600);
  std::vector<std::byte> p(raw.begin(), raw.end());
  if (fixes & 1) fix_ip(p);
  if (fixes & 2) fix_tcp(p);
  deliver(w, p);
}

TcpOptions options_from(InputReader& in, const LastTx* l) {
  TcpOptions o;
  const std::uint8_t which = in.u8();
  if (which & 1) o.mss(in.u16());
  if (which & 2) o.window_scale(in.u8());
  if (which & 4) o.sack_permitted();
  if (which & 8) o.nop().nop().timestamps(in.u32(), in.u32());
  if ((which & 16) && l != nullptr) {
    SackBlock blocks[2];
    const std::size_t n = 1 + (in.u8() & 1);
    for (std::size_t i = 0; i < n; ++i) {
      blocks[i].left = l->seq + static_cast<SeqLen>(static_cast<std::int16_t>(in.u16()));
      blocks[i].right = blocks[i].left + in.u16();
    }
    o.nop().nop().sack(std::span(blocks, n));
  }
  if (which & 32) o.raw(in.u8(), in.bytes(in.u8() % 8));
  return o;
}

// Sends `ip_payload` (a TCP segment) as `count` fragments cut where the input says.
void send_fragments(World& w, InputReader& in, const Ipv4Header& h, Bytes tcp_bytes) {
  const std::size_t count = 2 + in.u8() % 3;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t off = 8 * (in.u8() % (tcp_bytes.size() / 8 + 1));
    const bool last = in.flag() || i + 1 == count;
    const std::size_t end =
        last ? tcp_bytes.size() : std::min(tcp_bytes.size(), off + 8 * (1 + in.u8() % 32));
    if (off > end) continue;
    Ipv4Header f = h;
    f.dont_fragment = false;
    f.fragment_offset = static_cast<std::uint16_t>(off);
    f.more_fragments = end < tcp_bytes.size();
    std::vector<std::byte> p(Ipv4Header::kSize + (end - off));
    f.emit(p, static_cast<std::uint16_t>(end - off));
    std::copy(tcp_bytes.begin() + static_cast<std::ptrdiff_t>(off),
              tcp_bytes.begin() + static_cast<std::ptrdiff_t>(end), p.begin() + Ipv4Header::kSize);
    deliver(w, p);
  }
}

void op_segment(World& w, InputReader& in) {
  const Ipv4Addr peer = kPeers[in.u8() % 4];
  const std::uint16_t rport = kPorts[in.u8() % 8];
  const auto it = w.last.find({peer.value, rport});
  const LastTx* l = it == w.last.end() ? nullptr : &it->second;
  TcpSegment s;
  s.src_port = rport;
  const std::uint8_t mode = in.u8();
  s.dst_port = (mode & 1) && l != nullptr ? l->local_port : kPorts[(mode >> 1) % 8];
  s.flags.bits = in.u8();
  const auto delta = [&] { return static_cast<SeqLen>(static_cast<std::int16_t>(in.u16())); };
  s.seq = (mode & 16) && l != nullptr ? l->ack + delta() : SeqNum(in.u32());
  s.ack = (mode & 32) && l != nullptr ? l->seq + l->len + delta() : SeqNum(in.u32());
  s.window = in.u16();
  s.options = options_from(in, l);
  std::vector<std::byte> payload(in.u16() % 3000);
  const auto given = in.bytes(payload.size());
  std::copy(given.begin(), given.end(), payload.begin());
  s.payload = payload;
  Ipv4Header h{.identification = w.ip_id++, .protocol = kIpProtoTcp, .src = peer, .dst = kUs};
  std::vector<std::byte> tcp_bytes(s.wire_size());
  s.emit(tcp_bytes, peer, kUs);
  if ((mode & 64) && tcp_bytes.size() >= 16) {
    send_fragments(w, in, h, tcp_bytes);
    return;
  }
  if (tcp_bytes.size() + Ipv4Header::kSize > 0xffff) return;
  std::vector<std::byte> p(Ipv4Header::kSize + tcp_bytes.size());
  h.emit(p, static_cast<std::uint16_t>(tcp_bytes.size()));
  std::copy(tcp_bytes.begin(), tcp_bytes.end(), p.begin() + Ipv4Header::kSize);
  deliver(w, p);
}

void send_icmp(World& w, Ipv4Addr from, const IcmpMessage& m) {
  std::vector<std::byte> p(Ipv4Header::kSize + m.wire_size());
  Ipv4Header h{.identification = w.ip_id++, .protocol = kIpProtoIcmp, .src = from, .dst = kUs};
  h.emit(p, static_cast<std::uint16_t>(m.wire_size()));
  m.emit(MutableBytes(p).subspan(Ipv4Header::kSize));
  deliver(w, p);
}

void op_icmp_error(World& w, InputReader& in) {
  if (w.last.empty()) return;
  auto it = w.last.begin();
  std::advance(it, in.u8() % w.last.size());
  std::vector<std::byte> quote(
      it->second.packet.begin(),
      it->second.packet.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                      it->second.packet.size(), 28 + in.u8() % 40)));
  if (quote.size() >= 28 && in.flag()) {  // move the quoted sequence number
    MutableBytes q(quote);
    store_be32(q, 24, load_be32(q, 24) + in.u16());
  }
  const std::uint8_t type = in.flag() ? 3 : 11;
  const std::uint8_t code = in.u8() % 16;
  const std::uint32_t rest = in.u16();  // next-hop MTU for code 4
  send_icmp(w, Ipv4Addr{std::get<0>(it->first)}, IcmpMessage{type, code, rest, quote});
}

void op_echo(World& w, InputReader& in) {
  const auto body = in.bytes(in.u8());
  send_icmp(w, kPeers[in.u8() % 4], IcmpMessage{8, 0, in.u32(), body});
}

void op_time(World& w, InputReader& in) {
  const Instant target = w.now + milliseconds(in.u16()) * (in.flag() ? 100 : 1);
  for (int guard = 0; guard < 2000; ++guard) {
    const Instant d = w.stack->next_deadline();
    if (d > target) break;
    w.now = std::max(w.now, d);
    w.stack->on_timeout(w.now);
    drain(w);
  }
  w.now = target;
  w.stack->on_timeout(w.now);
  drain(w);
}

void op_app(World& w, InputReader& in) {
  Stack& s = *w.stack;
  while (auto fd = s.accept(w.listener)) w.fds.push_back(*fd);
  const std::uint8_t what = in.u8();
  if (what % 8 == 7 && w.fds.size() < 32) {  // a new active open
    if (auto fd = s.socket()) {
      (void)s.connect(*fd, {kPeers[in.u8() % 4], kPorts[in.u8() % 8]}, w.now);
      w.fds.push_back(*fd);
    }
    drain(w);
    return;
  }
  if (w.fds.empty()) return;
  const std::size_t i = in.u8() % w.fds.size();
  const Fd fd = w.fds[i];
  switch (what % 8) {
    case 0: {  // read
      std::vector<std::byte> out(in.u16() % 8192);
      (void)s.recv(fd, out, in.flag() ? kMsgPeek : 0, w.now);
      break;
    }
    case 1: {  // write
      std::vector<std::byte> data(in.u16() % 8192, std::byte{0x5a});
      (void)s.send(fd, data, w.now);
      break;
    }
    case 2:
      (void)s.shutdown(fd, static_cast<ShutdownHow>(in.u8() % 3), w.now);
      break;
    case 3:
      (void)s.close(fd, w.now);
      w.fds.erase(w.fds.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    case 4:
      (void)s.setsockopt(fd, static_cast<SockOpt>(in.u8() % 16),
                         static_cast<int>(static_cast<std::int16_t>(in.u16())), w.now);
      break;
    case 5:
      (void)s.tcp_info(fd, w.now);
      (void)s.poll(fd);
      break;
    default:
      (void)s.setsockopt(fd, SockOpt::kLinger, 0, w.now);
      (void)s.close(fd, w.now);
      w.fds.erase(w.fds.begin() + static_cast<std::ptrdiff_t>(i));
      break;
  }
  drain(w);
}

void fresh_world(World& w, std::uint8_t choice) {
  w = World{};
  w.stack = std::make_unique<Stack>(config_for(choice));
  Stack& s = *w.stack;
  w.listener = *s.socket();
  (void)s.bind(w.listener, {kUs, 80});
  (void)s.listen(w.listener, 4, w.now);
  if (auto fd = s.socket()) {
    (void)s.connect(*fd, {kPeers[0], 9000}, w.now);
    w.fds.push_back(*fd);
  }
  drain(w);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  static std::uint64_t inputs = 0;
  static const bool persist = std::getenv("SYNACK_FUZZ_PERSIST") != nullptr;
  InputReader in(data, size);
  const std::uint8_t choice = in.u8();
  if (!persist || inputs++ % 4096 == 0 || !world.stack) fresh_world(world, choice);
  for (int ops = 0; ops < 256 && !in.empty(); ++ops) {
    switch (in.u8() % 6) {
      case 0:
        op_raw(world, in);
        break;
      case 1:
        op_segment(world, in);
        break;
      case 2:
        op_icmp_error(world, in);
        break;
      case 3:
        op_echo(world, in);
        break;
      case 4:
        op_time(world, in);
        break;
      default:
        op_app(world, in);
        break;
    }
  }
  if (!persist) world = World{};  // a fresh stack per input: crashes reproduce alone
  return 0;
}
