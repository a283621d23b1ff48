// SPDX-License-Identifier: Apache-2.0
// Internal to the executor: the state of one script run, shared by
// executor.cc (events, packets, time) and syscalls.cc (system calls).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drill/ast.hpp"
#include "drill/executor.hpp"
#include "drill/matcher.hpp"
#include "drill/shell.hpp"
#include "drill/target.hpp"
#include "drill/timing.hpp"

namespace synack::drill::detail {

/// Thrown inside a run to end it (FAIL or runtime SKIP); caught by run_script.
struct Stop {
  ScriptResult result;
};

/// packetdrill's "socket under test": the connection packets belong to.
struct Connection {
  enum class Kind : std::uint8_t {
    kNone,        ///< a socket() with no connection yet
    kListening,   ///< listen() was called: the next inbound packet starts a child
    kConnecting,  ///< connect() was called: the stack's SYN names the local port
    kPassive,     ///< created by an inbound packet
  };
  Kind kind = Kind::kNone;
  Endpoints ends;
  SeqMap map;
};

class Run;

/// Argument `i` of the call of `ev`; FAILs the run when there are fewer.
const Expr& arg(const Run& run, const Event& ev, std::size_t i);
/// The struct field named `name` (e.g. "msg_iov(1)" matched by "msg_iov"), or nullptr.
const Expr* field(const Expr& e, std::string_view name);

/// One descriptor registered with an epoll instance (epoll_ctl).
struct EpollEntry {
  std::uint32_t events = 0;   ///< EPOLL* interest and flags (EPOLLET, EPOLLONESHOT)
  std::int64_t data = 0;      ///< epoll_data as the script gave it (fd= or ptr=)
  std::uint32_t seen = 0;     ///< readiness at the last look (edge detection)
  std::int64_t bytes_in = 0;  ///< tcpi_bytes_received at the last look
  bool pending = true;        ///< ADD/MOD: report the current readiness once
};

/// One reported event of epoll_wait.
struct EpollEvent {
  std::uint32_t events = 0;
  std::int64_t data = 0;
};

/// A call that blocks: re-issued after every step until it returns.
struct PendingCall {
  const Event* event = nullptr;
  std::int64_t start_usecs = 0;
  std::int64_t end_usecs = 0;  ///< when the script says it returns
};

class Run {
 public:
  Run(const Script& script, Target& target, const RunOptions& options);
  ScriptResult execute();

  // --- used by syscalls.cc -------------------------------------------------
  /// Issues the call of `ev` (retry = a re-issue of a blocked call: no side
  /// effects on the script's bookkeeping). Throws Stop for a runtime SKIP.
  SysResult issue(const Event& ev, bool retry);
  /// Compares a returned call with the script; throws Stop(FAIL) on mismatch.
  void check_call(const Event& ev, const SysResult& r);

 private:
  void run_event(const Event& ev);
  ExpectedTime expected_time(const EventTime& t) const;
  [[nodiscard]] std::int64_t now_usecs() const;
  [[nodiscard]] Instant at(std::int64_t usecs) const;
  void step_to(std::int64_t usecs);
  void poll_pending();
  void finish_pending(const SysResult& r);
  void finish_at_end();

  void run_outbound(const Event& ev, const PacketEvent& pkt, const ExpectedTime& et);
  std::optional<std::pair<Instant, LivePacket>> take_outbound();
  void gather_tso(const PacketEvent& pkt, std::pair<Instant, LivePacket>& taken);
  [[nodiscard]] bool belongs_to_connection(const LivePacket& live);
  void run_inbound(const PacketEvent& pkt);
  void run_syscall(const Event& ev, const ExpectedTime& et);
  void run_command(const Event& ev, const CommandEvent& cmd);
  void run_step(const Event& ev, const std::string& text, const ShellStep& step);
  void note(const std::string& text);
  void run_code(const Event& ev, const CodeEvent& code);
  void run_python_code(const Event& ev, const CodeEvent& code, const TcpInfo& info);

  // syscalls.cc
  int live_fd(const Event& ev, const Expr& e) const;
  std::int64_t eval(const Event& ev, const Expr& e) const;
  SysResult issue_sockopt(const Event& ev, const SyscallEvent& call, bool set);
  SysResult issue_fcntl(const Event& ev, int fd);
  SysResult issue_msg(const Event& ev, int fd, bool send);
  SysResult issue_runner_option(const Event& ev, int fd, const std::string& name, bool set);
  std::optional<std::int64_t> expected_inq(const Expr& control) const;
  std::int64_t readable_bytes(int fd);
  void check_inq(const Event& ev);
  // epoll.cc
  SysResult issue_epoll(const Event& ev, const std::string& name);
  SysResult epoll_ctl(const Event& ev);
  SysResult epoll_wait(const Event& ev);
  void check_epoll_event(const Event& ev);
  void check_sockopt_value(const Event& ev, const SyscallEvent& call);

 public:
  [[noreturn]] void fail(int line, const std::string& message) const;
  [[noreturn]] void skip(int line, const std::string& reason) const;
  void trace(const std::string& line) const;

  const Script& script_;
  Target& target_;
  const RunOptions& options_;
  Instant start_{};
  std::int64_t last_usecs_ = 0;  ///< actual time of the previous event
  std::map<int, int> fds_;       ///< script fd → target fd
  int fd_under_test_ = -1;       ///< script fd of the last socket()/accept()
  Connection conn_;
  std::uint16_t next_remote_port_;
  std::optional<PendingCall> pending_;
  int line_ = 0;                ///< the line of the event being run
  std::int64_t got_value_ = 0;  ///< the value of the last getsockopt
  /// epoll instances by script fd: registered target fds → entries.
  std::map<int, std::map<int, EpollEntry>> epolls_;
  std::vector<EpollEvent> got_events_;  ///< what the last epoll_wait reported
  /// Options the runner keeps (TCP_INQ, TCP_NOTSENT_LOWAT) by (target fd, name).
  std::map<std::pair<int, std::string>, std::int64_t> runner_opts_;
  std::int64_t got_inq_ = 0;        ///< TCP_CM_INQ of the last recvmsg (Linux tcp_inq_hint)
  std::vector<std::string> notes_;  ///< ScriptResult::notes
  std::map<std::string, std::int64_t> python_vars_;  ///< variables of %{ }% blocks
  /// Coalesce outbound packets as a TSO device would send them (Linux
  /// personality; `ethtool -K tun0 tso off` turns it off).
  bool tso_ = false;
  /// Live packets taken from the target but not yet matched (TSO look-ahead).
  std::deque<std::pair<Instant, LivePacket>> held_;
};

}  // namespace synack::drill::detail
