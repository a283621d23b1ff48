// SPDX-License-Identifier: Apache-2.0
// UDP (RFC 768) for the stack: datagram sockets (bind, connect, sendto,
// recvfrom) with bounded receive queues, demultiplexing by 4-tuple (connected
// sockets), then local endpoint, then 0.0.0.0 on the port, then the
// any-destination socket (StackConfig::any_destination). Sans-IO like the
// stack: Stack::receive() hands datagrams in, Stack::poll_transmit() takes
// what the sockets send. Descriptors are their own (UdpFd), separate from the
// TCP sockets of Stack.
#pragma once

#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "stack/port_allocator.hpp"
#include "stack/socket_types.hpp"
#include "tcp/types.hpp"
#include "wire/icmp.hpp"
#include "wire/ipv4.hpp"
#include "wire/udp.hpp"

namespace synack {

/// A UDP socket descriptor (its own table: 0, 1, ... lowest free first).
using UdpFd = int;

/// Bounds of the UDP layer (StackConfig::udp).
struct UdpConfig {
  /// Per socket: most datagrams and payload bytes queued unread (Linux
  /// SO_RCVBUF 212992 B); beyond either, arriving datagrams are dropped and
  /// counted (UdpCounters::queue_full, Linux "RcvbufErrors").
  std::size_t recv_queue_datagrams = 256;
  std::size_t recv_queue_bytes = 212992;
  /// Most datagrams waiting for Stack::poll_transmit(); sendto() beyond it
  /// fails with no_buffer_space (ENOBUFS).
  std::size_t send_queue_datagrams = 1024;
  /// Most UDP sockets at once.
  std::size_t max_sockets = 65536;
};

struct UdpCounters {
  std::uint64_t in = 0;           ///< datagrams received with a valid header and checksum
  std::uint64_t out = 0;          ///< datagrams sent
  std::uint64_t no_port = 0;      ///< for no socket (answered with ICMP port unreachable)
  std::uint64_t queue_full = 0;   ///< dropped: the socket's receive queue was full
  std::uint64_t icmp_errors = 0;  ///< ICMP errors delivered to a connected socket
};

class UdpSockets {
 public:
  /// `address`: the stack's; `any_destination`: bind() and send_from()
  /// accept any local address; `mtu`: largest datagram sent is mtu − 28.
  UdpSockets(UdpConfig config, Ipv4Addr address, bool any_destination, std::uint16_t mtu,
             std::uint8_t ttl, SipKey secret, PortAllocator::Range ports);

  /// A new socket. Errors: too_many_files_open (UdpConfig::max_sockets).
  std::expected<UdpFd, std::errc> socket();
  /// Binds to `local` (address ours or 0.0.0.0, any in any-destination mode;
  /// port 0 = ephemeral). Errors: bad_file_descriptor, invalid_argument
  /// (bound already), address_not_available, address_in_use.
  std::expected<void, std::errc> bind(UdpFd fd, tcp::Endpoint local);
  /// Makes `fd` the any-destination socket: it receives every datagram no
  /// other socket takes, and recvfrom() reports where it was going. Errors:
  /// bad_file_descriptor, invalid_argument (not in any-destination mode or
  /// bound), address_in_use (there is one).
  std::expected<void, std::errc> bind_any(UdpFd fd);
  /// Fixes the peer: send() without an address goes there, only its
  /// datagrams are received, and ICMP errors about it are reported (as
  /// Linux: ECONNREFUSED on the next call). Binds an ephemeral port first if
  /// needed. Errors: bad_file_descriptor, network_unreachable (0.0.0.0, broadcast).
  std::expected<void, std::errc> connect(UdpFd fd, tcp::Endpoint remote);
  /// Sends one datagram to `to` (or the connected peer when nullopt). Returns
  /// the payload size. Errors: bad_file_descriptor, destination_address_required,
  /// message_size (> mtu − 28: no fragmentation), no_buffer_space (send queue
  /// full), a pending ICMP error (connection_refused, host_unreachable ...).
  std::expected<std::size_t, std::errc> sendto(UdpFd fd, Bytes payload,
                                               std::optional<tcp::Endpoint> to = std::nullopt);
  /// Any-destination socket: sends from `from` (the original destination of
  /// the flow) to `to`. Errors as sendto(), invalid_argument if not bind_any().
  std::expected<std::size_t, std::errc> send_from(UdpFd fd, Bytes payload, tcp::Endpoint from,
                                                  tcp::Endpoint to);
  /// Takes the oldest datagram: copies up to out.size() bytes (the rest of a
  /// longer datagram is discarded, as MSG_TRUNC) and returns the datagram's
  /// full payload size. `from`: the sender; `to`: the address it was sent to.
  /// Errors: bad_file_descriptor, operation_would_block, a pending ICMP error.
  std::expected<std::size_t, std::errc> recvfrom(UdpFd fd, MutableBytes out,
                                                 tcp::Endpoint* from = nullptr,
                                                 tcp::Endpoint* to = nullptr);
  /// Releases the descriptor and its queue. Errors: bad_file_descriptor.
  std::expected<void, std::errc> close(UdpFd fd);
  /// kPollIn (a datagram or error queued), kPollOut (send queue has room), kPollErr.
  [[nodiscard]] std::uint32_t poll(UdpFd fd) const;
  /// Local endpoint (after bind/connect/sendto) and the connected peer (port 0: none).
  std::expected<tcp::FourTuple, std::errc> endpoints(UdpFd fd) const;
  /// Called with (fd, poll mask) when a socket's readiness may have changed.
  void set_callback(std::function<void(UdpFd, std::uint32_t)> cb) { callback_ = std::move(cb); }

  // ---- the stack's side ---------------------------------------------------------
  /// A valid datagram (checksum checked by the caller) for `dst` from `src`.
  /// Returns false when no socket takes it (the caller answers ICMP port unreachable).
  bool on_datagram(tcp::Endpoint src, tcp::Endpoint dst, Bytes payload);
  /// An ICMP error quoting a datagram we sent (RFC 1122 §4.1.3.3): reported
  /// to the connected socket for that pair, if any.
  void on_icmp_error(const IcmpQuote& quote, std::uint8_t type, std::uint8_t code);
  /// The next IPv4 packet to send, valid until the next call.
  std::optional<Bytes> poll_transmit();
  /// Delivers the readiness callbacks collected since the last call.
  void flush_notifications();
  [[nodiscard]] const UdpCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t socket_count() const { return open_; }
  /// Payload bytes queued in receive queues and the send queue.
  [[nodiscard]] std::size_t bytes_queued() const;

 private:
  struct Datagram {
    tcp::Endpoint from, to;
    std::vector<std::byte> payload;
  };
  struct Socket {
    std::optional<tcp::Endpoint> local;
    std::optional<tcp::Endpoint> remote;
    bool any = false;
    std::deque<Datagram> queue;
    std::size_t queued_bytes = 0;
    std::optional<std::errc> error;
  };
  Socket* get(UdpFd fd);
  const Socket* get(UdpFd fd) const;
  std::expected<void, std::errc> auto_bind(Socket& s, UdpFd fd);
  [[nodiscard]] tcp::Endpoint effective_local(const Socket& s) const;
  std::expected<std::size_t, std::errc> emit(tcp::Endpoint from, tcp::Endpoint to, Bytes payload);
  std::optional<UdpFd> lookup(tcp::Endpoint src, tcp::Endpoint dst) const;
  void notify(UdpFd fd);

  UdpConfig config_;
  Ipv4Addr address_;
  bool any_destination_;
  std::uint16_t mtu_;
  std::uint8_t ttl_;
  PortAllocator ports_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  std::size_t open_ = 0;
  std::unordered_map<tcp::Endpoint, UdpFd> bound_;       // local endpoint → socket
  std::unordered_map<tcp::FourTuple, UdpFd> connected_;  // (local, remote) → socket
  std::optional<UdpFd> any_fd_;
  std::deque<std::vector<std::byte>> out_;
  std::vector<std::byte> current_;
  std::uint16_t ip_id_ = 0;
  std::function<void(UdpFd, std::uint32_t)> callback_;
  std::vector<UdpFd> notify_pending_;
  UdpCounters counters_;
};

}  // namespace synack
