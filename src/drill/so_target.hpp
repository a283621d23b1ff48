// SPDX-License-Identifier: Apache-2.0
// A drill::Target that drives a packetdrill shared object through its C
// interface (packetdrill_interface.h), exactly as packetdrill calls it: the
// runner's executor can then replay any .pkt script through
// libsynack_packetdrill.so and compare the outcome with the in-process path.
//
// Sockets are always opened non-blocking in the shared object; a script's
// blocking socket is emulated here (EAGAIN/EINPROGRESS/EALREADY → blocked()),
// so the executor's own blocking-call logic applies. Time: usleep() on the
// object's clock; next_event() and set_knob() use the synack extensions
// (synack_packetdrill_next_event_usecs, synack_packetdrill_sysctl); so do
// count_connections() and drop_time_wait() (an object without the extensions:
// no timers seen, knobs and sockstat SKIP, tcpdrop does nothing).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "drill/packetdrill_interface.h"
#include "drill/target.hpp"

namespace synack::drill {

class SoTarget final : public Target {
 public:
  /// Loads `path` (dlopen). Throws std::runtime_error with dlerror()'s text.
  explicit SoTarget(const std::string& path);
  ~SoTarget() override;
  SoTarget(const SoTarget&) = delete;
  SoTarget& operator=(const SoTarget&) = delete;

  void reset(const TargetSetup& setup) override;
  [[nodiscard]] Instant now() const override { return now_; }
  void advance_to(Instant t) override;
  [[nodiscard]] Instant next_event() const override;
  void inject(Bytes ipv4_packet) override;
  std::optional<OutboundPacket> next_outbound() override;
  SysResult socket(bool nonblocking) override;
  SysResult bind(int fd, Ipv4Addr addr, std::uint16_t port) override;
  SysResult listen(int fd, int backlog) override;
  SysResult accept(int fd) override;
  SysResult connect(int fd, Ipv4Addr addr, std::uint16_t port) override;
  SysResult recv(int fd, std::size_t len, bool peek) override;
  SysResult send(int fd, Bytes data) override;
  SysResult shutdown(int fd, int how) override;
  SysResult close(int fd) override;
  SysResult get_nonblocking(int fd) override;
  SysResult set_nonblocking(int fd, bool on) override;
  SysResult getsockopt(int fd, SockOpt opt, std::int64_t* value) override;
  SysResult setsockopt(int fd, SockOpt opt, std::int64_t value) override;
  [[nodiscard]] bool supports(SockOpt opt) const override;
  bool set_knob(Knob knob, std::int64_t value) override;
  [[nodiscard]] std::optional<int> count_connections(std::optional<std::uint16_t> port,
                                                     tcp::State state) const override;
  int drop_time_wait() override;
  [[nodiscard]] std::optional<TcpInfo> tcp_info(int fd) const override;

  /// The interface as packetdrill_interface_init filled it.
  [[nodiscard]] const packetdrill_interface& interface() const { return ifc_; }

 private:
  struct Fd {
    bool nonblocking = false;  ///< as the script set it
    bool connecting = false;   ///< a blocking connect() in progress
  };
  SysResult result(long long ret, bool fd_blocking_semantics, int fd) const;
  [[nodiscard]] bool blocking(int fd) const;

  void* handle_ = nullptr;
  packetdrill_interface ifc_{};
  packetdrill_interface_init_t init_ = nullptr;
  long long (*next_event_)(void*) = nullptr;
  int (*sysctl_)(void*, const char*, long long) = nullptr;
  int (*count_)(void*, int, const char*) = nullptr;
  int (*drop_time_wait_)(void*) = nullptr;
  Instant now_{};
  Instant start_{};
  std::map<int, Fd> fds_;
};

}  // namespace synack::drill
