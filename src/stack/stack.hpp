// SPDX-License-Identifier: Apache-2.0
// The stack: one IPv4 interface running TCP (and the ICMP it needs), sans-IO.
//
// Network side: the driver (simulator, TUN loop, conformance runner, tests)
// hands every received IPv4 packet to receive(), collects outgoing packets
// with transmit(), and calls on_timeout() at next_deadline(). Nothing here
// reads a clock, sleeps or makes a syscall.
//
// User side: a BSD-shaped, non-blocking socket API (sockets.cc), errno values
// as std::errc. Readiness is polled (poll()) or pushed (set_callback()).
//
// Tables: the TCP demultiplexer (tcp::Demux) matches every segment to a
// connection, a listener, a compact TIME-WAIT entry or a closed port; the
// stack keeps the TCBs (slots in a vector, ids reused, the demux index names
// them by slot), their sockets, and a hierarchical timer wheel for their
// deadlines. See docs/architecture.md.
#pragma once

#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/time.hpp"
#include "base/timer_wheel.hpp"
#include "stack/any_destination.hpp"
#include "stack/config.hpp"
#include "stack/counters.hpp"
#include "stack/ip_reassembly.hpp"
#include "stack/port_allocator.hpp"
#include "stack/socket_types.hpp"
#include "stack/udp_sockets.hpp"
#include "tcp/connection.hpp"
#include "tcp/demux.hpp"
#include "tcp/listener.hpp"
#include "tcp/time_wait.hpp"
#include "tcp/trace.hpp"
#include "wire/icmp.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

namespace synack {

using TupleHash = tcp::TupleHash;  ///< the demux tables' keyed hash (tcp/demux.hpp)

class Stack {
 public:
  /// `trace` (may be null) receives every engine trace event.
  explicit Stack(StackConfig config, tcp::TraceSink* trace = nullptr);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // ---- network side ------------------------------------------------------------
  /// One received IPv4 packet (any validity: bad input is dropped and counted).
  void receive(Bytes packet, Instant now);
  /// The next IPv4 packet the stack wants to send, or nullopt when there is
  /// none. The bytes stay valid until the next call into the stack.
  std::optional<Bytes> poll_transmit(Instant now);
  /// Calls `send(Bytes ip_packet)` for every packet poll_transmit() yields.
  template <typename F>
  void transmit(Instant now, F&& send) {
    while (auto packet = poll_transmit(now)) send(*packet);
  }
  /// The earliest time on_timeout() has work; kNever if none.
  [[nodiscard]] Instant next_deadline() const;
  /// Fires every timer due at `now` (retransmissions, TIME-WAIT, ...).
  void on_timeout(Instant now);

  // ---- sockets (BSD shape, non-blocking; see sockets.cc) ------------------------
  /// A new TCP socket. Errors: too_many_files_open (descriptor table full).
  std::expected<Fd, std::errc> socket();
  /// Binds to `local` (address must be ours or 0.0.0.0; port 0 = ephemeral).
  /// Errors: bad_file_descriptor, invalid_argument (already bound / not ours),
  /// address_in_use.
  std::expected<void, std::errc> bind(Fd fd, tcp::Endpoint local);
  /// Starts listening with `backlog` (clamped to [1, 4096]). Errors:
  /// bad_file_descriptor, invalid_argument (connected), address_in_use.
  std::expected<void, std::errc> listen(Fd fd, int backlog, Instant now);
  /// A completed connection, or operation_would_block. `peer` receives the
  /// remote endpoint. Errors: bad_file_descriptor, invalid_argument (not listening).
  std::expected<Fd, std::errc> accept(Fd fd, tcp::Endpoint* peer = nullptr);
  /// Starts an active open; non-blocking, so the first call fails with
  /// operation_in_progress (EINPROGRESS) and completion shows as writable.
  /// Errors: connection_already_in_progress (EALREADY), already_connected
  /// (EISCONN), the pending error (e.g. connection_refused), address_not_available.
  std::expected<void, std::errc> connect(Fd fd, tcp::Endpoint remote, Instant now);
  /// Queues bytes; returns how many were taken (short count when the buffer
  /// fills). Errors: operation_would_block (buffer full), broken_pipe (after
  /// shutdown(write) or close), not_connected, connection_reset, timed_out.
  std::expected<std::size_t, std::errc> send(Fd fd, Bytes data, Instant now);
  /// Same with flags: kMsgOob sends `data` as urgent data (RFC 9293 §3.8.5).
  std::expected<std::size_t, std::errc> send(Fd fd, Bytes data, int flags, Instant now);
  /// Bytes of urgent data received and not yet read (0 = none; poll() shows
  /// kPollPri meanwhile). Errors: bad_file_descriptor, not_connected.
  std::expected<std::size_t, std::errc> urgent_pending(Fd fd) const;
  /// Reads received bytes; 0 = end of stream. flags: kMsgPeek leaves them queued.
  /// Errors: operation_would_block (nothing yet), not_connected, the connection's error.
  std::expected<std::size_t, std::errc> recv(Fd fd, MutableBytes out, int flags, Instant now);
  /// Shuts down one or both directions (write: FIN after queued data).
  /// Errors: bad_file_descriptor, not_connected.
  std::expected<void, std::errc> shutdown(Fd fd, ShutdownHow how, Instant now);
  /// Releases the descriptor. A connection keeps closing in the background
  /// (FIN, TIME-WAIT) unless SO_LINGER with linger 0 asks for an abortive
  /// close (RST). Errors: bad_file_descriptor.
  std::expected<void, std::errc> close(Fd fd, Instant now);
  /// Reads an option (int-valued; see SockOpt). Errors: bad_file_descriptor,
  /// no_protocol_option (unknown), invalid_argument.
  std::expected<int, std::errc> getsockopt(Fd fd, SockOpt opt) const;
  /// Sets an option (sockopts.cc); on a connected socket it reaches the
  /// connection at once, a listener's reach the sockets it accepts (Linux).
  /// TCP_KEEPIDLE/TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127, TCP_USER_TIMEOUT
  /// ≥ 0 ms. Errors: bad_file_descriptor, no_protocol_option, invalid_argument.
  std::expected<void, std::errc> setsockopt(Fd fd, SockOpt opt, int value, Instant now);
  /// Same, at the latest time the stack was given.
  std::expected<void, std::errc> setsockopt(Fd fd, SockOpt opt, int value);
  /// TCP_CONGESTION as text: "newreno" (or "reno"), "cubic". Errors:
  /// bad_file_descriptor, no_such_file_or_directory (unknown name, Linux ENOENT).
  std::expected<void, std::errc> set_congestion(Fd fd, std::string_view name);
  /// TCP_CONGESTION read back ("newreno" / "cubic"). Errors: bad_file_descriptor.
  std::expected<std::string_view, std::errc> congestion(Fd fd) const;
  /// TCP_INFO snapshot (tcp::Info; LISTEN for a listener, CLOSED without a TCB).
  /// Errors: bad_file_descriptor.
  std::expected<TcpInfo, std::errc> tcp_info(Fd fd, Instant now) const;
  /// Same, at the latest time the stack was given.
  std::expected<TcpInfo, std::errc> tcp_info(Fd fd) const;
  /// Readiness: a mask of kPollIn, kPollOut, kPollErr, kPollHup.
  [[nodiscard]] std::uint32_t poll(Fd fd) const;
  /// Called with (fd, poll mask) whenever the readiness of `fd` may have
  /// changed (after receive/transmit/on_timeout). Pass nullptr to remove.
  void set_callback(std::function<void(Fd, std::uint32_t)> callback);
  /// Local and remote endpoints of a socket. Errors: bad_file_descriptor, not_connected.
  /// For a connection accepted by listen_any(), `local` is the original
  /// destination (what getsockname() / SO_ORIGINAL_DST give on Linux).
  std::expected<tcp::FourTuple, std::errc> endpoints(Fd fd) const;

  // ---- any-destination mode (StackConfig::any_destination; any_destination.cc) ----
  /// Makes the fresh, unbound socket `fd` the listener for SYNs to every
  /// address and port the stack receives (a listener for a specific port or
  /// address still wins). Only one per stack. accept() then returns
  /// connections whose local endpoint is the original destination. Errors:
  /// bad_file_descriptor, invalid_argument (not in any-destination mode, not a
  /// fresh unbound socket), address_in_use (another listen_any socket).
  std::expected<void, std::errc> listen_any(Fd fd, int backlog, AnyListenOptions options,
                                            Instant now);
  /// With AnyListenOptions::defer_handshake: the next held SYN not yet handed
  /// out (local = original destination, remote = the client); the listening
  /// socket polls readable while there is one. nullopt: none.
  std::optional<tcp::FourTuple> pending_syn(Fd fd);
  /// Completes the held SYN of `t`: the listener answers it (SYN-ACK) and
  /// accept() returns the connection once the handshake is done. Errors:
  /// bad_file_descriptor, invalid_argument (not the listen_any socket),
  /// no_such_device_or_address (no SYN held for `t`: it timed out),
  /// no_buffer_space (StackConfig::max_connections reached).
  std::expected<void, std::errc> admit(Fd fd, const tcp::FourTuple& t, Instant now);
  /// Answers the held SYN of `t` with a RST (kReset) or an ICMP host
  /// unreachable from t.local (kUnreachable) and forgets it. Errors as admit().
  std::expected<void, std::errc> refuse(Fd fd, const tcp::FourTuple& t, Refusal how, Instant now);
  /// SYNs held so far, and passed on at once because too many were held.
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> any_destination_counts() const;

  /// UDP sockets (RFC 768; udp_sockets.hpp): their own descriptors, the
  /// same network side (receive / poll_transmit).
  [[nodiscard]] UdpSockets& udp() { return *udp_; }
  [[nodiscard]] const UdpSockets& udp() const { return *udp_; }

  // ---- introspection -------------------------------------------------------------
  [[nodiscard]] const StackConfig& config() const { return config_; }
  /// The tcp::Config of sockets created from now on (changes reach no socket
  /// that exists already).
  [[nodiscard]] tcp::Config& tcp_config() {
    tcp_shared_ = {};  // the caller may change it: the next socket() shares a fresh copy
    return config_.tcp;
  }
  [[nodiscard]] const StackCounters& counters() const { return counters_; }
  /// Every counter of the stack as (name, value), like `nstat -a` / `netstat -s`:
  /// packets in and out, each StackDrop reason ("drop_<reason>"), IPv4
  /// reassembly drops ("frag-…"), wire errors, engine drops by DropReason
  /// summed over live and finished connections and listeners ("tcp_<reason>"),
  /// SYN cookies sent, table evictions and limit hits. Zero counters included,
  /// names stable (stats.cc).
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> stats() const;
  /// Orphaned connections now (closed by the application, still finishing).
  [[nodiscard]] std::size_t orphan_count() const { return orphans_; }
  /// Connections by state: established/half-open TCBs plus TIME-WAIT entries
  /// (and listeners as LISTEN), optionally only those whose local port is `port`.
  [[nodiscard]] std::size_t count_in_state(tcp::State s,
                                           std::optional<std::uint16_t> port = {}) const;
  /// Every TCB and TIME-WAIT entry: (tuple, state). For tools and tests.
  [[nodiscard]] std::vector<std::pair<tcp::FourTuple, tcp::State>> connections() const;
  /// Aborts every TIME-WAIT connection (FreeBSD `tcpdrop -s TIME_WAIT`); returns how many.
  std::size_t drop_time_wait(Instant now);
  /// Number of TCB slots in use (excluding TIME-WAIT entries and listeners).
  [[nodiscard]] std::size_t tcb_count() const { return demux_.connection_count(); }
  [[nodiscard]] std::size_t time_wait_count() const { return demux_.time_wait_count(); }

 private:
  struct ConnSlot;
  struct SocketEntry;

  // ip_input.cc
  void receive_datagram(const Ipv4View& ip, Instant now);
  void receive_icmp(const Ipv4View& ip, Instant now);
  void receive_tcp(const Ipv4View& ip, Instant now);
  void receive_udp(const Ipv4View& ip);
  bool hold_syn(const tcp::FourTuple& t, const TcpSegment& seg, Instant now);
  std::expected<TcpSegment, std::errc> take_held(Fd fd, const tcp::FourTuple& t, Instant now);
  void tcp_delivered(const Ipv4View& ip, const tcp::FourTuple& t, tcp::Delivery d,
                     const TcpSegment& seg, Instant now);
  // stack.cc: output and timers
  void queue_control(const tcp::FourTuple& t, const TcpSegment& seg);
  /// `from`: the source address (unset: ours; in any-destination mode the
  /// address the offending packet was sent to).
  void queue_icmp(Ipv4Addr to, std::uint8_t type, std::uint8_t code, std::uint32_t rest, Bytes body,
                  std::optional<Ipv4Addr> from = std::nullopt);
  std::size_t emit_tcp(const tcp::FourTuple& t, const TcpSegment& seg, std::uint8_t tos = 0);
  std::optional<Bytes> next_packet(Instant now);
  void on_timer(std::uint32_t slot, Instant now);
  bool reply_allowed();  // StackConfig::reply_rate_limit, counted when refused
  void schedule_timer(std::uint32_t slot);
  // connections.cc
  std::uint32_t add_connection(std::unique_ptr<tcp::Connection> c, Fd fd);
  void free_connection(std::uint32_t slot);
  /// The connection may have output and its deadline may have moved;
  /// `wake_app`: its readiness may have changed (network or timer event).
  void mark_dirty(std::uint32_t slot, bool wake_app = false);
  void settle(std::uint32_t slot, Instant now);
  void to_time_wait(std::uint32_t slot, Instant now);
  void deliver_icmp_error(const IcmpView& icmp, Instant now);
  void notify(Fd fd);
  void flush_notifications();
  std::uint64_t next_conn_id() { return next_conn_id_++; }
  // sockets.cc
  SocketEntry* entry(Fd fd);
  const SocketEntry* entry(Fd fd) const;
  bool port_in_use(const tcp::Endpoint& local, bool reuse) const;
  void release_bound_port(std::uint16_t port);
  void drain_listener(std::uint32_t index, Instant now);
  // sockopts.cc
  void apply_options(tcp::Connection& c, const tcp::Config& cfg, Instant now);
  void options_changed(SocketEntry& s, Instant now);

  StackConfig config_;
  tcp::SharedConfig tcp_shared_;  // config_.tcp, shared by sockets (empty: copy it again)
  tcp::TraceSink* trace_;
  StackCounters counters_;
  IpReassembler reassembler_;
  PortAllocator ports_;
  TimerWheel wheel_;  // connection timers, id = connection slot
  std::uint64_t next_conn_id_ = 1;
  std::size_t orphans_ = 0;           // connections with fd -1 still held
  tcp::DropCounters finished_drops_;  // engine drops of freed connections and closed listeners
  std::uint64_t finished_cookies_ = 0;
  Instant reply_window_{};  // start of the current reply-rate second
  std::uint32_t replies_in_window_ = 0;
  Instant clock_{};  // the latest `now` the stack was given (for calls without one)

  // The TCP demultiplexer: connection index (by slot), listeners, TIME-WAIT.
  tcp::Demux demux_;
  // Connections: slots (stable ids, the demux index names them).
  std::vector<std::unique_ptr<ConnSlot>> conns_;
  std::vector<std::uint32_t> free_conns_;
  std::vector<std::uint32_t> dirty_;     // slots with possible output
  std::vector<Fd> listen_fds_;           // by demux listener id: the listening socket
  std::unique_ptr<AnyDestination> any_;  // listen_any()'s socket and held SYNs
  std::unique_ptr<UdpSockets> udp_;

  // Descriptors: the lowest free one is reused first (a min-heap of freed fds).
  std::vector<std::unique_ptr<SocketEntry>> sockets_;
  std::priority_queue<Fd, std::vector<Fd>, std::greater<>> free_fds_;
  // Local ports taken by bind()/listen() (count per port): connect() picks
  // ephemeral ports around them without scanning every socket.
  std::unordered_map<std::uint16_t, std::uint32_t> bound_ports_;
  std::function<void(Fd, std::uint32_t)> callback_;
  std::vector<Fd> notify_pending_;

  // Packets that belong to no connection (RSTs, ICMP), already serialised.
  std::deque<std::vector<std::byte>> control_;
  std::vector<std::byte> current_;  // the control packet being handed out
  std::vector<std::byte> scratch_;  // one TCP packet being emitted
  std::uint16_t ip_id_ = 0;
};

}  // namespace synack
