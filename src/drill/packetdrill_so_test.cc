// SPDX-License-Identifier: Apache-2.0
// libsynack_packetdrill.so through packetdrill's interface, as packetdrill
// calls it: dlopen, packetdrill_interface_init, then the function pointers
// (sockets, netdev_send/netdev_receive, usleep/gettimeofday). Then corpus
// scripts replayed through the .so by the runner's executor (SoTarget) must
// end exactly as they do in-process.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <array>
#include <filesystem>
#include <thread>
#include <vector>

#include "drill/corpus.hpp"
#include "drill/executor.hpp"
#include "drill/packetdrill_interface.h"
#include "drill/so_target.hpp"
#include "drill/stack_target.hpp"
#include "wire/tcp.hpp"

namespace synack::drill {
namespace {

const Ipv4Addr kStack = Ipv4Addr::from_octets(192, 168, 0, 1);
const Ipv4Addr kPeer = Ipv4Addr::from_octets(192, 0, 2, 1);
constexpr std::uint16_t kPeerPort = 48000;

class SoFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = dlopen(SYNACK_PACKETDRILL_SO, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto init = reinterpret_cast<packetdrill_interface_init_t>(
        dlsym(handle_, "packetdrill_interface_init"));
    ASSERT_NE(init, nullptr);
    init(personality_, &ifc_);
    ASSERT_NE(ifc_.userdata, nullptr);
    u_ = ifc_.userdata;
  }
  void TearDown() override {
    if (ifc_.free != nullptr) ifc_.free(u_);
    if (handle_ != nullptr) dlclose(handle_);
  }

  long long now_us() {
    timeval tv{};
    EXPECT_EQ(ifc_.gettimeofday(u_, &tv, nullptr), 0);
    return static_cast<long long>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
  }

  // Sends one segment from the peer (192.0.2.1:48000 → 192.168.0.1:8080).
  void send_segment(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack,
                    std::size_t payload_len = 0, bool mss = false) {
    std::vector<std::byte> data(payload_len);
    for (std::size_t i = 0; i < payload_len; ++i) data[i] = static_cast<std::byte>(i & 0xff);
    TcpSegment seg;
    seg.src_port = kPeerPort;
    seg.dst_port = 8080;
    seg.seq = SeqNum(seq);
    seg.ack = SeqNum(ack);
    seg.flags = TcpFlags{flags};
    seg.window = 65535;
    if (mss) seg.options.mss(1460);
    seg.payload = Bytes(data);
    Ipv4Header ip;
    ip.src = kPeer;
    ip.dst = kStack;
    std::vector<std::byte> packet(20 + seg.wire_size());
    const std::size_t n = emit_ipv4_tcp(MutableBytes(packet), ip, seg);
    ASSERT_EQ(ifc_.netdev_send(u_, packet.data(), n), 0);
  }

  struct Received {
    std::vector<std::byte> bytes;
    long long at = 0;
    TcpSegment tcp;
  };
  // The next packet the stack sent (netdev_receive runs the clock to it).
  Received receive() {
    Received r;
    r.bytes.resize(2048);
    std::size_t n = r.bytes.size();
    EXPECT_EQ(ifc_.netdev_receive(u_, r.bytes.data(), &n, &r.at), 0);
    EXPECT_GT(n, 0u) << "no packet";
    r.bytes.resize(n);
    auto parsed = parse_ipv4_tcp(Bytes(r.bytes));
    EXPECT_TRUE(parsed.has_value());
    if (parsed) {
      EXPECT_EQ(parsed->ip.src(), kStack);
      EXPECT_EQ(parsed->ip.dst(), kPeer);
      r.tcp = parsed->tcp;
    }
    return r;
  }

  int listening_socket() {
    const int fd = ifc_.socket(u_, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    EXPECT_GE(fd, 0);
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(8080);
    in.sin_addr.s_addr = htonl(kStack.value);
    EXPECT_EQ(ifc_.bind(u_, fd, reinterpret_cast<sockaddr*>(&in), sizeof in), 0);
    EXPECT_EQ(ifc_.listen(u_, fd, 1), 0);
    return fd;
  }

  // Passive open on 8080 with the peer's ISN 0; returns the accepted socket.
  int established(std::uint32_t* iss_out) {
    const int lfd = listening_socket();
    send_segment(TcpFlags::kSyn, 0, 0, 0, /*mss=*/true);
    const std::uint32_t iss = receive().tcp.seq.raw();
    send_segment(TcpFlags::kAck, 1, iss + 1);
    const int afd = ifc_.accept(u_, lfd, nullptr, nullptr);
    EXPECT_GE(afd, 0);
    *iss_out = iss;
    return afd;
  }

  const char* personality_ = "freebsd";
  void* handle_ = nullptr;
  packetdrill_interface ifc_{};
  void* u_ = nullptr;
};

TEST_F(SoFixture, FillsEveryHook) {
  // Every member after userdata is a function pointer packetdrill may call.
  const auto* hooks = reinterpret_cast<void* const*>(&ifc_);
  const std::size_t count = sizeof(packetdrill_interface) / sizeof(void*);
  EXPECT_EQ(count, 33u);  // userdata + 32 hooks: upstream's layout
  for (std::size_t i = 1; i < count; ++i) EXPECT_NE(hooks[i], nullptr) << "hook " << i;
}

TEST_F(SoFixture, PassiveOpenDataTimersAndClose) {
  const long long t0 = now_us();
  const int lfd = listening_socket();
  // fcntl as the corpus scripts read it: O_RDWR, then O_NONBLOCK set and read back.
  EXPECT_EQ(ifc_.fcntl(u_, lfd, F_GETFL), O_RDWR);

  // < S 0:0(0) win 65535 <mss 1460>   →   > S. 0:0(0) ack 1 win 65535 <mss 1460>
  send_segment(TcpFlags::kSyn, 0, 0, 0, /*mss=*/true);
  const Received synack = receive();
  EXPECT_EQ(synack.tcp.flags.bits, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(synack.tcp.ack.raw(), 1u);
  EXPECT_EQ(synack.tcp.src_port, 8080);
  EXPECT_EQ(synack.tcp.dst_port, kPeerPort);
  EXPECT_EQ(synack.tcp.window, 65535);
  EXPECT_EQ(synack.tcp.options.summarize().mss, std::optional<std::uint16_t>(1460));
  EXPECT_EQ(synack.at, t0);
  const std::uint32_t iss = synack.tcp.seq.raw();

  // +0.1 < . 1:1(0) ack 1; accept() = 4 with the peer's address.
  ASSERT_EQ(ifc_.usleep(u_, 100'000), 0);
  EXPECT_EQ(now_us(), t0 + 100'000);
  send_segment(TcpFlags::kAck, 1, iss + 1);
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  const int afd = ifc_.accept(u_, lfd, reinterpret_cast<sockaddr*>(&peer), &len);
  ASSERT_GE(afd, 0);
  EXPECT_EQ(ntohs(peer.sin_port), kPeerPort);
  EXPECT_EQ(ntohl(peer.sin_addr.s_addr), kPeer.value);
  struct tcp_info info {};
  socklen_t ilen = sizeof info;
  ASSERT_EQ(ifc_.getsockopt(u_, afd, IPPROTO_TCP, TCP_INFO, &info, &ilen), 0);
  EXPECT_EQ(info.tcpi_state, TCP_ESTABLISHED);

  // < P. 1:1001(1000): the ACK is delayed 40 ms (FreeBSD delacktime);
  // netdev_receive runs the virtual clock to it.
  send_segment(TcpFlags::kAck | TcpFlags::kPsh, 1, iss + 1, 1000);
  const Received ack = receive();
  EXPECT_EQ(ack.tcp.flags.bits, TcpFlags::kAck);
  EXPECT_EQ(ack.tcp.ack.raw(), 1001u);
  EXPECT_EQ(ack.at, t0 + 100'000 + 40'000);
  std::array<std::byte, 2000> buf{};
  ASSERT_EQ(ifc_.read(u_, afd, buf.data(), buf.size()), 1000);
  EXPECT_EQ(buf[999], static_cast<std::byte>(999 & 0xff));
  errno = 0;
  EXPECT_EQ(ifc_.recv(u_, afd, buf.data(), buf.size(), MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);

  // write 100 bytes: sent at once; unacknowledged, it is retransmitted when the
  // RTO fires. usleep across the timer: the retransmission carries the
  // deadline's time, not the end of the sleep.
  const long long sent_at = now_us();
  const std::vector<std::byte> out(100, std::byte{7});
  ASSERT_EQ(ifc_.write(u_, afd, out.data(), out.size()), 100);
  const Received data = receive();
  EXPECT_EQ(data.tcp.seq.raw(), iss + 1);
  EXPECT_EQ(data.tcp.payload.size(), 100u);
  EXPECT_EQ(data.at, sent_at);
  ASSERT_EQ(ifc_.usleep(u_, 5'000'000), 0);
  EXPECT_EQ(now_us(), sent_at + 5'000'000);
  const Received rexmit = receive();
  EXPECT_EQ(rexmit.tcp.seq.raw(), iss + 1);
  EXPECT_EQ(rexmit.tcp.payload.size(), 100u);
  EXPECT_GT(rexmit.at, sent_at + 200'000);  // an RTO, at least rexmit_min + slop
  EXPECT_LT(rexmit.at, sent_at + 5'000'000);

  // ACK it, close: FIN (after the backed-off retransmissions still queued
  // from the 5 s sleep).
  send_segment(TcpFlags::kAck, 1001, iss + 101);
  ASSERT_EQ(ifc_.close(u_, afd), 0);
  Received fin = receive();
  for (int i = 0; i < 10 && fin.tcp.payload.size() == 100; ++i) fin = receive();
  EXPECT_EQ(fin.tcp.flags.bits, TcpFlags::kFin | TcpFlags::kAck);
  EXPECT_EQ(fin.tcp.seq.raw(), iss + 101);
  errno = 0;
  EXPECT_EQ(ifc_.close(u_, afd), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(SoFixture, NoPacketReturnsCountZero) {
  std::array<std::byte, 1500> buf{};
  std::size_t n = buf.size();
  long long at = -1;
  EXPECT_EQ(ifc_.netdev_receive(u_, buf.data(), &n, &at), 0);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ifc_.socket(u_, AF_INET6, SOCK_STREAM, 0), -1);
  EXPECT_EQ(errno, EAFNOSUPPORT);
}

TEST_F(SoFixture, ClockSpinAdvancesOneMicrosecondPerRead) {
  const long long a = now_us();
  const long long b = now_us();
  EXPECT_EQ(b, a + 1);  // packetdrill's final spin before an event must end
  ASSERT_EQ(ifc_.usleep(u_, 1000), 0);
  EXPECT_EQ(now_us(), b + 1000);
}

// packetdrill's blocking call ("0...0.1 connect(...)") runs on a second thread
// while the main thread injects the SYN-ACK; connect returns at that time.
TEST_F(SoFixture, BlockingConnectOnAnotherThreadReturnsWhenTheHandshakeCompletes) {
  const long long t0 = now_us();
  const int fd = ifc_.socket(u_, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_GE(fd, 0);
  int ret = -2;
  long long returned_at = 0;
  std::thread syscall_thread([&] {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(8080);
    in.sin_addr.s_addr = htonl(kPeer.value);
    ret = ifc_.connect(u_, fd, reinterpret_cast<sockaddr*>(&in), sizeof in);
    returned_at = now_us();
  });
  // The SYN: netdev_receive reports "nothing" until the thread has sent it
  // (bounded: the SYN retransmission timer would produce one anyway).
  std::array<std::byte, 1500> buf{};
  std::size_t n = 0;
  long long at = 0;
  for (int i = 0; i < 1000 && n == 0; ++i) {
    n = buf.size();
    ASSERT_EQ(ifc_.netdev_receive(u_, buf.data(), &n, &at), 0);
  }
  auto syn = parse_ipv4_tcp(Bytes(buf.data(), n));
  ASSERT_TRUE(syn.has_value());
  EXPECT_EQ(syn->tcp.flags.bits, TcpFlags::kSyn);
  EXPECT_EQ(at, t0);
  const std::uint16_t local_port = syn->tcp.src_port;

  ASSERT_EQ(ifc_.usleep(u_, 100'000), 0);
  TcpSegment seg;
  seg.src_port = 8080;
  seg.dst_port = local_port;
  seg.seq = SeqNum(1000);
  seg.ack = syn->tcp.seq + 1;
  seg.flags = TcpFlags{TcpFlags::kSyn | TcpFlags::kAck};
  seg.window = 65535;
  seg.options.mss(1460);
  Ipv4Header ip;
  ip.src = kPeer;
  ip.dst = kStack;
  std::vector<std::byte> packet(20 + seg.wire_size());
  emit_ipv4_tcp(MutableBytes(packet), ip, seg);
  ASSERT_EQ(ifc_.netdev_send(u_, packet.data(), packet.size()), 0);
  syscall_thread.join();
  EXPECT_EQ(ret, 0);
  EXPECT_EQ(returned_at, t0 + 100'000);
}

// A blocking write returns only once every byte is queued (Linux
// sk_stream_wait_memory): 20000 bytes into Linux's 16384-byte send buffer must
// return 20000, waiting for the peer's ACKs, not a short count.
class SoLinuxFixture : public SoFixture {
 protected:
  SoLinuxFixture() { personality_ = "linux"; }
};

TEST_F(SoLinuxFixture, BlockingWriteBlocksUntilEverythingIsQueued) {
  std::uint32_t iss = 0;
  const int afd = established(&iss);
  ASSERT_GE(afd, 0);
  const std::vector<std::byte> out(20000, std::byte{0x42});
  long long ret = -2;
  std::thread syscall_thread([&] { ret = ifc_.write(u_, afd, out.data(), out.size()); });
  // The peer ACKs every data segment it sees until all 20000 bytes arrived
  // (bounded: a stuck writer ends the loop and fails below).
  std::uint32_t acked = 0;
  std::array<std::byte, 2048> buf{};
  for (int i = 0; i < 5000 && acked < out.size(); ++i) {
    std::size_t n = buf.size();
    long long at = 0;
    ASSERT_EQ(ifc_.netdev_receive(u_, buf.data(), &n, &at), 0);
    if (n == 0) continue;
    const auto seg = parse_ipv4_tcp(Bytes(buf.data(), n));
    ASSERT_TRUE(seg.has_value());
    if (seg->tcp.payload.empty()) continue;
    acked = std::max(acked, seg->tcp.seq.raw() +
                                static_cast<std::uint32_t>(seg->tcp.payload.size()) - (iss + 1));
    send_segment(TcpFlags::kAck, 1, iss + 1 + acked);
  }
  syscall_thread.join();
  EXPECT_EQ(ret, 20000);
  EXPECT_EQ(acked, 20000u);
}

// A bad buffer is EFAULT, as the kernel answers, never a crash in the stack.
TEST_F(SoFixture, NullBuffersAreEfault) {
  std::uint32_t iss = 0;
  const int afd = established(&iss);
  ASSERT_GE(afd, 0);
  errno = 0;
  EXPECT_EQ(ifc_.write(u_, afd, nullptr, 1000), -1);
  EXPECT_EQ(errno, EFAULT);
  errno = 0;
  EXPECT_EQ(ifc_.send(u_, afd, nullptr, 10, 0), -1);
  EXPECT_EQ(errno, EFAULT);
  errno = 0;
  EXPECT_EQ(ifc_.read(u_, afd, nullptr, 10), -1);
  EXPECT_EQ(errno, EFAULT);
  const iovec iov[1] = {{nullptr, 100}};
  errno = 0;
  EXPECT_EQ(ifc_.writev(u_, afd, iov, 1), -1);
  EXPECT_EQ(errno, EFAULT);
  EXPECT_EQ(ifc_.write(u_, afd, nullptr, 0), 0);  // zero bytes: nothing to read (Linux)
}

// --- scripts through the .so: same outcome as in-process --------------------

const std::filesystem::path kCorpus = kFreeBsdCorpus;

class SoScript : public ::testing::TestWithParam<const char*> {};

TEST_P(SoScript, EndsAsInProcess) {
  ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "vendored corpus missing: " << kCorpus;
  SoTarget so(SYNACK_PACKETDRILL_SO);
  auto in_process = make_stack_target();
  const auto via_so = run_file(kCorpus / GetParam(), so);
  const auto direct = run_file(kCorpus / GetParam(), *in_process);
  EXPECT_EQ(via_so.outcome, Outcome::kPass) << via_so.message;
  EXPECT_EQ(via_so.outcome, direct.outcome) << via_so.message << "\nvs\n" << direct.message;
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, SoScript,
    ::testing::Values("snippets/established-ipv4.pkt", "snippets/syn-rcvd-via-listen-ipv4.pkt",
                      "snippets/closed-via-last-ack-ipv4.pkt", "snippets/fin-wait-2-ipv4.pkt",
                      "snippets/closing-ipv4.pkt", "snd-syn/snd-syn-with-default-options-ipv4.pkt",
                      "snd-syn/snd-syn-mss-inherited-from-mtu-9000-ipv4.pkt",
                      "state-event-engine/rcv-rst-syn-sent/"
                      "rcv-rst-with-data-syn-sent-ipv4.pkt"));

// Every corpus script ends the same way through the .so as in-process.
TEST(SoCorpus, EveryScriptEndsAsInProcess) {
  ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "vendored corpus missing: " << kCorpus;
  SoTarget so(SYNACK_PACKETDRILL_SO);
  auto in_process = make_stack_target();
  int compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kCorpus)) {
    if (entry.path().extension() != ".pkt") continue;
    const auto via_so = run_file(entry.path(), so);
    const auto direct = run_file(entry.path(), *in_process);
    ++compared;
    EXPECT_EQ(via_so.outcome, direct.outcome) << entry.path() << "\n"
                                              << via_so.message << "\nvs in-process\n"
                                              << direct.message;
  }
  EXPECT_EQ(compared, 530);
}

}  // namespace
}  // namespace synack::drill
