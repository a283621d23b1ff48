// SPDX-License-Identifier: Apache-2.0
// Emulation tables and shell-command recognition (see emulation.hpp).
#include "drill/emulation.hpp"

#include <fmt/core.h>

#include <netinet/tcp.h>
#include <array>

#include <cerrno>
#include <charconv>
#include <sstream>
#include <vector>

#include "drill/shell.hpp"

namespace synack::drill {

std::string_view to_string(Personality p) {
  return p == Personality::kFreeBsd ? "freebsd" : "linux";
}

namespace {

constexpr std::array<SysctlMapping, 26> kSysctls{{
    {"net.inet.tcp.insecure_rst", Knob::kInsecureRst},
    {"net.inet.tcp.insecure_syn", Knob::kInsecureSyn},
    {"net.inet.tcp.drop_synfin", Knob::kDropSynFin},
    {"net.inet.tcp.rfc1323", Knob::kRfc1323},
    {"net.inet.tcp.sack.enable", Knob::kSack},
    {"net.inet.tcp.ecn.enable", Knob::kEcn},
    {"net.inet.tcp.ecn.maxretries", Knob::kEcnMaxRetries},
    {"net.inet.tcp.recvspace", Knob::kRecvSpace},
    {"net.inet.tcp.sendspace", Knob::kSendSpace},
    {"kern.ipc.maxsockbuf", Knob::kMaxSockBuf},
    {"net.inet.tcp.rexmit_initial", Knob::kRexmitInitial},
    {"net.inet.tcp.rexmit_min", Knob::kRexmitMin},
    {"net.inet.tcp.rexmit_slop", Knob::kRexmitSlop},
    {"net.inet.tcp.rexmit_drop_options", Knob::kRexmitDropOptions},
    {"net.inet.tcp.keepinit", Knob::kKeepInit},
    {"net.inet.tcp.keepidle", Knob::kKeepIdle},
    {"net.inet.tcp.keepintvl", Knob::kKeepIntvl},
    {"net.inet.tcp.keepcnt", Knob::kKeepCnt},
    {"net.inet.tcp.delacktime", Knob::kDelAckTime},
    {"net.inet.tcp.msl", Knob::kMsl},
    {"net.inet.tcp.syncookies", Knob::kSynCookies},
    {"net.inet.tcp.syncookies_only", Knob::kSynCookiesOnly},
    {"net.inet.tcp.blackhole", Knob::kBlackhole},
    {"net.inet.tcp.tolerate_missing_ts", Knob::kTolerateMissingTs},
    {"net.inet.tcp.hostcache.purgenow", Knob::kHostcachePurge},
    {"net.inet.tcp.hostcache.purge", Knob::kHostcachePurge},
}};

struct Named {
  std::string_view name;
  int value;
};

// Host errno values (the numbers behind std::errc on this platform).
constexpr std::array<Named, 25> kErrnos{{
    {"EPERM", EPERM},
    {"EEXIST", EEXIST},
    {"ENOENT", ENOENT},
    {"EINTR", EINTR},
    {"EBADF", EBADF},
    {"EAGAIN", EAGAIN},
    {"EWOULDBLOCK", EWOULDBLOCK},
    {"EINVAL", EINVAL},
    {"EPIPE", EPIPE},
    {"ENOTSOCK", ENOTSOCK},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOPROTOOPT", ENOPROTOOPT},
    {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
    {"ENETUNREACH", ENETUNREACH},
    {"ECONNABORTED", ECONNABORTED},
    {"ECONNRESET", ECONNRESET},
    {"ENOBUFS", ENOBUFS},
    {"EISCONN", EISCONN},
    {"ENOTCONN", ENOTCONN},
    {"ETIMEDOUT", ETIMEDOUT},
    {"ECONNREFUSED", ECONNREFUSED},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"EALREADY", EALREADY},
    {"EINPROGRESS", EINPROGRESS},
}};

struct NamedOpt {
  std::string_view name;
  SockOpt opt;
};
constexpr std::array<NamedOpt, 18> kSockOpts{{
    {"SO_RCVBUF", SockOpt::kRcvBuf},
    {"SO_SNDBUF", SockOpt::kSndBuf},
    {"SO_ERROR", SockOpt::kError},
    {"SO_REUSEADDR", SockOpt::kReuseAddr},
    {"SO_REUSEPORT", SockOpt::kReusePort},
    {"SO_KEEPALIVE", SockOpt::kKeepAlive},
    {"SO_LINGER", SockOpt::kLinger},
    {"TCP_NODELAY", SockOpt::kNoDelay},
    {"TCP_MAXSEG", SockOpt::kMaxSeg},
    {"TCP_NOOPT", SockOpt::kNoOpt},
    {"TCP_NOPUSH", SockOpt::kNoPush},
    {"TCP_CORK", SockOpt::kNoPush},
    {"TCP_KEEPINIT", SockOpt::kKeepInit},
    {"TCP_KEEPIDLE", SockOpt::kKeepIdle},
    {"TCP_KEEPINTVL", SockOpt::kKeepIntvl},
    {"TCP_KEEPCNT", SockOpt::kKeepCnt},
    {"TCP_USER_TIMEOUT", SockOpt::kUserTimeout},
    {"IP_TOS", SockOpt::kTos},
}};

// Constants whose numbers scripts compare or combine. FreeBSD's <fcntl.h>
// differs from Linux's in O_NONBLOCK (0x4 vs 0x800).
constexpr std::array<Named, 14> kCommonConstants{{
    {"O_RDONLY", 0},
    {"O_WRONLY", 1},
    {"O_RDWR", 2},
    {"F_GETFL", 3},
    {"F_SETFL", 4},
    {"SHUT_RD", 0},
    {"SHUT_WR", 1},
    {"SHUT_RDWR", 2},
    {"MSG_OOB", 0x1},
    {"MSG_PEEK", 0x2},
    {"AF_INET", 2},
    {"SOCK_STREAM", 1},
    {"IPPROTO_TCP", 6},
    {"IPPROTO_IP", 0},
}};

std::vector<std::string> split_words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::expected<ShellCommand, std::string> parse_sysctl(const std::vector<std::string>& w,
                                                      std::string_view text) {
  if (w.size() != 3 || w[1] != "-w") {
    return std::unexpected(fmt::format("unsupported command: {}", text));
  }
  const auto eq = w[2].find('=');
  if (eq == std::string::npos) return std::unexpected(fmt::format("unsupported command: {}", text));
  SysctlCommand cmd;
  cmd.key = w[2].substr(0, eq);
  if (!knob_for_sysctl(cmd.key)) return std::unexpected(fmt::format("unknown sysctl {}", cmd.key));
  const auto v = to_int(std::string_view(w[2]).substr(eq + 1));
  if (!v) return std::unexpected(fmt::format("non-numeric sysctl value in {}", w[2]));
  cmd.value = *v;
  return cmd;
}

// sockstat [-4|-6] -P tcp [-s] [-p PORT] | grep packetdril | grep -c STATE | grep N
std::expected<ShellCommand, std::string> parse_sockstat(std::string_view text) {
  std::vector<std::vector<std::string>> stages;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto bar = text.find('|', start);
    stages.push_back(split_words(
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  const auto unsupported = std::unexpected(fmt::format("unsupported command: {}", text));
  if (stages.size() < 3) return unsupported;
  SockstatCommand cmd;
  const auto& first = stages.front();
  for (std::size_t i = 1; i < first.size(); ++i) {
    if (first[i] == "-p" && i + 1 < first.size()) {
      const auto port = to_int(first[i + 1]);
      if (!port || *port < 0 || *port > 65535) return unsupported;
      cmd.port = static_cast<std::uint16_t>(*port);
      ++i;
    } else if (first[i] != "-4" && first[i] != "-6" && first[i] != "-s" && first[i] != "-P" &&
               first[i] != "tcp") {
      return unsupported;
    }
  }
  const auto& count = stages[stages.size() - 2];
  const auto& match = stages.back();
  if (count.size() != 3 || count[0] != "grep" || count[1] != "-c") return unsupported;
  if (match.size() != 2 || match[0] != "grep") return unsupported;
  for (std::size_t i = 1; i + 2 < stages.size(); ++i) {  // "grep packetdril": our process
    if (stages[i].size() != 2 || stages[i][0] != "grep") return unsupported;
  }
  const auto state = bsd_state(count[2]);
  const auto n = to_int(match[1]);
  if (!state || !n) return unsupported;
  cmd.state = *state;
  cmd.expected = static_cast<int>(*n);
  return cmd;
}

}  // namespace

std::span<const SysctlMapping> sysctl_table() {
  return kSysctls;
}

std::optional<Knob> knob_for_sysctl(std::string_view key) {
  for (const auto& m : kSysctls) {
    if (m.key == key) return m.knob;
  }
  return std::nullopt;
}

std::string_view to_string(Knob k) {
  for (const auto& m : kSysctls) {
    if (m.knob == k) return m.key;
  }
  return linux_knob_name(k);
}

std::expected<ShellCommand, std::string> parse_command(std::string_view text) {
  const auto words = split_words(text);
  if (words.empty()) return std::unexpected("empty command");
  if (words[0] == "sysctl") return parse_sysctl(words, text);
  if (words[0] == "sockstat") return parse_sockstat(text);
  if (words.size() == 3 && words[0] == "tcpdrop" && words[1] == "-s" && words[2] == "TIME_WAIT") {
    return TcpdropCommand{};
  }
  return std::unexpected(fmt::format("unsupported command: {}", text));
}

std::optional<int> errno_value(std::string_view name) {
  for (const auto& e : kErrnos) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

std::string errno_name(int err) {
  if (err == 0) return "0";
  for (const auto& e : kErrnos) {
    if (e.value == err) return std::string(e.name);
  }
  return fmt::format("errno {}", err);
}

std::optional<SockOpt> sockopt_for(std::string_view name) {
  for (const auto& o : kSockOpts) {
    if (o.name == name) return o.opt;
  }
  return std::nullopt;
}

std::optional<std::int64_t> constant_value(std::string_view name, Personality p) {
  if (name == "O_NONBLOCK") return p == Personality::kFreeBsd ? 0x4 : 0x800;
  for (const auto& c : kCommonConstants) {
    if (c.name == name) return c.value;
  }
  if (auto e = errno_value(name)) return *e;
  return std::nullopt;
}

std::string tcpi_name(tcp::State s) {
  if (s == tcp::State::kSynReceived) return "TCPI_SYN_RECEIVED";
  return fmt::format("TCPI_{}", tcp::to_bsd_string(s));
}

std::optional<tcp::State> tcpi_state(std::string_view name) {
  for (std::size_t i = 0; i < tcp::kStateCount; ++i) {
    const auto s = static_cast<tcp::State>(i);
    if (tcpi_name(s) == name) return s;
  }
  return std::nullopt;
}

// Host (Linux) TCP_* state numbers of <netinet/tcp.h>, as TCP_INFO reports them.
std::uint8_t linux_tcp_state(tcp::State s) {
  switch (s) {
    case tcp::State::kEstablished:
      return TCP_ESTABLISHED;
    case tcp::State::kSynSent:
      return TCP_SYN_SENT;
    case tcp::State::kSynReceived:
      return TCP_SYN_RECV;
    case tcp::State::kFinWait1:
      return TCP_FIN_WAIT1;
    case tcp::State::kFinWait2:
      return TCP_FIN_WAIT2;
    case tcp::State::kTimeWait:
      return TCP_TIME_WAIT;
    case tcp::State::kCloseWait:
      return TCP_CLOSE_WAIT;
    case tcp::State::kLastAck:
      return TCP_LAST_ACK;
    case tcp::State::kListen:
      return TCP_LISTEN;
    case tcp::State::kClosing:
      return TCP_CLOSING;
    case tcp::State::kClosed:
      break;
  }
  return TCP_CLOSE;
}

std::optional<tcp::State> bsd_state(std::string_view name) {
  for (std::size_t i = 0; i < tcp::kStateCount; ++i) {
    const auto s = static_cast<tcp::State>(i);
    if (tcp::to_bsd_string(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace synack::drill
