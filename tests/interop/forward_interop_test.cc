// SPDX-License-Identifier: Apache-2.0
// `synack forward` between real Linux programs (docs/forward.md): curl and
// socat in a client namespace whose default route goes into the forwarder's
// TUN device; python3's http.server, a PUT sink, socat and microsocks in a
// server namespace reached over a veth from the egress namespace the
// forwarder opens its upstream sockets in. All three namespaces are made and
// deleted by the test; nothing leaves them. Needs root and /dev/net/tun.
//
//   client ns: fwd0 10.79.0.1/24 (synack 10.79.0.2), default via 10.79.0.2
//   egress ns: veth 10.79.1.1/24 ── server ns: veth 10.79.1.2/24
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "netns.hpp"

#ifndef SYNACK_BIN
#error "SYNACK_BIN (path of the synack binary) must be defined by CMake"
#endif

namespace synack::interop {
namespace {

constexpr const char* kServer = "10.79.1.2";
constexpr std::uint64_t kMiB = 1024 * 1024;

// Bytes of the download/upload tests; SYNACK_FORWARD_BYTES overrides the 20 MiB
// (the `slow` variant runs 100 MiB).
std::uint64_t transfer_bytes(std::uint64_t otherwise) {
  if (const char* v = std::getenv("SYNACK_FORWARD_BYTES"); v != nullptr && *v != '\0') {
    return std::strtoull(v, nullptr, 10);
  }
  return otherwise;
}

std::string q(const std::string& s) {
  return "'" + s + "'";
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class ForwardInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    for (const char* tool : {"curl", "python3", "socat", "sha256sum", "microsocks"}) {
      if (!run_process({"sh", "-c", fmt::format("command -v {}", tool)}).ok())
        GTEST_SKIP() << tool << " is not installed (scripts/install-deps.sh)";
    }
    for (auto* ns : {&client_, &egress_, &server_}) {
      auto made = NetNamespace::create();
      ASSERT_TRUE(made.has_value()) << made.error();
      ns->emplace(std::move(*made));
    }
    // The veth pair is created inside the egress namespace and one end moved:
    // nothing is made in the caller's namespace.
    const ProcessResult veth = egress_->exec(
        {"sh", "-c",
         fmt::format("ip link add ve0 type veth peer name ve1 && ip link set ve1 netns {} && "
                     "ip addr add 10.79.1.1/24 dev ve0 && ip link set ve0 up && "
                     "ip -n {} addr add {}/24 dev ve1 && ip -n {} link set ve1 up",
                     server_->name(), server_->name(), kServer, server_->name())});
    ASSERT_TRUE(veth.ok()) << veth.describe();
    std::string tmpl = (std::filesystem::temp_directory_path() / "synack-fwd-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    children_.clear();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    client_.reset();
    egress_.reset();
    server_.reset();
  }

  // Starts `synack forward` (device in the client namespace, upstream from the
  // egress one) and routes the client's default route into it.
  ChildProcess& start_forward(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{SYNACK_BIN,       "forward",       "--netns",    client_->name(),
                                  "--tun",          "fwd0",          "--addr",     "10.79.0.2/24",
                                  "--egress-netns", egress_->name(), "--max-time", "120"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = ChildProcess::spawn(argv);
    EXPECT_TRUE(child.has_value()) << child.error();
    children_.push_back(std::move(*child));
    const ProcessResult up =
        in(*client_,
           "for i in $(seq 150); do ip -4 -o addr show dev fwd0 up 2>/dev/null "
           "| grep -q 10.79.0.1 && exit 0; sleep 0.02; done; exit 1");
    EXPECT_TRUE(up.ok()) << "fwd0 never came up: " << up.describe();
    const ProcessResult route = in(*client_, "ip route add default via 10.79.0.2 dev fwd0");
    EXPECT_TRUE(route.ok()) << route.describe();
    return children_.back();
  }

  // Starts argv in the server namespace, waits (≤ 3 s) until `ready` holds there.
  void start_server(const std::vector<std::string>& argv, const std::string& ready) {
    auto child = server_->spawn(argv);
    ASSERT_TRUE(child.has_value()) << child.error();
    children_.push_back(std::move(*child));
    const ProcessResult up =
        in(*server_,
           fmt::format("for i in $(seq 150); do {} && exit 0; sleep 0.02; done; exit 1", ready));
    ASSERT_TRUE(up.ok()) << "server never ready: " << up.describe();
  }
  void start_http() {
    start_server(
        {"python3", "-m", "http.server", "--bind", kServer, "--directory", dir_.string(), "8000"},
        "ss -Htln 'sport = :8000' | grep -q .");
  }

  static ProcessResult in(const NetNamespace& ns, const std::string& script,
                          Duration timeout = seconds(30)) {
    return ns.exec({"sh", "-c", script}, timeout);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string make_file(const std::string& name, std::uint64_t n) const {
    const ProcessResult r = run_process({"sh", "-c",
                                         fmt::format("head -c {} /dev/urandom > {} && sha256sum {}",
                                                     n, q(path(name)), q(path(name)))},
                                        seconds(30));
    EXPECT_TRUE(r.ok()) << r.describe();
    return r.out.substr(0, 64);
  }
  // Ctrl-C (SIGINT): the forwarder prints its summary and exits 0.
  static ProcessResult stop(ChildProcess& child) {
    ::kill(child.pid(), SIGINT);
    return child.wait(seconds(10));
  }

  void download(std::uint64_t n, const std::vector<std::string>& forward_extra) {
    const std::string want = make_file("blob", n);
    start_http();
    ChildProcess& fwd = start_forward(forward_extra);
    const auto t0 = std::chrono::steady_clock::now();
    const ProcessResult got =
        in(*client_, fmt::format("curl -sS --max-time 60 http://{}:8000/blob | sha256sum", kServer),
           seconds(70));
    const double s = since(t0);
    ASSERT_TRUE(got.ok()) << got.describe();
    EXPECT_EQ(got.out.substr(0, 64), want);
    fmt::print(stderr, "forward: curl downloaded {} MiB in {:.2f} s: {:.1f} Mbit/s\n", n / kMiB, s,
               n * 8 / s / 1e6);
    const ProcessResult r = stop(fwd);
    EXPECT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.err.find("stopped — tcp 1 relayed"), std::string::npos) << r.err;
    fmt::print(stderr, "{}", r.err);
  }

  std::optional<NetNamespace> client_, egress_, server_;
  std::filesystem::path dir_;
  std::vector<ChildProcess> children_;
};

TEST_F(ForwardInterop, CurlDownloadsThroughTheForwarderByteExact) {
  download(transfer_bytes(20 * kMiB), {});
}

TEST_F(ForwardInterop, CurlDownloads100MiB) {
  if (std::getenv("SYNACK_FORWARD_SLOW") == nullptr)
    GTEST_SKIP() << "slow: set SYNACK_FORWARD_SLOW=1";
  download(transfer_bytes(100 * kMiB), {});
}

TEST_F(ForwardInterop, CurlUploadsWithPutByteExact) {
  const std::uint64_t n = transfer_bytes(20 * kMiB);
  const std::string want = make_file("up", n);
  // A PUT sink answering with the SHA-256 of the body it read.
  const std::string sink =
      "import hashlib,http.server\n"
      "class H(http.server.BaseHTTPRequestHandler):\n"
      "  def do_PUT(self):\n"
      "    n=int(self.headers['Content-Length']);h=hashlib.sha256()\n"
      "    while n>0:\n"
      "      b=self.rfile.read(min(n,65536));h.update(b);n-=len(b)\n"
      "    d=h.hexdigest().encode();self.send_response(200)\n"
      "    self.send_header('Content-Length',str(len(d)));self.end_headers();self.wfile.write(d)\n"
      "http.server.HTTPServer(('" +
      std::string(kServer) + "',8001),H).serve_forever()\n";
  start_server({"python3", "-c", sink}, "ss -Htln 'sport = :8001' | grep -q .");
  ChildProcess& fwd = start_forward();
  const ProcessResult got =
      in(*client_,
         fmt::format("curl -sS --max-time 60 -H 'Expect:' -T {} http://{}:8001/up", q(path("up")),
                     kServer),
         seconds(70));
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.out, want);
  EXPECT_TRUE(stop(fwd).ok());
}

// connect() from a Linux socket in the client namespace: the errno it got.
std::string connect_errno(const std::string& host, int port) {
  return fmt::format(
      "python3 -c \"import socket,errno\ns=socket.socket(); s.settimeout(8)\ntry:\n  "
      "s.connect(('{}',{})); print('connected')\nexcept OSError as e: "
      "print(errno.errorcode.get(e.errno, e))\"",
      host, port);
}

TEST_F(ForwardInterop, RefusedDestinationIsRefusedQuickly) {
  ChildProcess& fwd = start_forward();
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult r = in(*client_, connect_errno(kServer, 9), seconds(15));
  EXPECT_LT(since(t0), 2.0);
  EXPECT_EQ(r.out, "ECONNREFUSED\n") << r.describe();
  const ProcessResult c =
      in(*client_, fmt::format("curl -sS --max-time 10 http://{}:9/", kServer), seconds(15));
  EXPECT_EQ(c.exit_code, 7) << c.describe();  // curl: couldn't connect
  const ProcessResult s = stop(fwd);
  EXPECT_NE(s.err.find("2 refused"), std::string::npos) << s.err;
}

TEST_F(ForwardInterop, UnreachableDestinationFailsFast) {
  ChildProcess& fwd = start_forward();
  const auto t0 = std::chrono::steady_clock::now();
  // The egress namespace has no route to 10.79.9.9: the upstream connect fails
  // at once and the client gets ICMP host unreachable, not a hang.
  const ProcessResult r = in(*client_, connect_errno("10.79.9.9", 80), seconds(15));
  EXPECT_LT(since(t0), 3.0);
  EXPECT_EQ(r.out, "EHOSTUNREACH\n") << r.describe();
  EXPECT_NE(stop(fwd).err.find("1 unreachable"), std::string::npos);
}

// An upstream that never answers (a next hop that does not exist: ARP fails
// after seconds): --connect-timeout ends the wait and the client gets ICMP
// host unreachable, not a hang.
TEST_F(ForwardInterop, SilentDestinationTimesOut) {
  const ProcessResult route = in(*egress_, "ip route add 10.79.8.0/24 via 10.79.1.3");
  ASSERT_TRUE(route.ok()) << route.describe();
  ChildProcess& fwd = start_forward({"--connect-timeout", "1s"});
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult r = in(*client_, connect_errno("10.79.8.8", 80), seconds(15));
  const double s = since(t0);
  EXPECT_GE(s, 0.9);
  EXPECT_LT(s, 2.9);  // the tick that applies the timeout comes each second
  EXPECT_EQ(r.out, "EHOSTUNREACH\n") << r.describe();
  EXPECT_NE(stop(fwd).err.find("1 unreachable"), std::string::npos);
}

TEST_F(ForwardInterop, UdpEchoThroughTheForwarder) {
  start_server({"socat", "UDP4-RECVFROM:5353,bind=" + std::string(kServer) + ",fork", "PIPE"},
               "ss -Huln 'sport = :5353' | grep -q .");
  ChildProcess& fwd = start_forward();
  const ProcessResult r =
      in(*client_, fmt::format("echo dns-shaped-query | socat -T2 - UDP4:{}:5353", kServer),
         seconds(10));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "dns-shaped-query\n");
  const ProcessResult s = stop(fwd);
  EXPECT_NE(s.err.find("udp 1 flows"), std::string::npos) << s.err;
}

TEST_F(ForwardInterop, CurlThroughMicrosocks) {
  const std::string want = make_file("blob", 4 * kMiB);
  start_http();
  start_server({"microsocks", "-i", kServer, "-p", "1080"}, "ss -Htln 'sport = :1080' | grep -q .");
  ChildProcess& fwd = start_forward({"--socks5", std::string(kServer) + ":1080"});
  const ProcessResult got =
      in(*client_, fmt::format("curl -sS --max-time 30 http://{}:8000/blob | sha256sum", kServer),
         seconds(40));
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.out.substr(0, 64), want);
  // A port nobody listens on: microsocks answers "connection refused", the client sees it.
  const ProcessResult refused =
      in(*client_, fmt::format("curl -sS --max-time 10 http://{}:9/", kServer), seconds(15));
  EXPECT_EQ(refused.exit_code, 7) << refused.describe();
  EXPECT_TRUE(stop(fwd).ok());
}

// dante-server (danted) as the SOCKS5 proxy: curl over CONNECT and a UDP echo
// over UDP ASSOCIATE (RFC 1928 §7), each byte-exact.
TEST_F(ForwardInterop, CurlAndUdpThroughDante) {
  if (!run_process({"sh", "-c", "command -v danted"}).ok()) {
    GTEST_SKIP() << "danted is not installed (dante-server, scripts/install-deps.sh)";
  }
  const std::string want = make_file("blob", 4 * kMiB);
  start_http();
  start_server({"socat", "UDP4-RECVFROM:5353,bind=" + std::string(kServer) + ",fork", "PIPE"},
               "ss -Huln 'sport = :5353' | grep -q .");
  const std::string conf = path("danted.conf");
  const ProcessResult w = run_process(
      {"sh", "-c",
       fmt::format("cat > {} <<'EOF'\n"
                   "logoutput: stderr\n"
                   "internal: {} port = 1081\n"
                   "external: {}\n"
                   "socksmethod: none\n"
                   "clientmethod: none\n"
                   "user.privileged: root\n"
                   "user.unprivileged: nobody\n"
                   "client pass {{ from: 0.0.0.0/0 to: 0.0.0.0/0 }}\n"
                   "socks pass {{ from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect udpassociate "
                   "udpreply }}\n"
                   "EOF\n",
                   q(conf), kServer, kServer)});
  ASSERT_TRUE(w.ok()) << w.describe();
  start_server({"danted", "-f", conf, "-N", "1", "-p", path("danted.pid")},
               "ss -Htln 'sport = :1081' | grep -q .");
  ChildProcess& fwd = start_forward({"--socks5", std::string(kServer) + ":1081"});
  const ProcessResult got =
      in(*client_, fmt::format("curl -sS --max-time 30 http://{}:8000/blob | sha256sum", kServer),
         seconds(40));
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.out.substr(0, 64), want);
  const ProcessResult udp =
      in(*client_, fmt::format("echo dns-shaped-query | socat -T2 - UDP4:{}:5353", kServer),
         seconds(10));
  ASSERT_TRUE(udp.ok()) << udp.describe();
  EXPECT_EQ(udp.out, "dns-shaped-query\n");
  const ProcessResult s = stop(fwd);
  EXPECT_NE(s.err.find("udp 1 flows"), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("1 up, 1 down"), std::string::npos) << s.err;
}

// iperf3 through the forwarder, 10 s each way: reported, not judged (slow:
// SYNACK_FORWARD_SLOW=1).
TEST_F(ForwardInterop, Iperf3BothDirections) {
  if (std::getenv("SYNACK_FORWARD_SLOW") == nullptr) {
    GTEST_SKIP() << "slow: set SYNACK_FORWARD_SLOW=1";
  }
  if (!run_process({"sh", "-c", "command -v iperf3"}).ok()) GTEST_SKIP() << "no iperf3";
  start_server({"iperf3", "-s", "-B", kServer}, "ss -Htln 'sport = :5201' | grep -q .");
  ChildProcess& fwd = start_forward();
  for (const char* dir : {"", " -R"}) {
    const ProcessResult r =
        in(*client_, fmt::format("iperf3 -c {} -t 10{} | grep -E 'sender|receiver'", kServer, dir),
           seconds(30));
    EXPECT_TRUE(r.ok()) << r.describe();
    fmt::print(stderr, "forward: iperf3{}:\n{}", dir, r.out);
  }
  EXPECT_TRUE(stop(fwd).ok());
}

// VmRSS of a process in KiB (/proc/PID/status), 0 if unreadable.
std::uint64_t rss_kib(pid_t pid) {
  const ProcessResult r =
      run_process({"sh", "-c", fmt::format("awk '/^VmRSS:/ {{print $2}}' /proc/{}/status", pid)});
  return r.ok() ? std::strtoull(r.out.c_str(), nullptr, 10) : 0;
}

// Bounded waits on a file the client script creates (20 ms steps, ≤ 30 s).
bool wait_for_file(const std::string& path) {
  for (int i = 0; i < 1500; ++i) {
    if (std::filesystem::exists(path)) return true;
    ::usleep(20000);
  }
  return false;
}

// 1000 connections open at once through the forwarder, each echoing 1000
// bytes byte-exact; the forwarder's memory per open connection is measured
// (VmRSS, under the build's sanitizers) and everything is released after.
TEST_F(ForwardInterop, ThousandConcurrentConnectionsByteExactAndReleased) {
  constexpr int kConns = 1000;
  const std::string server =
      "import asyncio\n"
      "async def echo(r, w):\n"
      "  while (d := await r.read(65536)): w.write(d); await w.drain()\n"
      "  w.close()\n"
      "async def main():\n"
      "  s = await asyncio.start_server(echo, '" +
      std::string(kServer) +
      "', 7000, backlog=2048)\n"
      "  await s.serve_forever()\n"
      "asyncio.run(main())\n";
  start_server({"python3", "-c", server}, "ss -Htln 'sport = :7000' | grep -q .");
  ChildProcess& fwd = start_forward({"--max-connections", "2000"});
  const std::uint64_t before = rss_kib(fwd.pid());
  const std::string client = fmt::format(
      "import asyncio, os, resource, sys, time\n"
      "resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))\n"
      "async def one(i):\n"
      "  r, w = await asyncio.open_connection('{}', 7000)\n"
      "  data = bytes((i + k) % 251 for k in range(1000))\n"
      "  w.write(data); await w.drain()\n"
      "  got = await r.readexactly(1000)\n"
      "  return r, w, got == data\n"
      "async def main():\n"
      "  conns = await asyncio.gather(*[one(i) for i in range({})])\n"
      "  print(sum(ok for _, _, ok in conns), flush=True)\n"
      "  open('{}', 'w').close()\n"
      "  for _ in range(1500):\n"
      "    if os.path.exists('{}'): break\n"
      "    await asyncio.sleep(0.02)\n"
      "  for _, w, _ in conns: w.close()\n"
      "  await asyncio.sleep(0.5)\n"
      "asyncio.run(main())\n",
      kServer, kConns, path("ready"), path("done"));
  auto c = client_->spawn({"python3", "-c", client});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_TRUE(wait_for_file(path("ready")));
  const std::uint64_t during = rss_kib(fwd.pid());
  run_process({"touch", path("done")});
  const ProcessResult r = c->wait(seconds(30));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, fmt::format("{}\n", kConns));  // every echo byte-exact
  // Idle relays hold no buffer: their rings went back when they emptied.
  fmt::print(stderr,
             "forward: {} connections open: VmRSS {} KiB -> {} KiB, {:.1f} KiB per relayed "
             "connection (sanitizer build)\n",
             kConns, before, during, (static_cast<double>(during) - before) / kConns);
  // Closed by the client: every relay finishes, none stays open.
  (void)in(*client_, "sleep 1");
  const ProcessResult s = stop(fwd);
  EXPECT_NE(s.err.find(fmt::format("tcp {} relayed, 0 open, {} finished", kConns, kConns)),
            std::string::npos)
      << s.err;
  fmt::print(stderr, "{}", s.err);
}

// A client that stops reading: the forwarder's buffers stay bounded (one
// --buffer per direction) and the server's send queue fills instead (its
// window to the forwarder closed), then everything arrives byte-exact.
TEST_F(ForwardInterop, SlowReaderClosesTheServersWindow) {
  const std::uint64_t n = 16 * kMiB;
  const std::string want = make_file("blob", n);
  start_http();
  ChildProcess& fwd = start_forward();
  const std::string client = fmt::format(
      "import hashlib, os, socket, time\n"
      "s = socket.create_connection(('{}', 8000))\n"
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)\n"
      "s.sendall(b'GET /blob HTTP/1.0\\r\\n\\r\\n')\n"
      "time.sleep(0.3)\n"
      "open('{}', 'w').close()\n"
      "while not os.path.exists('{}'): time.sleep(0.02)\n"
      "parts = []\n"
      "while (d := s.recv(1 << 20)): parts.append(d)\n"
      "data = b''.join(parts)\n"
      "print(hashlib.sha256(data[data.index(b'\\r\\n\\r\\n') + 4:]).hexdigest())\n",
      kServer, path("stalled"), path("go"));
  auto c = client_->spawn({"python3", "-c", client});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_TRUE(wait_for_file(path("stalled")));
  ::usleep(500000);  // the windows have closed by now (the path RTT is ~0.1 ms)
  // The server's socket holds what nobody would take: megabytes in its send queue.
  const ProcessResult q = in(*server_, "ss -Htn 'sport = :8000' | awk '{print $3}'");
  ASSERT_TRUE(q.ok()) << q.describe();
  const std::uint64_t server_send_q = std::strtoull(q.out.c_str(), nullptr, 10);
  EXPECT_GT(server_send_q, 256u * 1024) << q.out;
  run_process({"touch", path("go")});
  const ProcessResult r = c->wait(seconds(60));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out.substr(0, 64), want);
  const ProcessResult s = stop(fwd);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(s.err, m, std::regex(R"(peak (\d+) B)"))) << s.err;
  EXPECT_LE(std::stoull(m[1]), 2u * 64 * 1024) << s.err;  // two rings of --buffer 64K at most
  fmt::print(stderr, "forward: slow reader: server Send-Q {} B while stalled; {}", server_send_q,
             s.err);
}

}  // namespace
}  // namespace synack::interop
