// SPDX-License-Identifier: Apache-2.0
// The Asio adapter (include/synack/asio.hpp) against the real Linux kernel:
// an Acceptor + coroutine echo server serving a Linux client, a refused
// connect arriving as ECONNREFUSED, and cancellation by close(). Each test
// makes its own namespace with a TUN device (root; skipped otherwise).
#include <gtest/gtest.h>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <optional>
#include <synack/asio.hpp>

#include "netns.hpp"

namespace synack::interop {
namespace {

const api::Ipv4Address kLinux = api::Ipv4Address::from_octets(10, 77, 0, 1);
const api::Ipv4Address kUs = api::Ipv4Address::from_octets(10, 77, 0, 2);

class AsioInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    auto ns = NetNamespace::create();
    ASSERT_TRUE(ns.has_value()) << ns.error();
    ns_.emplace(std::move(*ns));
    auto tun = api::TunStack::open(
        {.netns = ns_->name(), .kernel_address = kLinux, .stack = {.address = kUs}});
    ASSERT_TRUE(tun.has_value()) << tun.error().message;
    tun_.emplace(std::move(*tun));
    net_.emplace(io_.get_executor(), *tun_);
  }
  void TearDown() override {
    net_.reset();
    tun_.reset();
  }

  /// Runs io_ until `child` exits (its pidfd, watched by Asio), at most 20 s.
  ProcessResult run_until_exit(ChildProcess& child) {
    ::asio::posix::stream_descriptor pid(io_, ::dup(child.pidfd()));
    pid.async_wait(::asio::posix::descriptor_base::wait_read, [&](std::error_code) { io_.stop(); });
    io_.run_for(std::chrono::seconds(20));
    return child.wait(seconds(2));
  }

  // Order matters: the Service before the TunStack before the namespace.
  std::optional<NetNamespace> ns_;
  ::asio::io_context io_;
  std::optional<api::TunStack> tun_;
  std::optional<synack::asio::Service> net_;
};

/// Echoes one connection until the peer's FIN, with generic Asio calls.
::asio::awaitable<void> echo_one(synack::asio::Acceptor& acceptor, std::size_t& echoed) {
  synack::asio::Socket s = co_await acceptor.async_accept(::asio::use_awaitable);
  std::array<char, 4096> buf{};
  for (;;) {
    std::error_code ec;
    const std::size_t n = co_await s.async_read_some(
        ::asio::buffer(buf), ::asio::redirect_error(::asio::use_awaitable, ec));
    if (ec == ::asio::error::eof) break;
    if (ec) throw std::system_error(ec);
    co_await ::asio::async_write(s, ::asio::buffer(buf.data(), n), ::asio::use_awaitable);
    echoed += n;
  }
}

TEST_F(AsioInterop, AcceptorAndCoroutineEchoALinuxClient) {
  synack::asio::Acceptor acceptor(*net_, {kUs, 7});
  std::size_t echoed = 0;
  ::asio::co_spawn(io_, echo_one(acceptor, echoed), ::asio::detached);
  auto client = ns_->spawn({"python3", "-c", R"(
import os, socket, sys
data = os.urandom(200000)
s = socket.create_connection(("10.77.0.2", 7), timeout=15)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = bytearray()
while chunk := s.recv(65536):
    got += chunk
sys.exit(0 if bytes(got) == data else 1)
)"});
  ASSERT_TRUE(client.has_value()) << client.error();
  const ProcessResult r = run_until_exit(*client);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(echoed, 200000u);
}

TEST_F(AsioInterop, RefusedConnectIsEconnrefused) {
  // Nothing listens on the kernel's port 9: Linux answers the SYN with a RST.
  std::optional<std::error_code> result;
  synack::asio::Socket s(*net_);
  s.async_connect({kLinux, 9}, [&](std::error_code ec) {
    result = ec;
    io_.stop();
  });
  EXPECT_FALSE(result.has_value());  // never completes inside the initiating call
  io_.run_for(std::chrono::seconds(10));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, std::make_error_code(std::errc::connection_refused)) << result->message();
}

TEST_F(AsioInterop, CloseAbortsPendingOperations) {
  synack::asio::Acceptor acceptor(*net_, {kUs, 8080});
  std::optional<std::error_code> accepted;
  acceptor.async_accept([&](std::error_code ec, synack::asio::Socket) { accepted = ec; });
  ::asio::post(io_, [&] { acceptor.close(); });
  io_.run_for(std::chrono::seconds(2));
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(*accepted, ::asio::error::operation_aborted);
  EXPECT_FALSE(acceptor.is_open());
}

TEST_F(AsioInterop, CancellationSlotAbortsAPendingOperation) {
  // As awaitable operators and timeouts do: a signal bound to the handler.
  synack::asio::Acceptor acceptor(*net_, {kUs, 8081});
  ::asio::cancellation_signal signal;
  std::optional<std::error_code> accepted;
  acceptor.async_accept(::asio::bind_cancellation_slot(
      signal.slot(), [&](std::error_code ec, synack::asio::Socket) { accepted = ec; }));
  ::asio::post(io_, [&] { signal.emit(::asio::cancellation_type::terminal); });
  io_.run_for(std::chrono::seconds(2));
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(*accepted, ::asio::error::operation_aborted);
  EXPECT_TRUE(acceptor.is_open());  // only the operation ended, not the acceptor
}

}  // namespace
}  // namespace synack::interop
