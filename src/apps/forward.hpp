// SPDX-License-Identifier: Apache-2.0
// `synack forward`'s engine: a transparent TCP/UDP forwarder over a TUN
// device (the tun2socks job). Every TCP connection and UDP flow that enters
// the device is terminated by synack's stack in any-destination mode
// (Stack::listen_any, UdpSockets::bind_any) and relayed to its original
// destination through a kernel socket, directly or through a SOCKS5 proxy
// (RFC 1928 CONNECT for TCP, UDP ASSOCIATE for UDP). See docs/forward.md.
//
// Relay semantics: half-close both ways (FIN ↔ shutdown(SHUT_WR)), RST ↔
// SO_LINGER 0 / ECONNRESET, a refused upstream ↔ RST to the client (with the
// deferred handshake the client's SYN is answered only once the upstream
// connect succeeded: RST if refused, ICMP host unreachable if it failed or
// timed out). Back-pressure both ways: each direction has one bounded buffer
// (ForwardOptions::buffer_bytes); while it is full that side is not read, so
// the sender's window closes (synack's receive window, or the kernel's).
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/time.hpp"
#include "tcp/types.hpp"
#include "tun/tun_stack.hpp"

namespace synack::apps {

struct ForwardOptions {
  /// Relay through this SOCKS5 proxy (RFC 1928, no authentication; TCP by
  /// CONNECT, each UDP flow by its own UDP ASSOCIATE). nullopt: connect directly.
  std::optional<tcp::Endpoint> socks5;
  /// Open the upstream sockets in this named network namespace (/var/run/netns/NAME).
  std::string egress_netns;
  /// SO_BINDTODEVICE for the upstream sockets (needs CAP_NET_RAW).
  std::string egress_dev;
  /// SO_MARK for the upstream sockets, for policy routing (needs CAP_NET_ADMIN).
  std::optional<std::uint32_t> mark;
  /// Complete the client's handshake at once (tun2socks habit) instead of
  /// after the upstream connect; a failed upstream then resets the client.
  bool accept_at_once = false;
  /// Bytes buffered per direction per connection (the back-pressure bound).
  std::size_t buffer_bytes = 64 * 1024;
  /// Most relayed TCP connections; beyond it new SYNs are refused (RST).
  std::size_t max_connections = 4096;
  /// Most UDP flows (client endpoint, destination); beyond it datagrams of new flows are dropped.
  std::size_t max_udp_flows = 4096;
  /// A UDP flow with no datagram either way for this long is closed.
  Duration udp_idle_timeout = seconds(60);
  /// An upstream connect that has not completed in this time fails (ICMP unreachable / RST).
  Duration connect_timeout = seconds(10);
  /// listen_any backlog (SYNs held and half-open connections).
  int backlog = 1024;
};

/// What the forwarder did (for the status line and the Ctrl-C summary).
struct ForwardStats {
  std::uint64_t tcp_relayed = 0;           ///< connections whose upstream connected
  std::uint64_t tcp_refused = 0;           ///< upstream refused: RST to the client
  std::uint64_t tcp_unreachable = 0;       ///< upstream failed otherwise or timed out
  std::uint64_t tcp_reset = 0;             ///< relays ended by a RST from either side
  std::uint64_t tcp_over_limit = 0;        ///< SYNs refused: ForwardOptions::max_connections
  std::uint64_t tcp_finished = 0;          ///< relays closed by FIN both ways
  std::uint64_t bytes_up = 0;              ///< client → destination
  std::uint64_t bytes_down = 0;            ///< destination → client
  std::uint64_t udp_flows = 0;             ///< flows opened
  std::uint64_t udp_up = 0, udp_down = 0;  ///< datagrams each way
  std::uint64_t udp_dropped = 0;           ///< datagrams dropped (flow limit, socket errors)
  std::size_t buffer_peak = 0;             ///< most relay buffer bytes allocated at once
};

class Forwarder {
 public:
  /// Listens on every address and port of `ts` (whose stack must have
  /// StackConfig::any_destination), for TCP and UDP, and watches its own
  /// epoll fd in ts.loop(). Errors: one line ("cannot ...: reason").
  static std::expected<std::unique_ptr<Forwarder>, std::string> create(TunStack& ts,
                                                                       ForwardOptions options);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  /// The stack's readiness callback for TCP sockets (TunStack::set_ready_handler).
  void on_ready(Fd fd, std::uint32_t mask, Instant now);
  /// Timeouts (upstream connects, idle UDP flows); call about once a second.
  void on_tick(Instant now);

  [[nodiscard]] const ForwardStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t tcp_active() const { return relays_.size(); }
  /// Relayed TCP connections by state, for the status line (O(connections)).
  struct TcpStates {
    std::size_t connecting = 0;   ///< upstream connect or SOCKS5 handshake under way
    std::size_t open = 0;         ///< both directions open
    std::size_t half_closed = 0;  ///< one side sent its FIN
  };
  [[nodiscard]] TcpStates tcp_states() const;
  [[nodiscard]] std::size_t udp_active() const { return flows_.size(); }
  /// Relay buffer bytes allocated now (both directions of every connection).
  [[nodiscard]] std::size_t buffer_bytes() const { return buffered_; }

 private:
  struct Ring;
  struct Relay;
  struct Flow;
  Forwarder(TunStack& ts, ForwardOptions options, int epoll_fd);
  std::expected<int, int> open_upstream(int type, tcp::Endpoint to);
  void on_epoll(Instant now);
  void start_relay(const tcp::FourTuple& t, Fd inner, Instant now);
  void on_accepted(Fd fd, Instant now);
  void on_outer(Relay& r, std::uint32_t events, Instant now);
  void socks_step(Relay& r, Instant now);
  void connected(Relay& r, Instant now);
  void connect_failed(Relay& r, int err, Instant now);
  void pump(Relay& r, Instant now);
  void abort(Relay& r, Instant now);
  void destroy(Relay& r);
  void watch(int fd, std::uint32_t events, std::uint32_t& current);
  void on_udp(Instant now);
  void on_flow(Flow& f, Instant now);
  Flow* open_flow(tcp::Endpoint client, tcp::Endpoint destination);
  void send_up(Flow& f, Bytes payload);
  void on_control(Flow& f, std::uint32_t events);
  void close_flow(Flow& f);

  TunStack& ts_;
  Stack& stack_;
  ForwardOptions options_;
  int epoll_fd_ = -1;
  Fd listener_ = -1;
  UdpFd udp_any_ = -1;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<Relay>> relays_;
  std::unordered_map<Fd, std::uint64_t> by_inner_;
  std::unordered_map<tcp::FourTuple, std::uint64_t> by_tuple_;  // held SYNs waiting for upstream
  std::unordered_map<tcp::FourTuple, std::unique_ptr<Flow>> flows_;  // (destination, client)
  std::unordered_map<int, std::uint64_t> outer_tcp_;                 // kernel fd → relay id
  std::unordered_map<int, tcp::FourTuple> outer_udp_;                // kernel fd → flow key
  std::unordered_map<int, tcp::FourTuple> udp_control_;  // SOCKS5 control fd → flow key
  std::size_t buffered_ = 0;
  ForwardStats stats_;
};

}  // namespace synack::apps
