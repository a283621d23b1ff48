// SPDX-License-Identifier: Apache-2.0
// The Linux counterparts of the in-process benchmarks, on kernel sockets.
//
//   linux_bench [--quick]          loopback (127.0.0.1), one thread, two sockets:
//                                  bulk one way (default buffers/autotuning;
//                                  data segments per ACK from the receiver's
//                                  TCP_INFO: tcpi_data_segs_in / tcpi_segs_out),
//                                  lifecycle rate (same pattern as lifecycle_bench,
//                                  TIME-WAIT kept by the kernel), 1-byte ping-pong
//   linux_bench --serve PORT       accept one connection, discard until EOF, close
//                                  (the receiver of the veth / TUN runs)
//   linux_bench --send ADDR PORT BYTES ID   connect, send BYTES, shut down, wait
//                                  for the receiver's EOF; prints row ID in Gbit/s
//                                  (and data segments per ACK from the sender's
//                                  TCP_INFO: tcpi_data_segs_out / tcpi_segs_in)
// Rows as bench/bench_rows.hpp. Every loop is bounded in count and time.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_data_segs_in (not in glibc's copy)
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "linux_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

sockaddr_in addr_of(const char* ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) die("bad address");
  return a;
}

int listener(std::uint16_t port, const char* ip = "127.0.0.1") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = addr_of(ip, port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("bind");
  if (::listen(fd, 4096) != 0) die("listen");
  return fd;
}

int connect_to(const char* ip, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = addr_of(ip, port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::uint16_t port_of(int lfd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void bulk(std::uint64_t total, double limit_s) {
  const int lfd = listener(0);
  const int c = connect_to("127.0.0.1", port_of(lfd));
  const int s = ::accept(lfd, nullptr, nullptr);
  set_nonblocking(c);
  set_nonblocking(s);
  const auto src = pattern(256 * 1024);
  std::vector<std::byte> dst(256 * 1024);
  std::uint64_t sent = 0, received = 0, loops = 0;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  while (received < total) {
    while (sent < total) {
      const ssize_t n = ::send(c, src.data(), std::min<std::uint64_t>(src.size(), total - sent), 0);
      if (n <= 0) break;
      sent += static_cast<std::uint64_t>(n);
    }
    for (;;) {
      const ssize_t n = ::recv(s, dst.data(), dst.size(), 0);
      if (n <= 0) break;
      received += static_cast<std::uint64_t>(n);
    }
    if ((++loops & 63) == 0 && seconds_since(start) > limit_s) break;
  }
  const double secs = seconds_since(start);
  tcp_info info{};
  socklen_t len = sizeof info;
  ::getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len);
  row("bulk.linux.loopback", static_cast<double>(received) * 8 / secs / 1e9, "Gbit/s",
      {{"bytes", received},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0},
       {"mtu", 65536},
       {"segments", info.tcpi_data_segs_in},
       {"acks", info.tcpi_segs_out},
       {"segments_per_ack", segments_per_ack(info.tcpi_data_segs_in, info.tcpi_segs_out)}});
  ::close(c);
  ::close(s);
  ::close(lfd);
}

void lifecycle(std::uint64_t count, double limit_s) {
  const int lfd = listener(0);
  const std::uint16_t port = port_of(lfd);
  char b = '?';
  std::uint64_t done = 0, failed = 0;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  while (done < count) {
    const int c = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = addr_of("127.0.0.1", port);
    if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(c);
      if (++failed > 100) break;
      continue;
    }
    const int s = ::accept(lfd, nullptr, nullptr);
    bool ok = ::write(c, &b, 1) == 1 && ::read(s, &b, 1) == 1;
    ok = ok && ::write(s, &b, 1) == 1 && ::read(c, &b, 1) == 1;
    ::close(c);  // client first: the client keeps the TIME-WAIT
    ok = ok && ::read(s, &b, 1) == 0;
    ::close(s);
    failed += ok ? 0 : 1;
    ++done;
    if ((done & 255) == 0 && seconds_since(start) > limit_s) break;
  }
  const double secs = seconds_since(start);
  row("lifecycle.linux", static_cast<double>(done) / secs, "conn/s",
      {{"connections", done},
       {"failed", failed},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0}});
  ::close(lfd);
}

void pingpong(std::size_t rounds) {
  const int lfd = listener(0);
  const int c = connect_to("127.0.0.1", port_of(lfd));
  const int s = ::accept(lfd, nullptr, nullptr);
  const int one = 1;
  ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char b = 1;
  std::vector<double> ns;
  ns.reserve(rounds);
  for (std::size_t i = 0; i < rounds + rounds / 10; ++i) {
    const auto t0 = Clock::now();
    if (::write(c, &b, 1) != 1 || ::read(s, &b, 1) != 1) die("ping");
    if (::write(s, &b, 1) != 1 || ::read(c, &b, 1) != 1) die("pong");
    const auto t1 = Clock::now();
    if (i >= rounds / 10) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  const double p99 = percentile(ns, 0.99);
  const double p50 = percentile(ns, 0.50);
  row("pingpong.linux.p50", p50, "ns", {{"rounds", rounds}});
  row("pingpong.linux.p99", p99, "ns", {{"rounds", rounds}});
  ::close(c);
  ::close(s);
  ::close(lfd);
}

// Receiver of the veth / TUN runs: one connection, discard until EOF.
int serve(std::uint16_t port, const char* ip) {
  const int lfd = listener(port, ip);
  pollfd p{lfd, POLLIN, 0};
  if (::poll(&p, 1, 30000) != 1) die("no connection within 30 s");
  const int s = ::accept(lfd, nullptr, nullptr);
  std::vector<char> buf(1 << 20);
  while (::read(s, buf.data(), buf.size()) > 0) {
  }
  ::close(s);
  ::close(lfd);
  return 0;
}

int send_bytes(const char* ip, std::uint16_t port, std::uint64_t total, const char* id) {
  int c = -1;
  for (int i = 0; i < 100 && c < 0; ++i) {  // the receiver may still be starting
    c = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = addr_of(ip, port);
    if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(c);
      c = -1;
      ::usleep(50000);
    }
  }
  if (c < 0) die("connect");
  const auto src = pattern(1 << 20);
  std::uint64_t sent = 0;
  const auto start = Clock::now();
  while (sent < total && seconds_since(start) < 120) {
    const ssize_t n = ::write(c, src.data(), std::min<std::uint64_t>(src.size(), total - sent));
    if (n <= 0) die("write");
    sent += static_cast<std::uint64_t>(n);
  }
  ::shutdown(c, SHUT_WR);
  const timeval wait{30, 0};  // bounded wait for the receiver's EOF
  ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char b;
  while (::read(c, &b, 1) > 0) {
  }
  const double secs = seconds_since(start);
  // The sender's view of the wire: data segments out, packets (ACKs) in.
  tcp_info info{};
  socklen_t len = sizeof info;
  ::getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len);
  row(id, static_cast<double>(sent) * 8 / secs / 1e9, "Gbit/s",
      {{"bytes", sent},
       {"seconds", secs},
       {"segments", info.tcpi_data_segs_out},
       {"acks", info.tcpi_segs_in},
       {"segments_per_ack", segments_per_ack(info.tcpi_data_segs_out, info.tcpi_segs_in)}});
  ::close(c);
  return 0;
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"the Linux counterparts of bulk, lifecycle and ping-pong (loopback, veth)",
               "linux_bench"};
  bool quick = false;
  std::vector<std::string> serve_args;
  std::vector<std::string> send_args;
  add_quick_flag(app, quick);
  auto* serve_opt = app.add_option("--serve", serve_args,
                                   "PORT [ADDR]: discard server for --send (default 0.0.0.0)")
                        ->expected(1, 2);
  app.add_option("--send", send_args, "HOST PORT SIZE ADDR: send SIZE bytes (1GiB) from ADDR")
      ->expected(4)
      ->excludes(serve_opt);
  parse_or_exit(app, argc, argv);
  const auto port = [](const std::string& text) {
    unsigned p = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
    if (ec != std::errc{} || end != text.data() + text.size() || p == 0 || p > 65535) {
      fmt::print(stderr, "linux_bench: port \"{}\": expected 1..65535\n", text);
      std::exit(2);
    }
    return static_cast<std::uint16_t>(p);
  };
  if (!serve_args.empty()) {
    return serve(port(serve_args[0]), serve_args.size() > 1 ? serve_args[1].c_str() : "0.0.0.0");
  }
  if (!send_args.empty()) {
    const auto bytes = synack::units::parse_bytes(send_args[2]);
    if (!bytes) {
      fmt::print(stderr, "linux_bench: --send SIZE \"{}\": {}\n", send_args[2], bytes.error());
      return 2;
    }
    return send_bytes(send_args[0].c_str(), port(send_args[1]), *bytes, send_args[3].c_str());
  }
  bulk(quick ? (256ull << 20) : (1ull << 30), quick ? 5 : 60);
  lifecycle(quick ? 5000 : 2000000, quick ? 3 : 8);
  pingpong(quick ? 20000 : 500000);
}
