// SPDX-License-Identifier: Apache-2.0
// A programmable Target for the runner's own tests (not a TCP stack): it
// records what the executor does, emits the packets a test schedules, and
// answers calls through an optional hook. Virtual time only.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "drill/target.hpp"
#include "wire/tcp.hpp"

namespace synack::drill::testing {

/// One socket call as the fake saw it.
struct FakeCall {
  std::string name;
  int fd = -1;
  std::int64_t arg = 0;  ///< backlog, length, how, option value, nonblocking flag ...
  Instant at{};
};

class FakeTarget : public Target {
 public:
  // --- programming the fake -------------------------------------------------
  /// Called for every injected packet (already parsed).
  std::function<void(FakeTarget&, const Ipv4TcpPacket&)> on_inject;
  /// Answers a call; the default answer is used when unset or nullopt.
  std::function<std::optional<SysResult>(FakeTarget&, const FakeCall&)> on_call;
  std::set<Knob> rejected_knobs;                   ///< set_knob returns false for these
  std::optional<int> connection_count;             ///< count_connections' answer
  std::optional<TcpInfo> info;                     ///< tcp_info's answer
  std::map<SockOpt, std::int64_t> sockopt_values;  ///< getsockopt's answers (default 0)
  std::set<SockOpt> unsupported_options;           ///< supports() is false for these

  /// Emits `packet` at virtual time `at` (now if `at` has passed).
  void send_at(Instant at, std::vector<std::byte> packet);
  /// Runs `f` at virtual time `at`.
  void add_timer(Instant at, std::function<void(FakeTarget&)> f);

  // --- what happened --------------------------------------------------------
  TargetSetup setup;
  int resets = 0;
  std::vector<FakeCall> calls;
  std::vector<std::vector<std::byte>> injected;
  std::vector<Instant> injected_at;
  std::vector<std::pair<Knob, std::int64_t>> knobs;
  int time_wait_drops = 0;
  std::map<int, bool> nonblocking;

  // --- Target ---------------------------------------------------------------
  void reset(const TargetSetup& s) override;
  [[nodiscard]] Instant now() const override { return now_; }
  void advance_to(Instant t) override;
  [[nodiscard]] Instant next_event() const override;
  void inject(Bytes ipv4_packet) override;
  std::optional<OutboundPacket> next_outbound() override;
  SysResult socket(bool nonblock) override;
  SysResult bind(int fd, Ipv4Addr, std::uint16_t port) override { return call("bind", fd, port); }
  SysResult listen(int fd, int backlog) override { return call("listen", fd, backlog); }
  SysResult accept(int fd) override;
  SysResult connect(int fd, Ipv4Addr, std::uint16_t port) override {
    return call("connect", fd, port);
  }
  SysResult recv(int fd, std::size_t len, bool peek) override {
    return call(peek ? "recv-peek" : "recv", fd, static_cast<std::int64_t>(len));
  }
  SysResult send(int fd, Bytes data) override {
    return call("send", fd, static_cast<std::int64_t>(data.size()));
  }
  SysResult shutdown(int fd, int how) override { return call("shutdown", fd, how); }
  SysResult close(int fd) override { return call("close", fd, 0); }
  SysResult get_nonblocking(int fd) override;
  SysResult set_nonblocking(int fd, bool on) override;
  SysResult getsockopt(int fd, SockOpt opt, std::int64_t* value) override;
  SysResult setsockopt(int fd, SockOpt, std::int64_t value) override {
    return call("setsockopt", fd, value);
  }
  [[nodiscard]] bool supports(SockOpt opt) const override {
    return !unsupported_options.contains(opt);
  }
  bool set_knob(Knob knob, std::int64_t value) override;
  [[nodiscard]] std::optional<int> count_connections(std::optional<std::uint16_t>,
                                                     tcp::State) const override {
    return connection_count;
  }
  int drop_time_wait() override { return ++time_wait_drops; }
  [[nodiscard]] std::optional<TcpInfo> tcp_info(int) const override { return info; }

 private:
  SysResult call(std::string name, int fd, std::int64_t arg, SysResult fallback = SysResult::ok());
  Instant now_{};
  int next_fd_ = 100;
  std::multimap<Instant, std::function<void(FakeTarget&)>> timers_;
  std::vector<OutboundPacket> queue_;
};

/// Fields of a packet the fake "stack" sends (local → remote).
struct StackSegment {
  std::uint16_t src_port = 8080;
  std::uint16_t dst_port = 48000;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;
  std::uint16_t window = 65535;
  TcpOptions options;
  std::size_t payload = 0;  ///< zero bytes
  std::uint8_t tos = 0;
};

/// The IPv4 datagram of `s` from 192.168.0.1 to 192.0.2.1.
std::vector<std::byte> stack_packet(const StackSegment& s);

}  // namespace synack::drill::testing
