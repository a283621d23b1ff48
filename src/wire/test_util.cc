// SPDX-License-Identifier: Apache-2.0
#include "wire/test_util.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace synack::test {

Buffer from_hex(std::string_view hex) {
  Buffer out;
  int hi = -1;
  for (const char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t') continue;
    int v = 0;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      throw std::invalid_argument("from_hex: not a hex digit");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::byte>(hi * 16 + v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("from_hex: odd number of digits");
  return out;
}

std::string to_hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (const std::byte x : b) {
    s += kDigits[std::to_integer<int>(x) >> 4];
    s += kDigits[std::to_integer<int>(x) & 15];
  }
  return s;
}

namespace {

// "<name> <hex>" lines of tests/data/<file>; '#' starts a comment line.
std::map<std::string, Buffer> read_golden(const std::string& file) {
  std::map<std::string, Buffer> m;
  std::ifstream in(std::string(SYNACK_SOURCE_DIR) + "/tests/data/" + file);
  if (!in) throw std::runtime_error("cannot open tests/data/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, hex;
    fields >> name >> hex;
    m[name] = from_hex(hex);
  }
  return m;
}

}  // namespace

const std::map<std::string, Buffer>& linux_golden() {
  static const std::map<std::string, Buffer> golden = read_golden("linux_golden.txt");
  return golden;
}

const std::map<std::string, Buffer>& linux_golden_ipv6() {
  static const std::map<std::string, Buffer> golden = read_golden("linux_golden_ipv6.txt");
  return golden;
}

Buffer build_packet(const Ipv4Header& ip, const TcpSegment& seg) {
  Buffer out(Ipv4Header::kSize + seg.wire_size());
  const std::size_t n = emit_ipv4_tcp(out, ip, seg);
  out.resize(n);
  return out;
}

namespace {

TcpSegment sample_syn_segment(bool with_payload) {
  static const std::string kPayload(100, 'x');
  TcpSegment seg;
  seg.src_port = 5000;
  seg.dst_port = 80;
  seg.seq = SeqNum(1000);
  seg.flags.bits = TcpFlags::kSyn;
  seg.window = 64240;
  seg.options.mss(1460).sack_permitted().timestamps(1, 0).nop().window_scale(7);
  if (with_payload) seg.payload = as_bytes(kPayload);
  return seg;
}

}  // namespace

Buffer sample_syn(bool with_payload) {
  const TcpSegment seg = sample_syn_segment(with_payload);
  Ipv4Header ip;
  ip.src = kA;
  ip.dst = kB;
  ip.identification = 0x1234;
  return build_packet(ip, seg);
}

Buffer ipv6_packet(std::uint8_t next_header, const Buffer& payload, const Ipv6Addr& src,
                   const Ipv6Addr& dst) {
  Buffer out(Ipv6Header::kSize + payload.size());
  Ipv6Header ip;
  ip.next_header = next_header;
  ip.src = src;
  ip.dst = dst;
  ip.emit(out, static_cast<std::uint16_t>(payload.size()));
  std::copy(payload.begin(), payload.end(), out.begin() + Ipv6Header::kSize);
  return out;
}

Buffer tcp6_bytes(const TcpSegment& seg, const Ipv6Addr& src, const Ipv6Addr& dst) {
  Buffer out(seg.wire_size());
  seg.emit(out, src, dst);
  return out;
}

Buffer sample_syn6(bool with_payload) {
  return ipv6_packet(kIpProtoTcp, tcp6_bytes(sample_syn_segment(with_payload)));
}

}  // namespace synack::test
