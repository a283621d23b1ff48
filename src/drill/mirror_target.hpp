// SPDX-License-Identifier: Apache-2.0
// A test Target that behaves exactly as a script says the stack should: it
// sends every `>` packet at its scripted time (with its own ISN, ports and TS
// values, so the executor's mapping is exercised), returns every call's
// scripted result, answers sockstat/tcpi queries with the expected values, and
// checks each injected packet against its `<` line (ISN-shifted ack, TS ecr
// mapped to the TS val it really sent). Running the corpus against it proves
// the runner can pass every script a conforming stack would pass.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drill/ast.hpp"
#include "drill/executor.hpp"
#include "drill/target.hpp"

namespace synack::drill::testing {

class MirrorTarget : public Target {
 public:
  static constexpr std::uint32_t kIsn = 1'000'000;    ///< the mirror's ISN
  static constexpr std::uint32_t kTsOffset = 12'345;  ///< live TS val = scripted + this
  static constexpr std::uint16_t kActivePort = 50'000;

  MirrorTarget(const Script& script, const RunOptions& options);

  /// Disagreements between injected packets and their `<` lines.
  std::vector<std::string> inbound_errors;

  void reset(const TargetSetup& s) override;
  [[nodiscard]] Instant now() const override { return now_; }
  void advance_to(Instant t) override;
  [[nodiscard]] Instant next_event() const override;
  void inject(Bytes ipv4_packet) override;
  std::optional<OutboundPacket> next_outbound() override;
  SysResult socket(bool) override { return call("socket"); }
  SysResult bind(int, Ipv4Addr, std::uint16_t) override { return call("bind"); }
  SysResult listen(int, int) override;
  SysResult accept(int) override { return call("accept"); }
  SysResult connect(int, Ipv4Addr, std::uint16_t) override;
  SysResult recv(int, std::size_t, bool) override { return call("recv"); }
  SysResult send(int, Bytes) override { return call("send"); }
  SysResult shutdown(int, int) override { return call("shutdown"); }
  SysResult close(int) override { return call("close"); }
  SysResult get_nonblocking(int) override;
  SysResult set_nonblocking(int, bool) override { return call("fcntl"); }
  SysResult getsockopt(int, SockOpt, std::int64_t* value) override;
  SysResult setsockopt(int, SockOpt, std::int64_t) override { return call("setsockopt"); }
  bool set_knob(Knob, std::int64_t) override { return true; }
  [[nodiscard]] std::optional<int> count_connections(std::optional<std::uint16_t>,
                                                     tcp::State) const override;
  int drop_time_wait() override { return 1; }
  [[nodiscard]] std::optional<TcpInfo> tcp_info(int) const override;

 private:
  struct Pending {
    std::size_t call;  ///< index into calls_
    Instant end;
  };
  SysResult call(std::string_view name);
  SysResult scripted_result(const Event& ev) const;
  std::vector<std::byte> build(const PacketEvent& pkt);
  void new_connection();

  const Script& script_;
  const RunOptions& options_;
  Instant now_{};
  std::vector<std::pair<Instant, const PacketEvent*>> outbound_;  ///< by time
  std::size_t next_send_ = 0;            ///< outbound_[next_send_] not yet due
  std::vector<const PacketEvent*> due_;  ///< due, built when taken
  std::vector<Instant> due_at_;          ///< when each due packet left
  std::vector<const Event*> calls_;
  std::size_t next_call_ = 0;
  std::optional<Pending> pending_;
  std::vector<const PacketEvent*> inbound_;
  std::size_t next_inbound_ = 0;
  std::vector<int> sockstat_expected_;
  mutable std::size_t next_sockstat_ = 0;
  std::vector<TcpInfo> infos_;
  mutable std::size_t next_info_ = 0;
  // The connection as packetdrill would see it.
  bool listening_ = false;
  bool fresh_ = true;  ///< no connection since the last socket()/listen()
  bool have_isn_ = false;
  std::uint16_t local_port_ = 0;
  std::uint16_t remote_port_ = 0;
  std::map<std::uint32_t, std::uint32_t> ts_sent_;  ///< scripted → live TS val
};

}  // namespace synack::drill::testing
