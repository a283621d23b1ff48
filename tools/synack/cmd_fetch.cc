// SPDX-License-Identifier: Apache-2.0
// `synack fetch URL`: an HTTP/1.1 GET from synack's stack over a TUN device,
// against a server in the Linux kernel's network (e.g. python3 -m http.server).
#include <cstdio>

#include <fmt/core.h>

#include "apps/http.hpp"
#include "atomic_file.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "tun_common.hpp"

namespace synack::cli {
namespace {

struct FetchOptions {
  TunCommandOptions tun;
  std::string url;
  std::string output;  // "-" = stdout, "" = discard (hash only)
};

struct Url {
  tcp::Endpoint server;
  std::string host;
  std::string path;
};

std::optional<Url> parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (hostport.find(':') == std::string::npos) hostport += ":80";
  const auto ep = parse_endpoint(hostport);
  if (!ep) return std::nullopt;
  return Url{*ep, hostport, slash == std::string::npos ? "/" : rest.substr(slash)};
}

int run_fetch(FetchOptions& o) {
  const auto url = parse_url(o.url);
  if (!url) {
    fmt::print(stderr, "synack fetch: bad URL \"{}\": expected http://a.b.c.d[:port]/path\n",
               o.url);
    return 2;
  }
  auto session = open_tun_session(o.tun);
  if (!session) return 1;
  TunStack& ts = *session->stack;
  std::FILE* out = o.output == "-" ? stdout : nullptr;
  std::optional<AtomicFile> file;  // -o FILE appears only once the body is complete
  if (!o.output.empty() && o.output != "-") {
    auto f = AtomicFile::create(o.output);
    if (!f) {
      fmt::print(stderr, "synack fetch: {}\n", f.error());
      return 1;
    }
    file.emplace(std::move(*f));
    out = file->file();
  }
  apps::HttpClient client(ts.stack(), url->server, url->host, url->path, [&](Bytes piece) {
    if (out != nullptr) std::fwrite(piece.data(), 1, piece.size(), out);
  });
  ts.set_ready_handler(
      [&](Fd fd, std::uint32_t mask, Instant now) { client.on_ready(fd, mask, now); });
  const Instant start = EventLoop::now();
  if (auto r = client.start(start); !r) {
    fmt::print(stderr, "synack fetch: connect: {}\n", std::make_error_code(r.error()).message());
    return 1;
  }
  // Run until the body is complete, then let the close handshake finish.
  Progress progress(o.tun.quiet);
  if (progress.active()) {
    ts.loop().set_tick([&](Instant now) {
      const auto& p = client.result();
      progress.show(fmt::format("synack fetch: {} bytes in {:.0f} s", p.body_bytes,
                                std::chrono::duration<double>(now - start).count()));
    });
  }
  ts.run_until([&] { return client.done(); }, o.tun.limit_or(seconds(600)));
  const Instant end = EventLoop::now();
  ts.run_until([&] { return ts.stack().tcb_count() == 0; }, seconds(2));
  progress.clear();
  const auto& r = client.result();
  if (r.error) {
    fmt::print(stderr, "synack fetch: {}: {}\n", o.url, std::make_error_code(*r.error).message());
    return 1;
  }
  if (!client.done()) {
    fmt::print(stderr, "synack fetch: {}: timed out after {:.1f} s\n", o.url,
               std::chrono::duration<double>(end - start).count());
    return 1;
  }
  if (r.status != 200) {
    fmt::print(stderr, "synack fetch: {}: HTTP {} ({} bytes of body{})\n", o.url, r.status,
               r.body_bytes, file ? fmt::format("; {} not written", o.output) : "");
    return 1;
  }
  if (file) {
    if (auto c = file->commit(); !c) {
      fmt::print(stderr, "synack fetch: {}\n", c.error());
      return 1;
    }
  }
  if (!finish_tun_session(*session, o.tun)) return 1;
  const double secs = std::chrono::duration<double>(end - start).count();
  fmt::print(stderr, "synack fetch: HTTP {} — {} bytes in {:.3f} s ({:.1f} Mbit/s), sha256 {}\n",
             r.status, r.body_bytes, secs, secs > 0 ? r.body_bytes * 8 / secs / 1e6 : 0.0,
             r.sha256);
  return 0;
}

}  // namespace

void add_fetch_command(CLI::App& app) {
  auto o = std::make_shared<FetchOptions>();
  auto* cmd =
      app.add_subcommand("fetch", "HTTP GET from synack over a TUN device (needs CAP_NET_ADMIN)");
  add_tun_options(*cmd, o->tun);
  cmd->add_option("url", o->url, "http://a.b.c.d[:port]/path")->required();
  cmd->add_option("-o,--output", o->output,
                  "write the body to FILE ('-' = stdout; default: hash only); FILE appears only "
                  "when the whole body arrived");
  cmd->callback([o] {
    if (const int rc = run_fetch(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
