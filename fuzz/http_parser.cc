// SPDX-License-Identifier: Apache-2.0
// Fuzz target http_parser: the HTTP/1.1 request and response parsing of apps
// (HttpServer's request heads, HttpClient's response heads), reached the way a
// peer reaches them: over two stacks in virtual time (StackPair).
//
// First input byte: bit 0 picks the side under test, bits 1-2 the server's
// mode (nothing / deterministic body / file root); the second byte the piece
// size of each send (1 + 64·n bytes); the rest is what the other side sends.
//  * server: a raw client sends the bytes, then half-closes. Every response
//    must start "HTTP/1.1 " and the server must not hold the connection after
//    the client left.
//  * client: a raw server sends the bytes as the response, then closes. The
//    client must finish (done()), and a complete fetch must have exactly
//    Content-Length body bytes.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "apps/http.hpp"
#include "fuzz_check.hpp"
#include "input_reader.hpp"
#include "stack/stack_pair.hpp"

using namespace synack;
using fuzz::InputReader;

namespace {

const Ipv4Addr kClient = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kServer = Ipv4Addr::from_octets(10, 0, 0, 2);

const std::filesystem::path& web_root() {
  static const std::filesystem::path root = [] {
    auto p = std::filesystem::temp_directory_path() / "synack_fuzz_http_root";
    std::filesystem::create_directories(p / "sub");
    std::ofstream(p / "index.html") << "<p>hello</p>\n";
    return p;
  }();
  return root;
}

// Sends `data` in pieces on `fd`, running the network between pieces.
void send_pieces(StackPair& net, Stack& s, Fd fd, std::size_t piece, Bytes data) {
  while (!data.empty()) {
    const std::size_t n = std::min(data.size(), piece);
    auto r = s.send(fd, data.first(n), net.now());
    if (!r) {
      if (r.error() != std::errc::operation_would_block) return;
      net.run_for(milliseconds(10));
      continue;
    }
    data = data.subspan(*r);
    net.run_for(milliseconds(1));
  }
}

void fuzz_server(std::size_t piece, std::uint8_t mode, Bytes rest) {
  StackPair net{test_stack_config(kClient, 1), test_stack_config(kServer, 2), milliseconds(1)};
  apps::HttpServerOptions opt{.port = 80};
  if (mode == 1) opt.body_bytes = 3000;
  if (mode == 2) opt.root = web_root();
  apps::HttpServer server(net.b(), opt);
  net.b().set_callback([&](Fd fd, std::uint32_t m) { server.on_ready(fd, m, net.now()); });
  FUZZ_CHECK(server.start(net.now()).has_value());
  Stack& a = net.a();
  const Fd fd = *a.socket();
  (void)a.connect(fd, {kServer, 80}, net.now());
  net.run_for(milliseconds(10));
  send_pieces(net, a, fd, piece, rest);
  (void)a.shutdown(fd, ShutdownHow::kWrite, net.now());
  std::string got;
  std::vector<std::byte> buf(65536);
  for (int i = 0; i < 200; ++i) {
    net.run_for(milliseconds(50));
    auto r = a.recv(fd, buf, 0, net.now());
    if (r && *r == 0) break;
    if (r) got.append(reinterpret_cast<const char*>(buf.data()), *r);
    if (!r && r.error() != std::errc::operation_would_block) break;
  }
  if (!got.empty()) FUZZ_CHECK(got.starts_with("HTTP/1.1 "));
  (void)a.close(fd, net.now());
  net.run_for(seconds(5));
  FUZZ_CHECK(server.open_connections() == 0);
}

void fuzz_client(std::size_t piece, Bytes rest) {
  StackPair net{test_stack_config(kClient, 1), test_stack_config(kServer, 2), milliseconds(1)};
  Stack& b = net.b();
  const Fd lfd = *b.socket();
  (void)b.bind(lfd, {kServer, 80});
  (void)b.listen(lfd, 4, net.now());
  apps::HttpClient client(net.a(), {kServer, 80}, "10.0.0.2", "/x");
  net.a().set_callback([&](Fd fd, std::uint32_t m) { client.on_ready(fd, m, net.now()); });
  FUZZ_CHECK(client.start(net.now()).has_value());
  net.run_for(milliseconds(10));
  auto fd = b.accept(lfd);
  if (!fd) return;
  send_pieces(net, b, *fd, piece, rest);
  (void)b.close(*fd, net.now());
  net.run_until([&] { return client.done(); }, seconds(30));
  FUZZ_CHECK(client.done());
  const auto& r = client.result();
  if (r.complete) FUZZ_CHECK(r.body_bytes == r.content_length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;  // the head limit is 8 KiB; larger inputs only cost time
  InputReader in(data, size);
  const std::uint8_t first = in.u8();
  const std::size_t piece = 1 + std::size_t{in.u8()} * 64;  // bytes per send()
  const Bytes rest = in.bytes(size);
  if (first & 1) {
    fuzz_client(piece, rest);
  } else {
    fuzz_server(piece, static_cast<std::uint8_t>((first >> 1) % 3), rest);
  }
  return 0;
}
