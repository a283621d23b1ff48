// SPDX-License-Identifier: Apache-2.0
// Interop of the real `synack` binary (serve / fetch / connect) with the real
// Linux kernel TCP, driven by real Linux tools (curl, python3, socat, ss,
// tshark) inside a private network namespace made (and deleted) per test.
// Needs root and /dev/net/tun; skipped with the reason otherwise. See
// docs/interop.md.
//
// Addresses: the kernel side is 10.78.0.1/24 on `synack0` inside the test's
// namespace, synack is 10.78.0.2. Nothing leaves the namespace. Every wait is
// bounded (process timeouts, `--max-time` on every synack run, curl
// --max-time, bounded shell loops).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <regex>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "apps/http.hpp"
#include "base/sha256.hpp"
#include "netns.hpp"

#ifndef SYNACK_BIN
#error "SYNACK_BIN (path of the synack binary) must be defined by CMake"
#endif

namespace synack::interop {
namespace {

constexpr const char* kKernelAddr = "10.78.0.1";
constexpr const char* kSynackAddr = "10.78.0.2";
constexpr std::uint64_t kMiB = 1024 * 1024;

// Size of the transfers under 5 % loss + 2 % reordering (both directions);
// SYNACK_INTEROP_LOSS_BYTES overrides the issue's 100 MiB.
std::uint64_t loss_transfer_bytes() {
  if (const char* v = std::getenv("SYNACK_INTEROP_LOSS_BYTES"); v != nullptr && *v != '\0') {
    return std::strtoull(v, nullptr, 10);
  }
  return 100 * kMiB;
}

// The impairment both lossy tests run with, and synack's RTO floor for them.
// The namespace's RTT is ~0.1 ms, so with the default 200 ms floor (RFC 6298
// (2.4) says 1 s; Linux uses 200 ms) every RTO would idle the link for 2000
// RTTs: the test would measure the floor, not the recovery. 5 ms is what
// `ip route ... rto_min 5ms` would give a Linux host on such a link.
const std::vector<std::string> kLossyArgs{"--loss", "0.05", "--reorder", "0.02",
                                          "--seed", "1",    "--rto-min", "5ms"};

// Size of the clean 100 MiB transfers (both ways); SYNACK_INTEROP_BULK_BYTES overrides.
std::uint64_t bulk_bytes() {
  if (const char* v = std::getenv("SYNACK_INTEROP_BULK_BYTES"); v != nullptr && *v != '\0') {
    return std::strtoull(v, nullptr, 10);
  }
  return 100 * kMiB;
}

// SHA-256 (hex) of the first `n` bytes `synack serve --http-bytes` sends.
std::string http_content_sha256(std::uint64_t n) {
  Sha256 h;
  std::vector<std::byte> buf(1 << 16);
  for (std::uint64_t off = 0; off < n;) {
    const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), n - off));
    apps::fill_http_content(off, MutableBytes(buf.data(), len));
    h.update(Bytes(buf.data(), len));
    off += len;
  }
  return h.hex();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A fresh namespace and temp dir per test; helpers to run synack and Linux tools.
struct CloseOutcome;  // below: what one close run leaves behind

class SynackInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    for (const char* tool : {"curl", "python3", "socat", "ss", "sha256sum", "head"}) {
      if (!run_process({"sh", "-c", fmt::format("command -v {}", tool)}).ok())
        GTEST_SKIP() << tool << " is not installed (scripts/install-deps.sh)";
    }
    auto ns = NetNamespace::create();
    ASSERT_TRUE(ns.has_value()) << ns.error();
    ns_.emplace(std::move(*ns));
    std::string tmpl = (std::filesystem::temp_directory_path() / "synack-interop-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    children_.clear();  // SIGKILLed and reaped before the namespace goes
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    ns_.reset();
  }

  // The common synack options: device synack0 in our namespace, 10.78.0.2/24.
  std::vector<std::string> synack_argv(const std::string& command,
                                       const std::vector<std::string>& extra) const {
    std::vector<std::string> argv{
        SYNACK_BIN, command,   "--netns", ns_->name(),
        "--tun",    "synack0", "--addr",  fmt::format("{}/24", kSynackAddr)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // Starts `synack serve extra...` in the background and waits (≤ 3 s) until
  // the kernel side of the device is configured.
  ChildProcess& start_serve(const std::vector<std::string>& extra) {
    auto child = ChildProcess::spawn(synack_argv("serve", extra));
    EXPECT_TRUE(child.has_value()) << child.error();
    children_.push_back(std::move(*child));
    const ProcessResult up = wait_until(
        fmt::format("ip -4 -o addr show dev synack0 up 2>/dev/null | grep -q {}", kKernelAddr));
    EXPECT_TRUE(up.ok()) << "synack0 never came up: " << up.describe();
    return children_.back();
  }

  // Starts a Linux server in the namespace and waits (≤ 3 s) until it listens on `port`.
  void start_linux_server(const std::vector<std::string>& argv, std::uint16_t port) {
    auto child = ns_->spawn(argv);
    ASSERT_TRUE(child.has_value()) << child.error();
    children_.push_back(std::move(*child));
    const ProcessResult up = wait_until(fmt::format("ss -Htln 'sport = :{}' | grep -q .", port));
    ASSERT_TRUE(up.ok()) << "Linux server never listened on " << port << ": " << up.describe();
  }

  // Polls the shell `condition` inside the namespace every 20 ms, at most
  // 150 times (3 s); ok() once it held.
  ProcessResult wait_until(const std::string& condition) const {
    return sh(
        fmt::format("for i in $(seq 150); do {} && exit 0; sleep 0.02; done; exit 1", condition),
        seconds(5));
  }

  // `sh -c script` inside the namespace.
  ProcessResult sh(const std::string& script, Duration timeout = seconds(30)) const {
    return ns_->exec({"sh", "-c", script}, timeout);
  }

  // Waits for a synack child to exit on its own (it has --connections/--max-time).
  static ProcessResult finish(ChildProcess& child, Duration timeout = seconds(10)) {
    return child.wait(timeout);
  }
  // Stops a synack child with SIGTERM (it prints its summary) and reaps it.
  static ProcessResult stop(ChildProcess& child) {
    ::kill(child.pid(), SIGTERM);
    return child.wait(seconds(5));
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // One HTTP exchange closed by Linux or by synack first (defined below).
  CloseOutcome run_close(bool synack_closes_first);

  // Writes `n` random bytes to `name` in the temp dir and returns its SHA-256.
  std::string make_file(const std::string& name, std::uint64_t n) const {
    const ProcessResult r =
        run_process({"sh", "-c",
                     fmt::format("head -c {} /dev/urandom > {} && sha256sum {}", n,
                                 shell_quote(path(name)), shell_quote(path(name)))},
                    seconds(30));
    EXPECT_TRUE(r.ok()) << r.describe();
    return r.out.substr(0, 64);
  }

  std::optional<NetNamespace> ns_;
  std::filesystem::path dir_;
  std::vector<ChildProcess> children_;
};

// The summary line of `synack serve`: "... N connections finished, ... M RSTs;
// open TCBs T, TIME-WAIT W".
struct ServeSummary {
  std::uint64_t finished = 0, rsts = 0, tcbs = 0, time_wait = 0;
  bool found = false;
};
ServeSummary parse_summary(const std::string& err) {
  static const std::regex re(
      R"((\d+) connections finished, \d+ packets in, \d+ out, (\d+) RSTs; open TCBs (\d+), TIME-WAIT (\d+))");
  std::smatch m;
  ServeSummary s;
  if (!std::regex_search(err, m, re)) return s;
  s.found = true;
  s.finished = std::stoull(m[1]);
  s.rsts = std::stoull(m[2]);
  s.tcbs = std::stoull(m[3]);
  s.time_wait = std::stoull(m[4]);
  return s;
}

// Linux curl downloads 100 MiB from `synack serve --http-bytes`; SHA-256 matches.
TEST_F(SynackInterop, CurlDownloads100MiBFromSynackServe) {
  const std::uint64_t n = bulk_bytes();
  ChildProcess& serve =
      start_serve({"--http-bytes", std::to_string(n), "--connections", "1", "--max-time", "90"});
  // The expected hash is computed while the transfer runs (seconds in Debug).
  auto expected = std::async(std::launch::async, [n] { return http_content_sha256(n); });
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult curl =
      sh(fmt::format("set -e; curl -sS --max-time 80 http://{}/big | sha256sum", kSynackAddr),
         seconds(85));
  const double secs = seconds_since(t0);
  const ProcessResult s = finish(serve);
  ASSERT_TRUE(curl.ok()) << curl.describe() << "\nserve: " << s.describe();
  EXPECT_EQ(curl.out.substr(0, 64), expected.get()) << s.describe();
  std::printf("THROUGHPUT synack→Linux (curl from synack serve): %.1f MiB in %.2f s = %.1f MiB/s\n",
              static_cast<double>(n) / kMiB, secs, static_cast<double>(n) / kMiB / secs);
  const ServeSummary sum = parse_summary(s.err);
  ASSERT_TRUE(sum.found) << s.describe();
  EXPECT_EQ(sum.finished, 1u);
  EXPECT_EQ(sum.tcbs, 0u);
}

// synack fetch downloads 100 MiB from Linux `python3 -m http.server`; SHA-256 matches.
TEST_F(SynackInterop, SynackFetchDownloads100MiBFromPythonHttpServer) {
  const std::uint64_t n = bulk_bytes();
  const std::string expected = make_file("big.bin", n);
  start_linux_server(
      {"python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", dir_.string()},
      8000);
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(
      synack_argv("fetch",
                  {fmt::format("http://{}:8000/big.bin", kKernelAddr), "--max-time", "80"}),
      seconds(85));
  const double secs = seconds_since(t0);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.err.find("HTTP 200 — " + std::to_string(n) + " bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sha256 " + expected), std::string::npos) << r.err;
  std::printf(
      "THROUGHPUT Linux→synack (synack fetch from python3 http.server): %.1f MiB in %.2f s "
      "= %.1f MiB/s (incl. device setup)\n%s",
      static_cast<double>(n) / kMiB, secs, static_cast<double>(n) / kMiB / secs, r.err.c_str());
}

// `synack serve --echo` with a Linux socat client: 1 MiB out, SHUT_WR (Linux
// half-closes), exactly the same 1 MiB back, then synack closes.
TEST_F(SynackInterop, SocatThroughSynackEchoWithLinuxHalfClose) {
  const std::string expected = make_file("in.bin", kMiB);
  ChildProcess& serve = start_serve({"--echo", "--connections", "1", "--max-time", "30"});
  const ProcessResult c = sh(fmt::format("socat -t 20 -T 20 - TCP:{}:7 < {} > {}", kSynackAddr,
                                         shell_quote(path("in.bin")), shell_quote(path("out.bin"))),
                             seconds(25));
  const ProcessResult s = finish(serve);
  ASSERT_TRUE(c.ok()) << c.describe() << "\nserve: " << s.describe();
  EXPECT_EQ(std::filesystem::file_size(path("out.bin")), kMiB);
  const ProcessResult h = run_process({"sha256sum", path("out.bin")});
  EXPECT_EQ(h.out.substr(0, 64), expected);
  const ServeSummary sum = parse_summary(s.err);
  ASSERT_TRUE(sum.found) << s.describe();
  EXPECT_EQ(sum.finished, 1u);
  EXPECT_EQ(sum.tcbs, 0u);
  EXPECT_EQ(sum.rsts, 0u);
}

// `synack connect` to a Linux socat echo (EXEC:cat): 1 MiB from stdin, EOF →
// synack half-closes; the echo comes back whole, then Linux closes.
TEST_F(SynackInterop, SynackConnectToLinuxSocatEchoWithSynackHalfClose) {
  if (!run_process({"sh", "-c", "command -v cat"}).ok()) GTEST_SKIP() << "cat missing";
  const std::string expected = make_file("in.bin", kMiB);
  start_linux_server({"socat", "TCP-LISTEN:7000,reuseaddr,fork", "EXEC:cat"}, 7000);
  std::string cmd;
  for (const auto& a :
       synack_argv("connect", {fmt::format("{}:7000", kKernelAddr), "--max-time", "20"}))
    cmd += shell_quote(a) + " ";
  const ProcessResult r = run_process(
      {"sh", "-c",
       fmt::format("{} < {} > {}", cmd, shell_quote(path("in.bin")), shell_quote(path("out.bin")))},
      seconds(25));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(std::filesystem::file_size(path("out.bin")), kMiB);
  const ProcessResult h = run_process({"sha256sum", path("out.bin")});
  EXPECT_EQ(h.out.substr(0, 64), expected);
}

// One keep-alive HTTP exchange (1000 bytes) whose close is initiated by Linux
// (curl ends the connection) or by synack (`serve --close-first`); afterwards
// `ss -tan` in the namespace and synack's own summary and ladder (stdout).
struct CloseOutcome {
  ProcessResult ss;     // `ss -Htan` on the Linux side
  ProcessResult serve;  // synack serve: summary on stderr, ladder on stdout
  ServeSummary summary;
};

CloseOutcome SynackInterop::run_close(bool synack_closes_first) {
  std::vector<std::string> args{"--http-bytes", "1000", "--connections", "1",
                                "--max-time",   "20",   "--trace",       "--ascii"};
  if (synack_closes_first) args.push_back("--close-first");
  ChildProcess& serve = start_serve(args);
  const ProcessResult curl =
      sh(fmt::format("curl -sS --max-time 10 -o /dev/null http://{}/", kSynackAddr));
  CloseOutcome o;
  o.serve = finish(serve);
  EXPECT_TRUE(curl.ok()) << curl.describe();
  o.ss = sh("ss -Htan");
  o.summary = parse_summary(o.serve.err);
  EXPECT_TRUE(o.summary.found) << o.serve.describe();
  EXPECT_EQ(o.summary.finished, 1u);
  EXPECT_EQ(o.summary.tcbs, 0u);
  return o;
}

// Linux closes first (curl): Linux holds TIME-WAIT, synack went through
// CLOSE-WAIT → LAST-ACK → CLOSED and keeps nothing.
TEST_F(SynackInterop, LinuxClosesFirstLinuxHoldsTimeWait) {
  const CloseOutcome o = run_close(false);
  EXPECT_NE(o.ss.out.find("TIME-WAIT"), std::string::npos) << o.ss.out;
  EXPECT_NE(o.ss.out.find(fmt::format("{}:80", kSynackAddr)), std::string::npos) << o.ss.out;
  EXPECT_EQ(o.summary.time_wait, 0u);
  EXPECT_NE(o.serve.out.find("LAST-ACK"), std::string::npos) << o.serve.out;
}

// synack closes first (`serve --close-first`): synack holds TIME-WAIT, Linux
// (CLOSE-WAIT → LAST-ACK → CLOSED) shows nothing in `ss -tan`.
TEST_F(SynackInterop, SynackClosesFirstSynackHoldsTimeWait) {
  const CloseOutcome o = run_close(true);
  EXPECT_EQ(o.ss.out.find(kSynackAddr), std::string::npos) << o.ss.out;
  EXPECT_EQ(o.summary.time_wait, 1u);
  EXPECT_NE(o.serve.out.find("TIME-WAIT"), std::string::npos) << o.serve.out;
}

// A port nobody listens on at synack: the kernel gets RST → ECONNREFUSED.
TEST_F(SynackInterop, CurlToClosedSynackPortIsRefused) {
  ChildProcess& serve = start_serve({"--http-bytes", "10", "--max-time", "20"});
  const ProcessResult curl =
      sh(fmt::format("curl -sS --max-time 5 -o /dev/null http://{}:81/", kSynackAddr));
  // The errno itself, as a Linux socket sees it (curl 7.88 prints only
  // "Couldn't connect to server" for ECONNREFUSED).
  const ProcessResult py = ns_->exec(
      {"python3", "-c",
       fmt::format("import socket\ntry:\n socket.create_connection(('{}', 81), timeout=3)\n"
                   "except ConnectionRefusedError as e:\n print('refused', e.errno)",
                   kSynackAddr)});
  const ProcessResult s = stop(serve);
  EXPECT_EQ(curl.exit_code, 7) << curl.describe();
  EXPECT_NE(curl.err.find("Couldn't connect to server"), std::string::npos) << curl.err;
  EXPECT_TRUE(py.ok()) << py.describe();
  EXPECT_EQ(py.out, "refused 111\n") << py.describe();
  const ServeSummary sum = parse_summary(s.err);
  ASSERT_TRUE(sum.found) << s.describe();
  EXPECT_GE(sum.rsts, 2u);
  EXPECT_EQ(sum.tcbs, 0u);
}

// A port nobody listens on at Linux: synack gets RST → ECONNREFUSED.
TEST_F(SynackInterop, SynackConnectToClosedLinuxPortIsRefused) {
  std::string cmd;
  for (const auto& a :
       synack_argv("connect", {fmt::format("{}:9", kKernelAddr), "--max-time", "10"}))
    cmd += shell_quote(a) + " ";
  const ProcessResult r = run_process({"sh", "-c", cmd + "< /dev/null"}, seconds(15));
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.describe();
}

// 1000 sequential short echo connections, then 100 open at once, from Linux
// (python3 sockets) to `synack serve --echo`; all byte-exact; afterwards
// synack has no TCB left (Linux closed first, so no TIME-WAIT on synack).
TEST_F(SynackInterop, ThousandSequentialAndHundredConcurrentConnections) {
  ChildProcess& serve = start_serve({"--echo", "--connections", "1100", "--max-time", "60"});
  const std::string script = fmt::format(R"PY(
import socket, sys
ADDR = ("{}", 7)
def one(i, s=None):
    s = s or socket.create_connection(ADDR, timeout=5)
    msg = b"hello %d " % i * 10
    s.sendall(msg); s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        d = s.recv(65536)
        if not d: break
        got += d
    s.close()
    assert got == msg, (i, got)
for i in range(1000): one(i)
socks = [socket.create_connection(ADDR, timeout=5) for _ in range(100)]
for i, s in enumerate(socks): s.sendall(b"x%d" % i)
for i, s in enumerate(socks):
    s.shutdown(socket.SHUT_WR)
for i, s in enumerate(socks):
    got = b""
    while True:
        d = s.recv(65536)
        if not d: break
        got += d
    s.close()
    assert got == b"x%d" % i, (i, got)
print("ok 1000 100")
)PY",
                                         kSynackAddr);
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult py = ns_->exec({"python3", "-c", script}, seconds(60));
  const double secs = seconds_since(t0);
  const ProcessResult s = finish(serve);
  ASSERT_TRUE(py.ok()) << py.describe() << "\nserve: " << s.describe();
  EXPECT_NE(py.out.find("ok 1000 100"), std::string::npos);
  std::printf("1100 connections in %.2f s\n", secs);
  const ServeSummary sum = parse_summary(s.err);
  ASSERT_TRUE(sum.found) << s.describe();
  EXPECT_EQ(sum.finished, 1100u);
  EXPECT_EQ(sum.tcbs, 0u);
  EXPECT_EQ(sum.time_wait, 0u);
  EXPECT_EQ(sum.rsts, 0u);
}

// 5 % loss + 2 % reordering (both directions, seeded) between the kernel and
// synack: curl's 100 MiB download from synack is still byte-exact.
TEST_F(SynackInterop, CurlDownloadIsByteExactUnderLossAndReordering) {
  const std::uint64_t n = loss_transfer_bytes();
  std::printf("transfer size %llu bytes (SYNACK_INTEROP_LOSS_BYTES), seed 1\n",
              static_cast<unsigned long long>(n));
  std::vector<std::string> args{
      "--http-bytes", std::to_string(n), "--connections", "1", "--max-time", "280"};
  args.insert(args.end(), kLossyArgs.begin(), kLossyArgs.end());
  ChildProcess& serve = start_serve(args);
  auto expected = std::async(std::launch::async, [n] { return http_content_sha256(n); });
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult curl =
      sh(fmt::format("set -e; curl -sS --max-time 270 http://{}/lossy | sha256sum", kSynackAddr),
         seconds(275));
  const double secs = seconds_since(t0);
  const ProcessResult s = finish(serve, seconds(20));
  ASSERT_TRUE(curl.ok()) << curl.describe() << "\nserve: " << s.describe();
  EXPECT_EQ(curl.out.substr(0, 64), expected.get());
  std::printf("THROUGHPUT synack→Linux under loss: %.1f MiB in %.2f s = %.2f MiB/s\n%s",
              static_cast<double>(n) / kMiB, secs, static_cast<double>(n) / kMiB / secs,
              s.err.c_str());
}

// The other direction under the same impairment: synack fetch downloads from
// Linux python3 http.server (Linux's own loss recovery, default RTO floor).
TEST_F(SynackInterop, SynackFetchIsByteExactUnderLossAndReordering) {
  const std::uint64_t n = loss_transfer_bytes();
  std::printf("transfer size %llu bytes (SYNACK_INTEROP_LOSS_BYTES), seed 1\n",
              static_cast<unsigned long long>(n));
  const std::string expected = make_file("lossy.bin", n);
  start_linux_server(
      {"python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", dir_.string()},
      8000);
  std::vector<std::string> args{fmt::format("http://{}:8000/lossy.bin", kKernelAddr), "--max-time",
                                "270"};
  args.insert(args.end(), kLossyArgs.begin(), kLossyArgs.end());
  const auto t0 = std::chrono::steady_clock::now();
  const ProcessResult r = run_process(synack_argv("fetch", args), seconds(275));
  const double secs = seconds_since(t0);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.err.find("HTTP 200 — " + std::to_string(n) + " bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sha256 " + expected), std::string::npos) << r.err;
  std::printf("THROUGHPUT Linux→synack under loss: %.1f MiB in %.2f s = %.2f MiB/s\n%s",
              static_cast<double>(n) / kMiB, secs, static_cast<double>(n) / kMiB / secs,
              r.err.c_str());
}

// synack's own capture of a clean run, judged by tshark: no malformed
// packets, no bad checksums, no "Bad TCP" analysis flags.
TEST_F(SynackInterop, CleanRunCaptureIsJudgedCleanByTshark) {
  if (!run_process({"sh", "-c", "command -v tshark"}).ok())
    GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh)";
  const std::string pcap = path("run.pcapng");
  ChildProcess& serve = start_serve({"--http-bytes", std::to_string(kMiB), "--connections", "1",
                                     "--max-time", "20", "--pcap", pcap});
  const ProcessResult curl =
      sh(fmt::format("curl -sS --max-time 10 -o /dev/null http://{}/", kSynackAddr));
  const ProcessResult s = finish(serve);
  ASSERT_TRUE(curl.ok()) << curl.describe();
  ASSERT_TRUE(s.ok()) << s.describe();
  const std::vector<std::string> checks{"-o", "tcp.check_checksum:TRUE", "-o",
                                        "ip.check_checksum:TRUE"};
  std::vector<std::string> expert{"tshark", "-n", "-r", pcap};
  expert.insert(expert.end(), checks.begin(), checks.end());
  expert.insert(expert.end(), {"-z", "expert", "-q"});
  const ProcessResult e = run_process(expert, seconds(30));
  ASSERT_TRUE(e.ok()) << e.describe();
  for (const char* bad : {"Malformed", "Bad checksum", "Errors (", "Warnings ("})
    EXPECT_EQ(e.out.find(bad), std::string::npos) << bad << " in:\n" << e.out;
  std::vector<std::string> query{"tshark", "-n", "-r", pcap};
  query.insert(query.end(), checks.begin(), checks.end());
  query.insert(query.end(),
               {"-Y",
                "_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || "
                "(tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive "
                "&& !tcp.analysis.keep_alive_ack)"});
  const ProcessResult q = run_process(query, seconds(30));
  ASSERT_TRUE(q.ok()) << q.describe();
  EXPECT_EQ(q.out, "") << "offending packets:\n" << q.out;
  const ProcessResult count =
      run_process({"sh", "-c", "tshark -n -r " + shell_quote(pcap) + " -Y tcp | wc -l"});
  EXPECT_GT(std::stoi(count.out), 700) << "capture too small: " << count.out;
}

}  // namespace
}  // namespace synack::interop
