// SPDX-License-Identifier: Apache-2.0
// The public facade (include/synack/) and the C API: errors arrive as errno
// values, keys come from the OS unless a secret is given, value types convert.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "synack/stack.hpp"
#include "synack/synack.h"

namespace synack::api {
namespace {

const Ipv4Address kA = Ipv4Address::from_octets(10, 0, 0, 1);
const Ipv4Address kB = Ipv4Address::from_octets(10, 0, 0, 2);

/// The ISN of the SYN `s` sends for a connect from port 40000 to kB:80 at t=0.
std::uint32_t syn_isn(Stack& s) {
  const Fd fd = *s.socket();
  EXPECT_TRUE(s.bind(fd, {kA, 40000}));
  EXPECT_EQ(s.connect(fd, {kB, 80}, Instant{}).error(), std::errc::operation_in_progress);
  auto p = s.poll_transmit(Instant{});
  EXPECT_TRUE(p.has_value());
  if (!p || p->size() < 40) return 0;
  const auto* b = reinterpret_cast<const std::uint8_t*>(p->data());
  return (std::uint32_t{b[24]} << 24) | (std::uint32_t{b[25]} << 16) | (std::uint32_t{b[26]} << 8) |
         b[27];
}

TEST(PublicApi, IsnKeyComesFromTheOsUnlessASecretIsGiven) {
  // RFC 6528: same 4-tuple and clock, so only the key can make the ISNs differ.
  Stack fixed1({.address = kA, .secret = Secret{7}});
  Stack fixed2({.address = kA, .secret = Secret{7}});
  EXPECT_EQ(syn_isn(fixed1), syn_isn(fixed2));
  Stack random1({.address = kA});
  Stack random2({.address = kA});
  EXPECT_NE(syn_isn(random1), syn_isn(random2));  // 2^-32 chance of a false failure
}

TEST(PublicApi, ErrorsAreErrnoValues) {
  Stack s({.address = kA});
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(s.send(42, buf, Instant{}).error(), std::errc::bad_file_descriptor);
  const Fd l = *s.socket();
  ASSERT_TRUE(s.bind(l, {kA, 80}));
  ASSERT_TRUE(s.listen(l, 4, Instant{}));
  EXPECT_EQ(s.accept(l).error(), std::errc::operation_would_block);
  EXPECT_EQ(s.local_endpoint(l), (Endpoint{kA, 80}));
  EXPECT_EQ(s.remote_endpoint(l).error(), std::errc::not_connected);
  const Fd other = *s.socket();
  EXPECT_EQ(s.bind(other, {kA, 80}).error(), std::errc::address_in_use);
  EXPECT_EQ(s.poll(99), kPollErr);
  EXPECT_EQ(s.count_in_state(State::kListen), 1u);
}

TEST(PublicApi, MalformedPacketsAreCountedNotFatal) {
  Stack s({.address = kA});
  const std::array<std::byte, 3> junk{std::byte{0x45}, std::byte{0}, std::byte{1}};
  s.receive(junk, Instant{});
  EXPECT_EQ(s.counters().ip_in, 1u);
  EXPECT_EQ(s.counters().dropped, 1u);
  EXPECT_FALSE(s.poll_transmit(Instant{}).has_value());
  EXPECT_EQ(s.next_deadline(), kNever);
}

TEST(PublicApi, ValueTypes) {
  EXPECT_EQ(Ipv4Address::parse("10.0.0.1"), kA);
  EXPECT_FALSE(Ipv4Address::parse("10.0.0.256"));
  EXPECT_EQ(kB.to_string(), "10.0.0.2");
  EXPECT_EQ(to_string(State::kTimeWait), "TIME-WAIT");
  EXPECT_EQ(to_string(State::kSynReceived), "SYN-RECEIVED");
}

TEST(CApi, NegativeErrnoAndOpaqueHandles) {
  synack_config c;
  synack_config_init(&c);
  ASSERT_EQ(synack_ipv4_parse("10.0.0.1", &c.address), 0);
  EXPECT_EQ(synack_ipv4_parse("ten", &c.address), -EINVAL);
  synack_stack* s = synack_stack_new(&c);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(synack_send(s, 7, "x", 1, 0), -EBADF);
  const int fd = synack_socket(s);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(synack_connect(s, fd, {kB.value, 80}, 0), -EINPROGRESS);
  size_t len = 0;
  EXPECT_NE(synack_poll_transmit(s, 0, &len), nullptr);  // the SYN
  EXPECT_GE(len, 44u);
  EXPECT_NE(synack_next_deadline(s), SYNACK_NEVER);  // its retransmission timer
  int value = -1;
  EXPECT_EQ(synack_getsockopt(s, fd, SYNACK_TCP_NODELAY, &value), 0);
  EXPECT_EQ(value, 0);
  EXPECT_EQ(synack_getsockopt(s, fd, 99, &value), -ENOPROTOOPT);
  EXPECT_EQ(synack_shutdown(s, fd, 5, 0), -EINVAL);
  EXPECT_EQ(synack_close(s, fd, 0), 0);
  synack_stack_free(s);

  c.mtu = 10;  // below RFC 791's 68
  errno = 0;
  EXPECT_EQ(synack_stack_new(&c), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

}  // namespace
}  // namespace synack::api
