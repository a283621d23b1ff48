// SPDX-License-Identifier: Apache-2.0
// tun_echo_server: a TCP echo server on synack over a Linux TUN device, driven
// from the program's own epoll loop (the way an existing event loop embeds
// synack): TunStack::fd() sits in our epoll set beside our other fds, the
// wait is bounded by TunStack::next_deadline(), and readiness callbacks echo.
//
//   tun_echo_server [--device synack0] [--kernel 10.77.0.1/24] [--address 10.77.0.2]
//                   [--port 7] [--connections N] [--seconds S]
//
// Serves N connections (0 = until S seconds pass), then exits 0; needs root
// (CAP_NET_ADMIN). Try: `nc 10.77.0.2 7` from the same network namespace.
#include <sys/epoll.h>
#include <unistd.h>

#include <synack/tun_stack.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

using namespace synack::api;

namespace {

struct Args {
  std::string device = "synack0";
  Ipv4Address kernel = Ipv4Address::from_octets(10, 77, 0, 1);
  std::uint8_t prefix = 24;
  Ipv4Address address = Ipv4Address::from_octets(10, 77, 0, 2);
  std::uint16_t port = 7;
  int connections = 0;
  int seconds = 30;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "tun_echo_server: %s\n", why);
  std::exit(2);
}

template <typename T>
T number(std::string_view s, const char* what) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) usage(what);
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const std::string_view v = argv[++i];
    if (flag == "--device") {
      a.device = v;
    } else if (flag == "--kernel") {  // a.b.c.d/len
      const auto slash = v.find('/');
      auto k = Ipv4Address::parse(v.substr(0, slash));
      if (!k || slash == std::string_view::npos) usage("--kernel wants a.b.c.d/len");
      a.kernel = *k;
      a.prefix = number<std::uint8_t>(v.substr(slash + 1), "--kernel: bad prefix length");
    } else if (flag == "--address") {
      auto addr = Ipv4Address::parse(v);
      if (!addr) usage("--address wants a.b.c.d");
      a.address = *addr;
    } else if (flag == "--port") {
      a.port = number<std::uint16_t>(v, "--port wants 0..65535");
    } else if (flag == "--connections") {
      a.connections = number<int>(v, "--connections wants a count");
    } else if (flag == "--seconds") {
      a.seconds = number<int>(v, "--seconds wants a count");
    } else {
      usage("unknown option (see the comment at the top of tun_echo_server.cc)");
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  auto opened = TunStack::open({.device = args.device,
                                .kernel_address = args.kernel,
                                .prefix_len = args.prefix,
                                .stack = {.address = args.address}});
  if (!opened) {
    std::fprintf(stderr, "tun_echo_server: %s\n", opened.error().message.c_str());
    return 1;
  }
  TunStack& tun = *opened;
  Stack& stack = tun.stack();

  const Fd listener = *stack.socket();
  if (auto r = stack.bind(listener, {args.address, args.port}); !r) {
    std::fprintf(stderr, "tun_echo_server: bind: %s\n", std::strerror(static_cast<int>(r.error())));
    return 1;
  }
  (void)stack.listen(listener, 128, tun.now());

  // Echo: read what is there, send it back; a connection's bytes the send
  // buffer could not take yet wait in `pending` until it is writable again.
  std::unordered_map<Fd, std::string> pending;
  int served = 0;
  auto pump = [&](Fd fd) {
    std::string& out = pending[fd];
    for (;;) {
      if (!out.empty()) {
        auto n = stack.send(fd, std::as_bytes(std::span(out)), tun.now());
        if (!n) break;  // EAGAIN: wait for kPollOut; other errors: kPollErr follows
        out.erase(0, *n);
        continue;
      }
      std::array<char, 4096> buf{};
      auto n = stack.recv(fd, std::as_writable_bytes(std::span(buf)), tun.now());
      if (n && *n > 0) {
        out.assign(buf.data(), *n);
        continue;
      }
      if ((n && *n == 0) || (!n && n.error() != std::errc::operation_would_block)) {
        (void)stack.close(fd, tun.now());  // end of stream or error: done with it
        pending.erase(fd);
        ++served;
      }
      break;
    }
  };
  stack.set_callback([&](Fd fd, std::uint32_t) {
    if (fd != listener) {
      if (pending.contains(fd)) pump(fd);
      return;
    }
    Endpoint peer;
    while (auto conn = stack.accept(listener, &peer)) {
      std::printf("accepted %s:%u\n", peer.address.to_string().c_str(), peer.port);
      std::fflush(stdout);
      pending[*conn];
      pump(*conn);  // data may have come with the handshake's last ACK
    }
  });

  // The embedding program's own loop: synack is one fd among others.
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{.events = EPOLLIN, .data = {.fd = tun.fd()}};
  ::epoll_ctl(ep, EPOLL_CTL_ADD, tun.fd(), &ev);
  std::printf("echo server on %s:%u (device %s)\n", args.address.to_string().c_str(), args.port,
              args.device.c_str());
  std::fflush(stdout);
  (void)tun.process();  // sends nothing yet, but arms synack's timer
  const auto end = TunStack::clock_now() + std::chrono::seconds(args.seconds);
  while (args.connections == 0 || served < args.connections) {
    const Instant now = TunStack::clock_now();
    if (now >= end) break;
    // Wait no longer than synack's next deadline (its fd would wake us too).
    const Instant until = std::min(end, tun.next_deadline());
    const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
    epoll_event got[8];
    const int n = ::epoll_wait(ep, got, 8, static_cast<int>(std::max<long long>(wait_ms, 0)));
    if (n < 0 && errno != EINTR) break;
    // Our other fds would be handled here; synack's needs one call.
    if (auto r = tun.process(); !r) {
      std::fprintf(stderr, "tun_echo_server: %s\n", std::strerror(static_cast<int>(r.error())));
      break;
    }
  }
  ::close(ep);
  std::printf("served %d connection(s)\n", served);
  return args.connections == 0 || served >= args.connections ? 0 : 1;
}
