// The Linux kernel as a peer over a real TUN device, inside a private network
// namespace made for each test: 10.77.0.1/24 is the kernel side, synack plays
// 10.77.0.2. Needs root; skipped otherwise. Nothing leaves the namespace.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "base/checksum.hpp"
#include "netns.hpp"
#include "tun/capture.hpp"
#include "tun/device.hpp"
#include "tun/event_loop.hpp"
#include "tun/impair_stage.hpp"
#include "wire/ipv4.hpp"

namespace synack::interop {
namespace {

constexpr Ipv4Addr kKernel = Ipv4Addr::from_octets(10, 77, 0, 1);
constexpr Ipv4Addr kSynack = Ipv4Addr::from_octets(10, 77, 0, 2);
constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpEchoRequest = 8;

// An ICMP echo request from the kernel, or nullopt.
std::optional<Ipv4View> as_echo_request(Bytes packet) {
  auto ip = Ipv4View::parse(packet);
  if (!ip || ip->protocol() != kIpProtoIcmp || ip->payload().size() < 8) return std::nullopt;
  if (load_u8(ip->payload(), 0) != kIcmpEchoRequest) return std::nullopt;
  return *ip;
}

// The echo reply to `request`, built by hand: swapped addresses, type 0, the
// same id/sequence/data, both checksums (RFC 792, RFC 1071) recomputed.
std::vector<std::byte> echo_reply(const Ipv4View& request) {
  const Bytes icmp_in = request.payload();
  std::vector<std::byte> packet(Ipv4Header::kSize + icmp_in.size());
  Ipv4Header ip;
  ip.protocol = kIpProtoIcmp;
  ip.src = request.dst();
  ip.dst = request.src();
  ip.emit(packet, static_cast<std::uint16_t>(icmp_in.size()));
  const MutableBytes icmp = MutableBytes(packet).subspan(Ipv4Header::kSize);
  std::memcpy(icmp.data(), icmp_in.data(), icmp_in.size());
  store_u8(icmp, 0, kIcmpEchoReply);
  store_be16(icmp, 2, 0);
  store_be16(icmp, 2, internet_checksum(icmp));
  return packet;
}

class TunInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    auto ns = NetNamespace::create();
    ASSERT_TRUE(ns.has_value()) << ns.error();
    ns_.emplace(std::move(*ns));
    TunConfig config;
    config.name = "synack0";
    config.netns = ns_->name();
    config.kernel_address = kKernel;
    config.prefix_len = 24;
    auto dev = TunDevice::open(config);
    ASSERT_TRUE(dev.has_value()) << dev.error().message;
    dev_.emplace(std::move(*dev));
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.has_value()) << loop.error().message;
    loop_.emplace(std::move(*loop));
  }

  // Runs the loop until `child` exits (its pidfd wakes the loop), at most 5 s.
  ProcessResult run_while(ChildProcess& child) {
    bool exited = false;
    EXPECT_TRUE(loop_
                    ->add_fd(child.pidfd(), EPOLLIN,
                             [&](std::uint32_t, Instant) {
                               exited = true;
                               loop_->remove_fd(child.pidfd());
                             })
                    .has_value());
    EXPECT_EQ(loop_->run_until([&] { return exited; }, seconds(5)), RunResult::kDone);
    return child.wait(seconds(1));
  }

  // Order matters: the loop and the device go before the namespace.
  std::optional<NetNamespace> ns_;
  std::optional<TunDevice> dev_;
  std::optional<EventLoop> loop_;
};

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

// rtt min from ping's summary "rtt min/avg/max/mdev = 50.1/50.3/50.6/0.2 ms", or -1.
double ping_rtt_min_ms(const std::string& out) {
  const auto at = out.find(" = ");
  if (out.find("rtt min") == std::string::npos || at == std::string::npos) return -1;
  return std::stod(out.substr(at + 3));
}

// The whole real-time path: kernel → device → inbound stage (30 ms) → echo
// responder → outbound stage (20 ms) → device → kernel. The held packets are
// released by the event loop's timerfd, so every RTT is at least 50 ms.
TEST_F(TunInterop, ImpairmentStagesDelayRealPackets) {
  ImpairmentConfig in_cfg;
  in_cfg.delay = milliseconds(30);
  ImpairmentConfig out_cfg;
  out_cfg.delay = milliseconds(20);
  const std::uint64_t seed = 1;
  std::printf("seed = %llu\n", static_cast<unsigned long long>(seed));
  ImpairStage<> outbound(Impairment(out_cfg, derive_seed(seed, 1)),
                         [&](Bytes p, Instant) { dev_->send(p); });
  ImpairStage<> inbound(Impairment(in_cfg, derive_seed(seed, 0)), [&](Bytes p, Instant now) {
    if (auto req = as_echo_request(p)) outbound.push(echo_reply(*req), now);
  });
  ASSERT_TRUE(loop_->add_device(*dev_, [&](Bytes p, Instant now) { inbound.push(p, now); }));
  loop_->add_timer([&] { return inbound.next_deadline(); }, [&](Instant t) { inbound.release(t); });
  loop_->add_timer([&] { return outbound.next_deadline(); },
                   [&](Instant t) { outbound.release(t); });
  auto ping = ns_->spawn({"ping", "-c3", "-i0.2", "-W2", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  const ProcessResult r = run_while(*ping);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.out.find("3 received"), std::string::npos) << r.out;
  EXPECT_GE(ping_rtt_min_ms(r.out), 50.0) << r.out;
  EXPECT_EQ(inbound.stats().delayed, 3u);
  EXPECT_EQ(outbound.stats().delayed, 3u);
  EXPECT_EQ(outbound.stats().delivered, 3u);
}

TEST_F(TunInterop, TotalLossStageMakesPingFail) {
  ImpairmentConfig cfg;
  cfg.loss = 1.0;
  ImpairStage<> outbound(Impairment(cfg, 7), [&](Bytes p, Instant) { dev_->send(p); });
  ASSERT_TRUE(loop_->add_device(*dev_, [&](Bytes p, Instant now) {
    if (auto req = as_echo_request(p)) outbound.push(echo_reply(*req), now);
  }));
  auto ping = ns_->spawn({"ping", "-c2", "-i0.2", "-W0.3", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  const ProcessResult r = run_while(*ping);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(outbound.stats().dropped_random, 2u);
  EXPECT_EQ(dev_->stats().tx_packets, 0u);
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
