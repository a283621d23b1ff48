// SPDX-License-Identifier: Apache-2.0
// UDP sockets (udp_sockets.hpp): descriptors, bind/connect, the send queue
// and per-socket receive queues, demultiplexing, ICMP errors.
#include "stack/udp_sockets.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "stack/unicast.hpp"

namespace synack {
namespace {

std::unexpected<std::errc> fail(std::errc e) {
  return std::unexpected(e);
}

}  // namespace

UdpSockets::UdpSockets(UdpConfig config, Ipv4Addr address, bool any_destination, std::uint16_t mtu,
                       std::uint8_t ttl, SipKey secret, PortAllocator::Range ports)
    : config_(config),
      address_(address),
      any_destination_(any_destination),
      mtu_(mtu),
      ttl_(ttl),
      ports_(secret, ports) {}

UdpSockets::Socket* UdpSockets::get(UdpFd fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= sockets_.size()) return nullptr;
  return sockets_[static_cast<std::size_t>(fd)].get();
}

const UdpSockets::Socket* UdpSockets::get(UdpFd fd) const {
  return const_cast<UdpSockets*>(this)->get(fd);
}

std::expected<UdpFd, std::errc> UdpSockets::socket() {
  if (open_ >= config_.max_sockets) return fail(std::errc::too_many_files_open);
  std::size_t fd = 0;
  while (fd < sockets_.size() && sockets_[fd]) ++fd;
  if (fd == sockets_.size()) sockets_.emplace_back();
  sockets_[fd] = std::make_unique<Socket>();
  ++open_;
  return static_cast<UdpFd>(fd);
}

std::expected<void, std::errc> UdpSockets::bind(UdpFd fd, tcp::Endpoint local) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (s->local || s->any) return fail(std::errc::invalid_argument);
  if (local.is_v6()) return fail(std::errc::address_family_not_supported);  // IPv4 only
  if (!is_unspecified(local.addr) && local.addr != IpAddr{address_} && !any_destination_) {
    return fail(std::errc::address_not_available);
  }
  const auto taken = [&](tcp::Endpoint e) {
    return bound_.contains(e) || bound_.contains({Ipv4Addr{}, e.port}) ||
           (is_unspecified(e.addr) &&
            std::ranges::any_of(bound_, [&](const auto& b) { return b.first.port == e.port; }));
  };
  if (local.port == 0) {
    auto port = ports_.pick(local.addr, Ipv4Addr{}, 0, [&](std::uint16_t p) {
      return taken({local.addr, p});
    });
    if (!port) return fail(port.error());
    local.port = *port;
  } else if (taken(local)) {
    return fail(std::errc::address_in_use);
  }
  s->local = local;
  bound_.emplace(local, fd);
  return {};
}

std::expected<void, std::errc> UdpSockets::bind_any(UdpFd fd) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (!any_destination_ || s->local || s->any) return fail(std::errc::invalid_argument);
  if (any_fd_) return fail(std::errc::address_in_use);
  s->any = true;
  any_fd_ = fd;
  return {};
}

// The source address of what a socket bound to 0.0.0.0 sends: the stack's.
tcp::Endpoint UdpSockets::effective_local(const Socket& s) const {
  tcp::Endpoint l = s.local.value_or(tcp::Endpoint{});
  if (is_unspecified(l.addr)) l.addr = address_;
  return l;
}

std::expected<void, std::errc> UdpSockets::auto_bind(Socket& s, UdpFd fd) {
  if (s.local || s.any) return {};
  return bind(fd, {Ipv4Addr{}, 0});
}

std::expected<void, std::errc> UdpSockets::connect(UdpFd fd, tcp::Endpoint remote) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (s->any) return fail(std::errc::invalid_argument);
  if (remote.is_v6()) return fail(std::errc::address_family_not_supported);
  if (!is_unicast(remote.addr) || remote.port == 0) return fail(std::errc::network_unreachable);
  if (auto r = auto_bind(*s, fd); !r) return r;
  if (s->remote) connected_.erase({effective_local(*s), *s->remote});
  s->remote = remote;
  connected_[{effective_local(*s), remote}] = fd;
  return {};
}

std::expected<std::size_t, std::errc> UdpSockets::sendto(UdpFd fd, Bytes payload,
                                                         std::optional<tcp::Endpoint> to) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (s->any) return fail(std::errc::invalid_argument);  // send_from() says where from
  if (s->error) return fail(*std::exchange(s->error, std::nullopt));
  if (!to) to = s->remote;
  if (!to) return fail(std::errc::destination_address_required);
  if (to->is_v6()) return fail(std::errc::address_family_not_supported);
  if (!is_unicast(to->addr)) return fail(std::errc::network_unreachable);
  if (auto r = auto_bind(*s, fd); !r) return fail(r.error());
  return emit(effective_local(*s), *to, payload);
}

std::expected<std::size_t, std::errc> UdpSockets::send_from(UdpFd fd, Bytes payload,
                                                            tcp::Endpoint from, tcp::Endpoint to) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (!s->any) return fail(std::errc::invalid_argument);
  if (to.is_v6() || from.is_v6()) return fail(std::errc::address_family_not_supported);
  if (!is_unicast(to.addr)) return fail(std::errc::network_unreachable);
  return emit(from, to, payload);
}

std::expected<std::size_t, std::errc> UdpSockets::emit(tcp::Endpoint from, tcp::Endpoint to,
                                                       Bytes payload) {
  // RFC 1122 §4.1.4: no fragmentation here: at most one MTU (EMSGSIZE as with IP_PMTUDISC_DO).
  if (Ipv4Header::kSize + UdpView::kHeaderSize + payload.size() > mtu_) {
    return fail(std::errc::message_size);
  }
  if (out_.size() >= config_.send_queue_datagrams) return fail(std::errc::no_buffer_space);
  const UdpDatagram d{.src_port = from.port, .dst_port = to.port, .payload = payload};
  std::vector<std::byte> packet(Ipv4Header::kSize + d.wire_size());
  emit_ipv4_udp(packet,
                Ipv4Header{.identification = ip_id_++,
                           .ttl = ttl_,
                           .src = std::get<Ipv4Addr>(from.addr),
                           .dst = std::get<Ipv4Addr>(to.addr)},
                d);
  out_.push_back(std::move(packet));
  ++counters_.out;
  return payload.size();
}

std::expected<std::size_t, std::errc> UdpSockets::recvfrom(UdpFd fd, MutableBytes out,
                                                           tcp::Endpoint* from, tcp::Endpoint* to) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (s->error) return fail(*std::exchange(s->error, std::nullopt));
  if (s->queue.empty()) return fail(std::errc::operation_would_block);
  Datagram& d = s->queue.front();
  const std::size_t n = std::min(out.size(), d.payload.size());
  if (n > 0) std::memcpy(out.data(), d.payload.data(), n);
  if (from != nullptr) *from = d.from;
  if (to != nullptr) *to = d.to;
  const std::size_t size = d.payload.size();
  s->queued_bytes -= size;
  s->queue.pop_front();
  return size;
}

std::expected<void, std::errc> UdpSockets::close(UdpFd fd) {
  Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (s->local) {
    if (s->remote) connected_.erase({effective_local(*s), *s->remote});
    bound_.erase(*s->local);
  }
  if (s->any) any_fd_.reset();
  sockets_[static_cast<std::size_t>(fd)].reset();
  --open_;
  return {};
}

std::uint32_t UdpSockets::poll(UdpFd fd) const {
  const Socket* s = get(fd);
  if (s == nullptr) return kPollErr;
  std::uint32_t mask = 0;
  if (!s->queue.empty() || s->error) mask |= kPollIn;
  if (s->error) mask |= kPollErr;
  if (out_.size() < config_.send_queue_datagrams) mask |= kPollOut;
  return mask;
}

std::expected<tcp::FourTuple, std::errc> UdpSockets::endpoints(UdpFd fd) const {
  const Socket* s = get(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  return tcp::FourTuple{s->local.value_or(tcp::Endpoint{}), s->remote.value_or(tcp::Endpoint{})};
}

// Connected (local, remote), then the local endpoint, then 0.0.0.0 on the
// port, then the any-destination socket (RFC 768 demultiplexing by port, as
// Linux's __udp4_lib_lookup scores an exact match above a wildcard).
std::optional<UdpFd> UdpSockets::lookup(tcp::Endpoint src, tcp::Endpoint dst) const {
  if (auto it = connected_.find({dst, src}); it != connected_.end()) return it->second;
  for (const tcp::Endpoint local : {dst, tcp::Endpoint{Ipv4Addr{}, dst.port}}) {
    auto it = bound_.find(local);
    if (it != bound_.end() && !get(it->second)->remote) return it->second;
  }
  return any_fd_;
}

bool UdpSockets::on_datagram(tcp::Endpoint src, tcp::Endpoint dst, Bytes payload) {
  ++counters_.in;
  const auto fd = lookup(src, dst);
  if (!fd) {
    ++counters_.no_port;
    return false;
  }
  Socket& s = *get(*fd);
  if (s.queue.size() >= config_.recv_queue_datagrams ||
      s.queued_bytes + payload.size() > config_.recv_queue_bytes) {
    ++counters_.queue_full;
    return true;
  }
  s.queue.push_back({src, dst, {payload.begin(), payload.end()}});
  s.queued_bytes += payload.size();
  notify(*fd);
  return true;
}

void UdpSockets::on_icmp_error(const IcmpQuote& q, std::uint8_t type, std::uint8_t code) {
  const tcp::FourTuple t{{q.src, q.src_port}, {q.dst, q.dst_port}};
  const auto it = connected_.find(t);
  if (it == connected_.end())
    return;  // unconnected sockets are not told (Linux without IP_RECVERR)
  std::errc e = std::errc::host_unreachable;
  if (type == static_cast<std::uint8_t>(IcmpType::kDestUnreachable)) {
    if (code == static_cast<std::uint8_t>(IcmpUnreachCode::kPort) ||
        code == static_cast<std::uint8_t>(IcmpUnreachCode::kProtocol)) {
      e = std::errc::connection_refused;
    } else if (code == static_cast<std::uint8_t>(IcmpUnreachCode::kNet)) {
      e = std::errc::network_unreachable;
    } else if (code == static_cast<std::uint8_t>(IcmpUnreachCode::kFragNeeded)) {
      e = std::errc::message_size;
    }
  }
  get(it->second)->error = e;
  ++counters_.icmp_errors;
  notify(it->second);
}

std::optional<Bytes> UdpSockets::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  current_ = std::move(out_.front());
  out_.pop_front();
  return Bytes(current_);
}

void UdpSockets::notify(UdpFd fd) {
  if (std::ranges::find(notify_pending_, fd) == notify_pending_.end()) {
    notify_pending_.push_back(fd);
  }
}

void UdpSockets::flush_notifications() {
  if (!callback_) {
    notify_pending_.clear();
    return;
  }
  std::vector<UdpFd> fds;
  fds.swap(notify_pending_);
  for (const UdpFd fd : fds) {
    if (get(fd) != nullptr) callback_(fd, poll(fd));
  }
}

std::size_t UdpSockets::bytes_queued() const {
  std::size_t n = 0;
  for (const auto& s : sockets_) n += s ? s->queued_bytes : 0;
  for (const auto& p : out_) n += p.size();
  return n;
}

}  // namespace synack
