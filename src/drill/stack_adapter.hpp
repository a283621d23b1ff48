// SPDX-License-Identifier: Apache-2.0
// The adapter between a packetdrill-style driver and the synack stack
// (docs/conformance.md "The stack adapter"): one Stack on a virtual clock,
// BSD socket calls with host errno values, packets in and out as IPv4
// datagrams stamped with the virtual time they left.
//
// Both ways of running packetdrill scripts use this one class, so both test
// the same code:
//  - the in-process runner (`synack drill`, executor.cc) drives it through the
//    drill::Target interface (make_stack_target() returns a StackAdapter);
//  - libsynack_packetdrill.so (packetdrill_so.cc) wraps it in packetdrill's
//    shared-object interface for upstream packetdrill (--so_filename).
// Built only with -DSYNACK_DRILL_STACK=ON.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "drill/target.hpp"
#include "stack/stack.hpp"

namespace synack::drill {

class StackAdapter final : public Target {
 public:
  /// A fresh stack, as reset() builds (FreeBSD personality, packetdrill's
  /// addresses, MTU 1500, virtual time 0).
  StackAdapter();

  void reset(const TargetSetup& setup) override;

  // --- virtual clock (target.hpp) -------------------------------------------
  [[nodiscard]] Instant now() const override { return now_; }
  void advance_to(Instant t) override;
  [[nodiscard]] Instant next_event() const override { return stack_->next_deadline(); }

  // --- wire -----------------------------------------------------------------
  void inject(Bytes packet) override;
  std::optional<OutboundPacket> next_outbound() override;
  /// Packets queued for next_outbound().
  [[nodiscard]] std::size_t outbound_count() const { return out_.size(); }

  // --- sockets (target.hpp: host errno values, blocked() on blocking fds) ----
  SysResult socket(bool nonblocking) override;
  SysResult bind(int fd, Ipv4Addr addr, std::uint16_t port) override;
  SysResult listen(int fd, int backlog) override;
  SysResult accept(int fd) override { return accept(fd, nullptr); }
  /// accept() that also reports the peer's address and port.
  SysResult accept(int fd, tcp::Endpoint* peer);
  SysResult connect(int fd, Ipv4Addr addr, std::uint16_t port) override;
  SysResult recv(int fd, std::size_t len, bool peek) override;
  /// recv() into the caller's buffer: ret = bytes read (≤ out.size()), 0 at EOF.
  SysResult recv_into(int fd, MutableBytes out, bool peek);
  SysResult send(int fd, Bytes data) override;
  SysResult shutdown(int fd, int how) override;
  SysResult close(int fd) override;
  SysResult get_nonblocking(int fd) override;
  SysResult set_nonblocking(int fd, bool on) override;
  SysResult getsockopt(int fd, drill::SockOpt opt, std::int64_t* value) override;
  SysResult setsockopt(int fd, drill::SockOpt opt, std::int64_t value) override;
  [[nodiscard]] bool supports(drill::SockOpt opt) const override;
  /// Readiness of `fd`: a mask of kPollIn/kPollOut/kPollErr/kPollHup (<poll.h>
  /// values); 0 for a descriptor the adapter does not know.
  [[nodiscard]] std::uint32_t poll(int fd) const;
  [[nodiscard]] std::optional<std::uint32_t> readiness(int fd) const override { return poll(fd); }
  /// Whether `fd` is an open descriptor of this adapter.
  [[nodiscard]] bool is_open(int fd) const { return sockets_.contains(fd); }

  // --- administration ---------------------------------------------------------
  bool set_knob(Knob knob, std::int64_t value) override;
  [[nodiscard]] std::optional<int> count_connections(std::optional<std::uint16_t> port,
                                                     tcp::State state) const override;
  int drop_time_wait() override;
  [[nodiscard]] std::optional<TcpInfo> tcp_info(int fd) const override;

 private:
  struct Socket {
    bool nonblocking = false;
    bool connecting = false;  ///< a blocking connect() waiting for its handshake
  };

  void rebuild();
  void drain();
  SysResult done(const std::expected<void, std::errc>& r);
  SysResult would_block(int fd, std::errc e);

  TargetSetup setup_;
  StackConfig config_;
  std::unique_ptr<Stack> stack_;
  Instant now_{};
  std::deque<OutboundPacket> out_;
  std::map<int, Socket> sockets_;
  std::vector<std::byte> buffer_;
  bool used_ = false;  ///< a socket was created: knobs change the live config
};

}  // namespace synack::drill
