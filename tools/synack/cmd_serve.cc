// SPDX-License-Identifier: Apache-2.0
// `synack serve`: synack's stack on a TUN device, serving HTTP (or echo /
// discard) to the real Linux kernel.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <map>

#include <fmt/core.h>

#include "apps/http.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "tun_common.hpp"
#include "unit_options.hpp"

namespace synack::cli {
namespace {

struct ServeOptions {
  TunCommandOptions tun;
  std::uint16_t port = 0;  // 0: 80 for HTTP, 7 for echo, 9 for discard
  bool echo = false;
  bool discard = false;
  std::string http_dir;
  std::uint64_t http_bytes = 0;
  bool http_bytes_set = false;  // --http-bytes given (0 is a valid body size)
  bool close_first = false;
  std::uint64_t connections = 0;  // exit after this many connections finished (0 = never)
};

// A minimal stream server: echo everything back, or read and drop it.
class StreamServer {
 public:
  StreamServer(Stack& s, bool echo) : s_(s), echo_(echo) {}
  std::expected<void, std::errc> start(std::uint16_t port, Instant now) {
    listener_ = *s_.socket();
    (void)s_.setsockopt(listener_, SockOpt::kReuseAddr, 1);
    if (auto r = s_.bind(listener_, {Ipv4Addr{}, port}); !r) return r;
    return s_.listen(listener_, 128, now);
  }
  void on_ready(Fd fd, Instant now) {
    if (fd == listener_) {
      while (auto c = s_.accept(listener_)) pending_[*c];
      for (auto& [c, buf] : pending_) pump(c, buf, now);
      return;
    }
    if (auto it = pending_.find(fd); it != pending_.end()) pump(fd, it->second, now);
  }
  std::uint64_t bytes = 0;

 private:
  void pump(Fd fd, std::vector<std::byte>& backlog, Instant now) {
    std::array<std::byte, 16384> buf;
    for (;;) {
      if (!backlog.empty()) {
        auto w = s_.send(fd, backlog, now);
        if (!w) return;  // wait for writable
        backlog.erase(backlog.begin(), backlog.begin() + static_cast<std::ptrdiff_t>(*w));
        if (!backlog.empty()) return;
      }
      auto r = s_.recv(fd, buf, 0, now);
      if (!r && r.error() == std::errc::operation_would_block) return;
      if (!r || *r == 0) {
        (void)s_.close(fd, now);
        pending_.erase(fd);
        return;
      }
      bytes += *r;
      if (echo_) backlog.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*r));
    }
  }
  Stack& s_;
  bool echo_;
  Fd listener_ = -1;
  std::map<Fd, std::vector<std::byte>> pending_;
};

int run_serve(ServeOptions& o) {
  const int modes = (o.echo ? 1 : 0) + (o.discard ? 1 : 0) + (!o.http_dir.empty() ? 1 : 0) +
                    (o.http_bytes_set ? 1 : 0);
  if (modes != 1) {
    fmt::print(
        stderr,
        "synack serve: choose exactly one of --echo, --discard, --http DIR, --http-bytes N\n");
    return 2;
  }
  auto session = open_tun_session(o.tun);
  if (!session) return 1;
  TunStack& ts = *session->stack;
  Stack& stack = ts.stack();
  const std::uint16_t port = o.port != 0 ? o.port : o.echo ? 7 : o.discard ? 9 : 80;
  const auto& recorder = *session->recorder;
  std::unique_ptr<apps::HttpServer> http;
  std::unique_ptr<StreamServer> stream;
  const Instant start = EventLoop::now();
  std::expected<void, std::errc> started;
  if (o.echo || o.discard) {
    stream = std::make_unique<StreamServer>(stack, o.echo);
    started = stream->start(port, start);
  } else {
    apps::HttpServerOptions ho;
    ho.port = port;
    if (!o.http_dir.empty()) ho.root = o.http_dir;
    if (o.http_bytes_set) ho.body_bytes = o.http_bytes;
    ho.close_after_response = o.close_first;
    http = std::make_unique<apps::HttpServer>(stack, ho);
    started = http->start(start);
  }
  if (!started) {
    fmt::print(stderr, "synack serve: cannot listen on port {}: {}\n", port,
               std::make_error_code(started.error()).message());
    return 1;
  }
  ts.set_ready_handler([&](Fd fd, std::uint32_t mask, Instant now) {
    if (http) http->on_ready(fd, mask, now);
    if (stream) stream->on_ready(fd, now);
  });
  fmt::print(stderr, "synack serve: {} on {}:{} via {} (kernel side {}){}\n",
             http     ? "HTTP"
             : o.echo ? "echo"
                      : "discard",
             session->ours.to_string(), port, o.tun.tun, session->kernel.to_string(),
             o.tun.pcap.empty() ? "" : fmt::format(", capture {}", o.tun.pcap));
  Progress status(o.tun.quiet);  // the status line: on a terminal only
  if (status.active()) {
    ts.loop().set_tick([&](Instant) {
      const auto& c = stack.counters();
      status.show(fmt::format("conns est {} tw {} | rx {} tx {} pkts | rst {}",
                              stack.count_in_state(tcp::State::kEstablished),
                              stack.time_wait_count(), c.ip_in, c.ip_out, c.rst_out));
    });
  }
  const Duration limit = o.tun.limit_or(std::chrono::hours(24 * 365));
  const auto result = ts.run_until(
      [&] { return o.connections > 0 && recorder.finished_count() >= o.connections; }, limit);
  status.clear();
  const auto& c = stack.counters();
  fmt::print(stderr,
             "synack serve: {} — {} connections finished, {} packets in, {} out, {} RSTs; "
             "open TCBs {}, TIME-WAIT {}{}\n",
             result == RunResult::kStopped ? "stopped" : "done", recorder.finished_count(), c.ip_in,
             c.ip_out, c.rst_out, stack.tcb_count(), stack.time_wait_count(),
             o.tun.pcap.empty() ? "" : fmt::format("; capture in {}", o.tun.pcap));
  if (!finish_tun_session(*session, o.tun)) return 1;
  return result == RunResult::kError ? 1 : 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve HTTP/echo/discard to the Linux kernel over a TUN device (needs CAP_NET_ADMIN)");
  add_tun_options(*cmd, o->tun);
  cmd->add_option("--port", o->port, "port (default 80 HTTP, 7 echo, 9 discard)");
  cmd->add_flag("--echo", o->echo, "echo every byte back");
  cmd->add_flag("--discard", o->discard, "read and drop everything");
  cmd->add_option("--http", o->http_dir, "serve files below DIR over HTTP/1.1")
      ->check(CLI::ExistingDirectory);
  add_bytes_option(*cmd, "--http-bytes", o->http_bytes,
                   "serve SIZE deterministic bytes at any path: 1000, 64K, 1GiB")
      ->each([o](const std::string&) { o->http_bytes_set = true; });
  cmd->add_flag("--close-first", o->close_first,
                "HTTP: close after each response (synack holds TIME-WAIT)");
  cmd->add_option("--connections", o->connections, "exit after N connections have finished");
  cmd->callback([o] {
    if (const int rc = run_serve(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
