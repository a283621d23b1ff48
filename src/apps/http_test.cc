// SPDX-License-Identifier: Apache-2.0
#include "apps/http.hpp"

#include <gtest/gtest.h>

#include "stack/stack_pair.hpp"

namespace synack::apps {
namespace {

StackConfig cfg(Ipv4Addr a, std::uint8_t key) {
  StackConfig c;
  c.address = a;
  c.secret = SipKey{key};
  c.tcp.isn_secret = SipKey{static_cast<std::uint8_t>(key + 3)};
  return c;
}

std::string expected_sha(std::uint64_t n) {
  std::vector<std::byte> body(n);
  fill_http_content(0, body);
  return sha256_hex(body);
}

struct HttpFixture : ::testing::Test {
  const Ipv4Addr kClient = Ipv4Addr::from_octets(10, 0, 0, 1);
  const Ipv4Addr kServer = Ipv4Addr::from_octets(10, 0, 0, 2);
  StackPair net{cfg(kClient, 1), cfg(kServer, 2), milliseconds(1)};

  void wire(HttpServer& server, HttpClient& client) {
    net.b().set_callback([&](Fd fd, std::uint32_t m) { server.on_ready(fd, m, net.now()); });
    net.a().set_callback([&](Fd fd, std::uint32_t m) { client.on_ready(fd, m, net.now()); });
  }
};

TEST_F(HttpFixture, FetchesDeterministicBodyByteExactly) {
  HttpServer server(net.b(), {.port = 80, .body_bytes = 300'000});
  HttpClient client(net.a(), {kServer, 80}, "10.0.0.2", "/anything");
  wire(server, client);
  ASSERT_TRUE(server.start(net.now()).has_value());
  ASSERT_TRUE(client.start(net.now()).has_value());
  ASSERT_TRUE(net.run_until([&] { return client.done(); }, seconds(60)));
  const auto& r = client.result();
  EXPECT_FALSE(r.error.has_value());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_length, 300'000u);
  EXPECT_EQ(r.body_bytes, 300'000u);
  EXPECT_EQ(r.sha256, expected_sha(300'000));
  EXPECT_EQ(server.stats().requests, 1u);
  net.run_for(seconds(1));
  EXPECT_EQ(server.open_connections(), 0u);
}

TEST_F(HttpFixture, NotFoundWithoutContent) {
  HttpServer server(net.b(), {.port = 80});
  HttpClient client(net.a(), {kServer, 80}, "10.0.0.2", "/");
  wire(server, client);
  ASSERT_TRUE(server.start(net.now()).has_value());
  ASSERT_TRUE(client.start(net.now()).has_value());
  ASSERT_TRUE(net.run_until([&] { return client.done(); }, seconds(10)));
  EXPECT_EQ(client.result().status, 404);
  EXPECT_EQ(client.result().body_bytes, 0u);
}

TEST_F(HttpFixture, ConnectionRefusedIsReported) {
  HttpClient client(net.a(), {kServer, 8080}, "10.0.0.2", "/");
  net.a().set_callback([&](Fd fd, std::uint32_t m) { client.on_ready(fd, m, net.now()); });
  ASSERT_TRUE(client.start(net.now()).has_value());
  ASSERT_TRUE(net.run_until([&] { return client.done(); }, seconds(10)));
  ASSERT_TRUE(client.result().error.has_value());
  EXPECT_EQ(*client.result().error, std::errc::connection_refused);
}

}  // namespace
}  // namespace synack::apps
