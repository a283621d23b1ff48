// SPDX-License-Identifier: Apache-2.0
// The Linux kernel as a peer over a real TUN device, inside a private network
// namespace made for each test: 10.77.0.1/24 is the kernel side, synack plays
// 10.77.0.2. Needs root; skipped otherwise. Nothing leaves the namespace.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "tun/capture.hpp"
#include "tun_fixture.hpp"

namespace synack::interop {
namespace {

TEST_F(TunInterop, DeviceExistsInsideTheNamespaceOnly) {
  const ProcessResult inside = ns_->exec({"ip", "-4", "addr", "show", "dev", "synack0"});
  ASSERT_TRUE(inside.ok()) << inside.describe();
  EXPECT_NE(inside.out.find("inet 10.77.0.1/24"), std::string::npos) << inside.out;
  EXPECT_NE(inside.out.find("mtu 1500"), std::string::npos) << inside.out;
  EXPECT_NE(inside.out.find(",UP"), std::string::npos) << inside.out;
  EXPECT_GT(dev_->ifindex(), 0);
  const ProcessResult outside = run_process({"ip", "link", "show", "dev", "synack0"});
  EXPECT_FALSE(outside.ok()) << "the host namespace must not see synack0:\n" << outside.describe();
}

TEST_F(TunInterop, AttachesToAPersistentDevice) {
  const ProcessResult add = ns_->exec({"ip", "tuntap", "add", "dev", "synack2", "mode", "tun"});
  ASSERT_TRUE(add.ok()) << add.describe();
  TunConfig config;
  config.name = "synack2";
  config.netns = ns_->name();
  config.kernel_address = Ipv4Addr::from_octets(10, 77, 1, 1);
  config.prefix_len = 30;
  config.mtu = 1280;
  auto dev = TunDevice::open(config);
  ASSERT_TRUE(dev.has_value()) << dev.error().message;
  const ProcessResult show = ns_->exec({"ip", "-4", "addr", "show", "dev", "synack2"});
  EXPECT_NE(show.out.find("inet 10.77.1.1/30"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("mtu 1280"), std::string::npos) << show.out;
}

TEST_F(TunInterop, KernelPingArrivesAsAnIpv4Packet) {
  std::optional<std::vector<std::byte>> request;
  ASSERT_TRUE(loop_
                  ->add_device(*dev_,
                               [&](Bytes p, Instant) {
                                 if (!request && as_echo_request(p))
                                   request.emplace(p.begin(), p.end());
                               })
                  .has_value());
  auto ping = ns_->spawn({"ping", "-c1", "-W0.2", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  EXPECT_EQ(loop_->run_until([&] { return request.has_value(); }, seconds(3)), RunResult::kDone);
  ASSERT_TRUE(request.has_value()) << "no echo request read from the device";
  auto ip = Ipv4View::parse(*request);
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->version(), 4);
  EXPECT_EQ(ip->src(), kKernel);
  EXPECT_EQ(ip->dst(), kSynack);
  EXPECT_EQ(ip->protocol(), kIpProtoIcmp);
  const ProcessResult r = ping->wait(seconds(3));
  EXPECT_EQ(r.exit_code, 1) << "nobody answered, so ping fails:\n" << r.describe();
}

TEST_F(TunInterop, CraftedEchoReplyMakesKernelPingSucceed) {
  int replies = 0;
  ASSERT_TRUE(loop_
                  ->add_device(*dev_,
                               [&](Bytes p, Instant) {
                                 if (auto req = as_echo_request(p)) {
                                   EXPECT_TRUE(dev_->send(echo_reply(*req)));
                                   ++replies;
                                 }
                               })
                  .has_value());
  auto ping = ns_->spawn({"ping", "-c2", "-i0.2", "-W2", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  const ProcessResult r = run_while(*ping);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.out.find("2 received"), std::string::npos) << r.out;
  EXPECT_EQ(replies, 2);
  EXPECT_EQ(dev_->stats().tx_packets, 2u);
  EXPECT_EQ(dev_->stats().tx_errors, 0u);
}

TEST_F(TunInterop, UdpFromAKernelSocketInsideTheNamespace) {
  std::optional<std::vector<std::byte>> datagram;
  ASSERT_TRUE(loop_
                  ->add_device(*dev_,
                               [&](Bytes p, Instant) {
                                 auto ip = Ipv4View::parse(p);
                                 if (ip && ip->protocol() == kIpProtoUdp)
                                   datagram.emplace(p.begin(), p.end());
                               })
                  .has_value());
  // This thread enters the namespace just to send, then comes back.
  {
    auto inside = ns_->enter();
    ASSERT_TRUE(inside.has_value()) << inside.error().message;
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(s, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(7777);
    to.sin_addr.s_addr = htonl(kSynack.value);
    EXPECT_EQ(::sendto(s, "synack", 6, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 6);
    ::close(s);
  }
  EXPECT_EQ(loop_->run_until([&] { return datagram.has_value(); }, seconds(3)), RunResult::kDone);
  ASSERT_TRUE(datagram.has_value());
  auto ip = Ipv4View::parse(*datagram);
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->src(), kKernel);
  EXPECT_EQ(ip->dst(), kSynack);
  const Bytes udp = ip->payload();
  ASSERT_EQ(udp.size(), 8u + 6u);
  EXPECT_EQ(load_be16(udp, 2), 7777);
  EXPECT_EQ(std::memcmp(udp.data() + 8, "synack", 6), 0);
}

TEST_F(TunInterop, CaptureRecordsBothDirections) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("synack-tun-" + std::to_string(::getpid()) + ".pcapng");
  {
    auto cap = PacketCapture::open(path);
    ASSERT_TRUE(cap.has_value()) << cap.error().message;
    dev_->set_capture((*cap)->hook());
    ASSERT_TRUE(loop_
                    ->add_device(*dev_,
                                 [&](Bytes p, Instant) {
                                   if (auto req = as_echo_request(p)) dev_->send(echo_reply(*req));
                                 })
                    .has_value());
    auto ping = ns_->spawn({"ping", "-c1", "-W2", "10.77.0.2"});
    ASSERT_TRUE(ping.has_value());
    EXPECT_TRUE(run_while(*ping).ok());
    dev_->set_capture({});
    EXPECT_EQ((*cap)->packets(), dev_->stats().rx_packets + dev_->stats().tx_packets);
    EXPECT_GE((*cap)->packets(), 2u);
    EXPECT_TRUE((*cap)->ok());
  }
  // SHB + IDB + 2 EPBs of an 84-byte ping each: comfortably over 200 bytes.
  EXPECT_GT(std::filesystem::file_size(path), 200u);
  std::filesystem::remove(path);
}

// Without CAP_NET_ADMIN (root's uid kept, capabilities dropped) the error is
// the documented one-liner.
TEST_F(TunInterop, MissingCapabilityGivesTheExactMessage) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  auto guard = ns_->enter();  // so that nothing could be created in the host namespace
  ASSERT_TRUE(guard.has_value());
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capset, &header, data) != 0) ::_exit(2);
    TunConfig config;
    config.name = "synack1";
    auto dev = TunDevice::open(config);
    const std::string msg = dev ? "opened?!" : dev.error().message;
    (void)!::write(pipe_fds[1], msg.data(), msg.size());
    ::_exit(0);
  }
  guard->restore();
  ::close(pipe_fds[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::string msg(256, '\0');
  const ssize_t n = ::read(pipe_fds[0], msg.data(), msg.size());
  ::close(pipe_fds[0]);
  msg.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  EXPECT_EQ(
      msg,
      "cannot open /dev/net/tun: Operation not permitted → run as root or grant CAP_NET_ADMIN");
}

}  // namespace
}  // namespace synack::interop
