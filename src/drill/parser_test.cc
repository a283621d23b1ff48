// SPDX-License-Identifier: Apache-2.0
// Parser tests: the language subset, error messages, and the whole corpus.
#include "drill/parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "drill/corpus.hpp"
#include "wire/tcp.hpp"

namespace synack::drill {
namespace {

const Event& only_event(const Script& s) {
  EXPECT_EQ(s.events.size(), 1u);
  return s.events.at(0);
}

std::string error_of(std::string_view text) {
  try {
    (void)parse_script(text, "t.pkt");
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ParseSeconds, DecimalToMicroseconds) {
  EXPECT_EQ(parse_seconds("0.1"), 100'000);
  EXPECT_EQ(parse_seconds(".25"), 250'000);
  EXPECT_EQ(parse_seconds("3"), 3'000'000);
  EXPECT_EQ(parse_seconds("1.0000019"), 1'000'001);
  EXPECT_EQ(parse_seconds("x"), std::nullopt);
  EXPECT_EQ(parse_seconds(""), std::nullopt);
  EXPECT_EQ(parse_seconds("1.2.3"), std::nullopt);
}

TEST(Parser, HeaderOptions) {
  const auto s =
      parse_script("--ip_version=ipv6\n--tolerance_usecs=75000\n--mtu=9000\n--foo=bar\n", "t.pkt");
  EXPECT_EQ(s.ip_version, IpVersion::kIpv6);
  EXPECT_EQ(s.tolerance_usecs, 75000);
  EXPECT_EQ(s.mtu, 9000u);
  EXPECT_EQ(s.options.at("foo"), "bar");
  EXPECT_TRUE(s.events.empty());
}

TEST(Parser, DefaultsWithoutHeader) {
  const auto s = parse_script("", "t.pkt");
  EXPECT_EQ(s.ip_version, IpVersion::kIpv4);
  EXPECT_EQ(s.tolerance_usecs, 4000);
  EXPECT_FALSE(s.mtu);
}

TEST(Parser, Times) {
  const auto s = parse_script(
      "0.1 close(3) = 0\n+0.2 close(3) = 0\n* > S 0:0(0)\n0.1~0.3 > S 0:0(0)\n"
      "+0...0.2 accept(3, ..., ...) = 4\n 1.00...6.00 connect(3, ..., ...) = -1 ETIMEDOUT\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 6u);
  EXPECT_EQ(s.events[0].time.kind, TimeKind::kAbsolute);
  EXPECT_EQ(s.events[0].time.usecs, 100'000);
  EXPECT_EQ(s.events[1].time.kind, TimeKind::kRelative);
  EXPECT_EQ(s.events[1].time.usecs, 200'000);
  EXPECT_EQ(s.events[2].time.kind, TimeKind::kAny);
  EXPECT_EQ(s.events[3].time.range_end_usecs, 300'000);
  EXPECT_EQ(s.events[4].time.kind, TimeKind::kRelative);
  EXPECT_EQ(s.events[4].time.end_usecs, 200'000);
  EXPECT_EQ(s.events[5].time.usecs, 1'000'000);
  EXPECT_EQ(s.events[5].time.end_usecs, 6'000'000);
  EXPECT_EQ(s.events[1].line, 2);
  EXPECT_EQ(s.events[5].line, 6);
}

TEST(Parser, SyscallArguments) {
  const auto s = parse_script(
      "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0\n"
      "+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
      "+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)\n"
      "+0 write (3, ..., 10) = 10\n"
      "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
      "+0 sendto(3, \"abc\", 3, 0, htons(8080)) = 3\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 7u);
  const auto& g = std::get<SyscallEvent>(s.events[0].body);
  EXPECT_EQ(g.name, "getsockopt");
  ASSERT_EQ(g.args.size(), 5u);
  EXPECT_EQ(g.args[3].kind, Expr::Kind::kList);
  EXPECT_EQ(g.args[3].items.at(0).text, "ECONNRESET");
  EXPECT_EQ(g.args[4].items.at(0).integer, 4);
  const auto& f = std::get<SyscallEvent>(s.events[1].body);
  EXPECT_EQ(f.args[2].kind, Expr::Kind::kOr);
  EXPECT_EQ(f.args[2].to_string(), "O_RDWR | O_NONBLOCK");
  const auto& c = std::get<SyscallEvent>(s.events[2].body);
  EXPECT_EQ(c.args[1].kind, Expr::Kind::kEllipsis);
  EXPECT_EQ(c.ret.integer, -1);
  EXPECT_EQ(c.errno_name, "EINPROGRESS");
  EXPECT_EQ(c.note, "Operation now in progress");
  const auto& h = std::get<SyscallEvent>(s.events[3].body);
  EXPECT_EQ(h.ret.integer, 2);
  EXPECT_EQ(h.note, "flags O_RDWR");
  EXPECT_EQ(std::get<SyscallEvent>(s.events[4].body).name, "write");
  const auto& l = std::get<SyscallEvent>(s.events[5].body);
  EXPECT_EQ(l.args[3].kind, Expr::Kind::kStruct);
  EXPECT_EQ(l.args[3].fields.at(1), "linger");
  const auto& t = std::get<SyscallEvent>(s.events[6].body);
  EXPECT_EQ(t.args[1].text, "abc");
  EXPECT_EQ(t.args[4].kind, Expr::Kind::kCall);
  EXPECT_EQ(t.args[4].items.at(0).integer, 8080);
}

TEST(Parser, PacketLine) {
  const auto s = parse_script(
      "+0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>\n", "t.pkt");
  const auto& p = std::get<PacketEvent>(only_event(s).body);
  EXPECT_EQ(p.direction, Direction::kOutbound);
  EXPECT_EQ(p.flags, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(p.seq, 0u);
  EXPECT_EQ(p.len, 0u);
  EXPECT_EQ(p.ack, 1u);
  EXPECT_EQ(p.window, 65535);
  ASSERT_EQ(p.options.size(), 5u);
  EXPECT_EQ(p.options[0].kind, OptionSpec::Kind::kMss);
  EXPECT_EQ(p.options[0].value, 1460u);
  EXPECT_EQ(p.options[2].value, 6u);
  EXPECT_EQ(p.options[4].ts_val, 100u);
  EXPECT_EQ(p.to_string(),
            "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>");
}

TEST(Parser, PacketVariants) {
  const auto s = parse_script(
      "+0 < . 1:100(99) ack 1 win 65535 <nop,nop,sack 200:300 400:500>\n"
      "+0 > S. ...(0) ack 65537 win 65535 <...>\n"
      "+0 > R 5!:5!(0) ack 7! win 0\n"
      "+0 < [noecn] . 1:1(0) ack 1 win 65535\n"
      "+0 >[ect0] P. 1:11(10) ack 1\n"
      "+0 < SEW 0:0(0) win 32767 <>\n"
      "+0 < - 0:0(0) urg 3\n"
      "+0 < icmp unreachable port_unreachable\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 8u);
  const auto& sack = std::get<PacketEvent>(s.events[0].body);
  EXPECT_EQ(sack.len, 99u);
  ASSERT_EQ(sack.options.at(2).sack.size(), 2u);
  EXPECT_EQ(sack.options.at(2).sack[1], std::make_pair(400u, 500u));
  const auto& any = std::get<PacketEvent>(s.events[1].body);
  EXPECT_TRUE(any.seq_any);
  EXPECT_TRUE(any.options_any);
  const auto& abs = std::get<PacketEvent>(s.events[2].body);
  EXPECT_TRUE(abs.seq_absolute);
  EXPECT_TRUE(abs.ack_absolute);
  EXPECT_EQ(std::get<PacketEvent>(s.events[3].body).ecn, Ecn::kNotEct);
  const auto& ect = std::get<PacketEvent>(s.events[4].body);
  EXPECT_EQ(ect.ecn, Ecn::kEct0);
  EXPECT_FALSE(ect.window);
  const auto& sew = std::get<PacketEvent>(s.events[5].body);
  EXPECT_EQ(sew.flags, TcpFlags::kSyn | TcpFlags::kEce | TcpFlags::kCwr);
  EXPECT_TRUE(sew.options.empty());
  EXPECT_FALSE(sew.options_any);
  const auto& none = std::get<PacketEvent>(s.events[6].body);
  EXPECT_EQ(none.flags, 0);
  EXPECT_EQ(none.urgent, 3);
  const auto& icmp = std::get<IcmpEvent>(s.events[7].body);
  EXPECT_EQ(icmp.type, "unreachable");
  EXPECT_EQ(icmp.code, "port_unreachable");
}

TEST(Parser, LinuxScriptShapes) {
  const auto s = parse_script(
      "`../common/defaults.sh\n# shell comment\nsysctl -q net.ipv4.tcp_timestamps=0`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 recvmsg(3, {msg_name(...)=...,\n"
      "              msg_iov(1)=[{..., 1000}],\n"
      "              msg_flags=0}, 0) = 1000\n"
      "+0 < S 0:0(0) win 1000 <mss 1460,FO abcd1234,nop,nop>\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 4u);
  EXPECT_TRUE(s.events[0].time.untimed);
  EXPECT_EQ(std::get<CommandEvent>(s.events[0].body).text,
            "../common/defaults.sh\n# shell comment\nsysctl -q net.ipv4.tcp_timestamps=0");
  const auto& call = std::get<SyscallEvent>(s.events[2].body);
  ASSERT_EQ(call.args.size(), 3u);
  EXPECT_EQ(call.args[1].fields[1], "msg_iov(1)");
  EXPECT_EQ(call.args[1].items[1].to_string(), "[{..., 1000}]");
  EXPECT_EQ(s.events[3].line, 8);
  const auto& pkt = std::get<PacketEvent>(s.events[3].body);
  EXPECT_EQ(pkt.options[1].kind, OptionSpec::Kind::kFastOpen);
  EXPECT_EQ(pkt.options[1].text, "abcd1234");
  EXPECT_THROW(parse_script("`sysctl -q a=1\n0 socket(..., 1, 6) = 3\n", "t.pkt"), ParseError);
}

TEST(Parser, CommandsAndCodeBlocks) {
  const auto s = parse_script(
      " 0.00 `sysctl -w net.inet.tcp.rfc1323=1`\n"
      "+0.00 %{ assert tcpi_state == TCPI_ESTABLISHED }%\n"
      "+0.00 %{\n# comment\nassert tcpi_options == 0\nassert tcpi_rto >= 200\n}%\n"
      "+0 %{ print(1) }%\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 4u);
  EXPECT_EQ(std::get<CommandEvent>(s.events[0].body).text, "sysctl -w net.inet.tcp.rfc1323=1");
  const auto& a = std::get<CodeEvent>(s.events[1].body);
  ASSERT_EQ(a.asserts.size(), 1u);
  EXPECT_EQ(a.asserts[0].name, "tcpi_state");
  EXPECT_EQ(a.asserts[0].op, "==");
  EXPECT_EQ(a.asserts[0].value, "TCPI_ESTABLISHED");
  const auto& multi = std::get<CodeEvent>(s.events[2].body);
  ASSERT_EQ(multi.asserts.size(), 2u);
  EXPECT_EQ(multi.asserts[1].op, ">=");
  EXPECT_TRUE(multi.only_asserts);
  EXPECT_EQ(s.events[3].line, 8);
  EXPECT_FALSE(std::get<CodeEvent>(s.events[3].body).only_asserts);
}

TEST(Parser, CommentsAreIgnored) {
  const auto s = parse_script(
      "// line comment\n/* block\n 0.1 close(3) = 0\n */ +0 close(4) = 0 // trailing\n"
      "+0 close(5) = 0//\n",
      "t.pkt");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].line, 4);
  EXPECT_EQ(std::get<SyscallEvent>(s.events[0].body).args[0].integer, 4);
}

TEST(Parser, IfdefSelectsBranches) {
  const std::string text =
      "#ifdef STANDARD\n+0 close(1) = 0\n#else\n+0 close(2) = 0\n#endif\n"
      "#ifdef FreeBSD\n+0 close(3) = 0\n#endif\n#ifndef FreeBSD\n+0 close(4) = 0\n#endif\n";
  const auto bsd = parse_script(text, "t.pkt");
  ASSERT_EQ(bsd.events.size(), 2u);
  EXPECT_EQ(std::get<SyscallEvent>(bsd.events[0].body).args[0].integer, 2);
  EXPECT_EQ(std::get<SyscallEvent>(bsd.events[1].body).args[0].integer, 3);
  const auto std_ = parse_script(text, "t.pkt", ParseOptions{{"STANDARD"}});
  ASSERT_EQ(std_.events.size(), 2u);
  EXPECT_EQ(std::get<SyscallEvent>(std_.events[0].body).args[0].integer, 1);
  EXPECT_EQ(std::get<SyscallEvent>(std_.events[1].body).args[0].integer, 4);
}

TEST(Parser, ErrorsNameLineAndToken) {
  EXPECT_EQ(error_of("+0 close(3) = 0\n+0 > Q 0:0(0)\n"),
            "t.pkt:2: syntax error: unknown TCP flag 'Q' in 'Q'");
  EXPECT_EQ(error_of("+0 > S 0:0(0) bogus 3\n"), "t.pkt:1: syntax error: unexpected 'bogus'");
  EXPECT_EQ(error_of("\n\n+0 > S 0:0(0) <mss 1460, frob>\n"),
            "t.pkt:3: syntax error: unknown TCP option 'frob'");
  EXPECT_EQ(error_of("+0 > S 0:5(0)\n"),
            "t.pkt:1: syntax error: inconsistent segment: 0:5 is not 0 bytes");
  EXPECT_EQ(error_of("foo\n"), "t.pkt:1: syntax error: unexpected 'foo'");
  EXPECT_EQ(error_of("+0 close(3 = 0\n"), "t.pkt:1: syntax error: expected ')' but found '='");
  EXPECT_EQ(error_of("#ifdef X\n"), "t.pkt:1: syntax error: '#ifdef' without '#endif'");
  EXPECT_EQ(error_of("#endif\n"), "t.pkt:1: syntax error: unexpected '#endif'");
  EXPECT_EQ(error_of("* close(3) = 0\n"),
            "t.pkt:1: syntax error: '*' time is only allowed for outbound packets");
  EXPECT_EQ(error_of("--ip_version=ipv5\n"), "t.pkt:1: syntax error: unknown ip_version 'ipv5'");
  EXPECT_EQ(error_of("+0 %{ assert x == 1\n"), "t.pkt:1: syntax error: '%{' without '}%'");
}

// The whole FreeBSD corpus (vendored in tests/conformance/freebsd) parses without error.
TEST(Parser, WholeCorpusParses) {
  const std::filesystem::path dir = kFreeBsdCorpus;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "vendored corpus missing: " << dir;
  int files = 0;
  int events = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".pkt") continue;
    ++files;
    const auto script = parse_file(entry.path());
    ASSERT_TRUE(script.has_value()) << script.error();
    EXPECT_FALSE(script->events.empty()) << entry.path();
    events += static_cast<int>(script->events.size());
  }
  EXPECT_EQ(files, 530);
  EXPECT_GT(events, 14000);  // 14117 at corpus commit 04b8c73 (FreeBSD branch)
}

}  // namespace
}  // namespace synack::drill
