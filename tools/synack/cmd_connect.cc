// SPDX-License-Identifier: Apache-2.0
// `synack connect HOST:PORT`: a TCP client over the TUN device, like `nc`:
// stdin goes to the connection, the connection to stdout. EOF on stdin
// half-closes (FIN); the command ends when the peer has closed too.
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/core.h>

#include "commands.hpp"
#include "tun_common.hpp"

namespace synack::cli {
namespace {

struct ConnectOptions {
  TunCommandOptions tun;
  std::string target;
};

int run_connect(ConnectOptions& o) {
  const auto remote = parse_endpoint(o.target);
  if (!remote) {
    fmt::print(stderr, "synack connect: bad address \"{}\": expected a.b.c.d:port\n", o.target);
    return 2;
  }
  auto session = open_tun_session(o.tun);
  if (!session) return 1;
  TunStack& ts = *session->stack;
  Stack& s = ts.stack();
  const Fd fd = *s.socket();
  std::vector<std::byte> to_send;
  bool stdin_eof = false, shut = false, peer_eof = false;
  std::optional<std::errc> error;
  const auto pump = [&](Instant now) {
    std::array<std::byte, 16384> buf;
    for (;;) {
      auto r = s.recv(fd, buf, 0, now);
      if (!r) {
        if (r.error() != std::errc::operation_would_block && r.error() != std::errc::not_connected)
          error = r.error();
        break;
      }
      if (*r == 0) {
        peer_eof = true;
        break;
      }
      std::fwrite(buf.data(), 1, *r, stdout);
    }
    std::fflush(stdout);
    while (!to_send.empty()) {
      auto w = s.send(fd, to_send, now);
      if (!w) break;
      to_send.erase(to_send.begin(), to_send.begin() + static_cast<std::ptrdiff_t>(*w));
    }
    if (stdin_eof && to_send.empty() && !shut && (s.poll(fd) & kPollOut)) {
      shut = true;
      (void)s.shutdown(fd, ShutdownHow::kWrite, now);
    }
  };
  ts.set_ready_handler([&](Fd f, std::uint32_t mask, Instant now) {
    if (f != fd) return;
    if (mask & kPollErr) {
      if (auto e = s.getsockopt(fd, SockOpt::kError); e && *e != 0)
        error = static_cast<std::errc>(*e);
    }
    pump(now);
  });
  ::fcntl(STDIN_FILENO, F_SETFL, ::fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
  const auto watched = ts.loop().add_fd(STDIN_FILENO, EPOLLIN, [&](std::uint32_t, Instant now) {
    std::array<char, 16384> buf;
    const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
    if (n > 0) {
      const auto* p = reinterpret_cast<const std::byte*>(buf.data());
      to_send.insert(to_send.end(), p, p + n);
    } else if (n == 0) {
      stdin_eof = true;
      ts.loop().remove_fd(STDIN_FILENO);
    }
    pump(now);
  });
  if (!watched) {
    // epoll refuses regular files and /dev/null (EPERM): they are always
    // readable, so take all of stdin now (it is sent as the window allows).
    std::array<char, 65536> buf;
    ssize_t n = 0;
    while ((n = ::read(STDIN_FILENO, buf.data(), buf.size())) > 0) {
      const auto* p = reinterpret_cast<const std::byte*>(buf.data());
      to_send.insert(to_send.end(), p, p + n);
    }
    if (n < 0) {
      fmt::print(stderr, "synack connect: cannot read stdin: {}\n", std::strerror(errno));
      return 1;
    }
    stdin_eof = true;
  }
  auto r = s.connect(fd, *remote, EventLoop::now());
  if (!r && r.error() != std::errc::operation_in_progress) {
    fmt::print(stderr, "synack connect: {}\n", std::make_error_code(r.error()).message());
    return 1;
  }
  const Duration limit = o.tun.limit_or(std::chrono::hours(24 * 365));
  ts.run_until([&] { return error.has_value() || (peer_eof && shut); }, limit);
  (void)s.close(fd, EventLoop::now());
  ts.run_until([&] { return s.tcb_count() == 0; }, seconds(2));
  if (error) {
    fmt::print(stderr, "synack connect: {}: {}\n", o.target,
               std::make_error_code(*error).message());
    return 1;
  }
  return finish_tun_session(*session, o.tun) ? 0 : 1;
}

}  // namespace

void add_connect_command(CLI::App& app) {
  auto o = std::make_shared<ConnectOptions>();
  auto* cmd =
      app.add_subcommand("connect", "TCP client over a TUN device, like nc (needs CAP_NET_ADMIN)");
  add_tun_options(*cmd, o->tun);
  cmd->add_option("target", o->target, "a.b.c.d:port")->required();
  cmd->callback([o] {
    if (const int rc = run_connect(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
