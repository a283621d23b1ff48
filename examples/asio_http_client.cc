// SPDX-License-Identifier: Apache-2.0
// asio_http_client: an HTTP/1.1 GET written as an Asio C++20 coroutine, over
// synack instead of the kernel's TCP. The coroutine is ordinary Asio code
// (asio::async_write, async_read_until, async_read with use_awaitable); the
// only synack-specific names are the socket type and its Service.
//
//   asio_http_client --url http://10.77.0.1:8080/file [--out FILE]
//                    [--device synack0] [--kernel 10.77.0.1/24] [--address 10.77.0.2]
//
// Creates the TUN device (root), fetches the URL from the kernel's side,
// checks status 200 and Content-Length, writes the body to FILE (or reports
// its size) and exits 0.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <synack/asio.hpp>

#include <charconv>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>

using namespace synack::api;

namespace {

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "asio_http_client: %s\n", why);
  std::exit(2);
}

struct Url {
  Endpoint server;
  std::string host;
  std::string path;
};

/// http://a.b.c.d[:port]/path (an IPv4 literal: synack has no resolver).
Url parse_url(std::string_view u) {
  constexpr std::string_view scheme = "http://";
  if (!u.starts_with(scheme)) usage("--url wants http://a.b.c.d[:port]/path");
  u.remove_prefix(scheme.size());
  const auto slash = u.find('/');
  const std::string_view authority = u.substr(0, slash);
  Url url{.server = {},
          .host = std::string(authority),
          .path = slash == std::string_view::npos ? "/" : std::string(u.substr(slash))};
  const auto colon = authority.find(':');
  auto addr = Ipv4Address::parse(authority.substr(0, colon));
  if (!addr) usage("--url: the host must be an IPv4 address");
  url.server = {*addr, 80};
  if (colon != std::string_view::npos) {
    const std::string_view p = authority.substr(colon + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), url.server.port);
    if (ec != std::errc{} || end != p.data() + p.size()) usage("--url: bad port");
  }
  return url;
}

struct Response {
  int status = 0;
  std::size_t content_length = 0;
  std::string body;
};

/// Generic over the stream: the same coroutine would run over asio::ip::tcp::socket.
template <typename Stream>
asio::awaitable<Response> http_get(Stream& stream, const Url& url) {
  const std::string request = "GET " + url.path + " HTTP/1.1\r\nHost: " + url.host +
                              "\r\nConnection: close\r\nUser-Agent: synack-asio\r\n\r\n";
  co_await asio::async_write(stream, asio::buffer(request), asio::use_awaitable);

  std::string buf;
  const std::size_t head_len = co_await asio::async_read_until(stream, asio::dynamic_buffer(buf),
                                                               "\r\n\r\n", asio::use_awaitable);
  const std::string head = buf.substr(0, head_len);
  Response r;
  if (std::sscanf(head.c_str(), "HTTP/1.%*d %d", &r.status) != 1) {
    throw std::runtime_error("not an HTTP response");
  }
  if (auto at = head.find("\r\nContent-Length:"); at != std::string::npos) {
    r.content_length = std::stoul(head.substr(at + 17));
  } else if (auto at2 = head.find("\r\ncontent-length:"); at2 != std::string::npos) {
    r.content_length = std::stoul(head.substr(at2 + 17));
  }
  r.body = buf.substr(head_len);
  // The rest, until the server closes (Connection: close): eof ends async_read.
  std::error_code ec;
  co_await asio::async_read(stream, asio::dynamic_buffer(r.body),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec && ec != asio::error::eof) throw std::system_error(ec);
  co_return r;
}

}  // namespace

int main(int argc, char** argv) {
  TunOptions tun_options{.kernel_address = Ipv4Address::from_octets(10, 77, 0, 1),
                         .stack = {.address = Ipv4Address::from_octets(10, 77, 0, 2)}};
  std::string url_text, out_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i], v = argv[i + 1];
    if (flag == "--url") {
      url_text = v;
    } else if (flag == "--out") {
      out_path = v;
    } else if (flag == "--device") {
      tun_options.device = v;
    } else if (flag == "--kernel") {
      const auto slash = v.find('/');
      auto k = Ipv4Address::parse(v.substr(0, slash));
      if (!k || slash == std::string_view::npos) usage("--kernel wants a.b.c.d/len");
      tun_options.kernel_address = *k;
      tun_options.prefix_len =
          static_cast<std::uint8_t>(std::stoi(std::string(v.substr(slash + 1))));
    } else if (flag == "--address") {
      auto a = Ipv4Address::parse(v);
      if (!a) usage("--address wants a.b.c.d");
      tun_options.stack.address = *a;
    } else {
      usage("unknown option (see the comment at the top of asio_http_client.cc)");
    }
  }
  if (argc % 2 == 0) usage("every option takes a value");
  if (url_text.empty()) usage("--url is required");
  const Url url = parse_url(url_text);

  auto tun = TunStack::open(tun_options);
  if (!tun) {
    std::fprintf(stderr, "asio_http_client: %s\n", tun.error().message.c_str());
    return 1;
  }
  asio::io_context io;
  synack::asio::Service net(io.get_executor(), *tun);
  int exit_code = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        synack::asio::Socket socket(net);
        co_await socket.async_connect(url.server, asio::use_awaitable);
        const Response r = co_await http_get(socket, url);
        std::printf("HTTP %d, Content-Length %zu, body %zu bytes\n", r.status, r.content_length,
                    r.body.size());
        if (!out_path.empty()) std::ofstream(out_path, std::ios::binary) << r.body;
        exit_code = r.status == 200 && r.body.size() == r.content_length ? 0 : 1;
      },
      [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            std::fprintf(stderr, "asio_http_client: %s\n", ex.what());
          }
        }
        net.stop();  // nothing else to do: let io.run() return
      });
  io.run_for(std::chrono::seconds(30));
  return exit_code;
}
