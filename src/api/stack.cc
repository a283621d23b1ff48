// SPDX-License-Identifier: Apache-2.0
// synack::api::Stack: each call forwards to the engine's synack::Stack,
// converting the public value types at the edge.
#include <sys/random.h>

#include <cerrno>
#include <numeric>

#include "api/impl.hpp"
#include "tcp/config.hpp"

namespace synack::api {

using detail::to_internal;
using detail::to_public;

namespace {

static_assert(static_cast<int>(State::kTimeWait) == static_cast<int>(tcp::State::kTimeWait));
static_assert(static_cast<int>(SockOpt::kUserTimeout) ==
              static_cast<int>(synack::SockOpt::kUserTimeout));
static_assert(kPollIn == synack::kPollIn && kPollOut == synack::kPollOut &&
              kPollErr == synack::kPollErr && kPollHup == synack::kPollHup);
static_assert(kMsgPeek == synack::kMsgPeek);

/// 16 bytes from the OS CSPRNG (getrandom(2), blocking only before the
/// kernel's pool is first initialised).
Secret random_secret() {
  Secret s{};
  std::size_t got = 0;
  while (got < s.size()) {
    const ssize_t n = ::getrandom(s.data() + got, s.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::abort();  // no entropy source: refuse to run with a guessable key
    got += static_cast<std::size_t>(n);
  }
  return s;
}

tcp::Config personality(Personality p) {
  switch (p) {
    case Personality::kLinux:
      return tcp::Config::linux_defaults();
    case Personality::kFreeBsd:
      return tcp::Config::freebsd_defaults();
    case Personality::kDefault:
      break;
  }
  return tcp::Config::defaults();
}

}  // namespace

namespace detail {

StackConfig to_internal(const Config& c) {
  StackConfig s;
  s.address = Ipv4Addr{c.address.value};
  s.mtu = c.mtu;
  s.ttl = c.ttl;
  s.max_connections = c.max_connections;
  s.max_time_wait = c.max_time_wait;
  s.tcp = personality(c.personality);
  if (c.rcv_buf != 0) s.tcp.rcv_buf = c.rcv_buf;
  if (c.snd_buf != 0) s.tcp.snd_buf = c.snd_buf;
  if (c.secret) {
    s.tcp.isn_secret = *c.secret;
    s.secret = *c.secret;
    s.secret[0] ^= 0x5a;  // a distinct demux/port key derived from the same secret
  } else {
    s.tcp.isn_secret = random_secret();
    s.secret = random_secret();
  }
  return s;
}

api::Stack StackImpl::borrow(synack::Stack& s) {
  auto impl = std::make_unique<StackImpl>();
  impl->stack = &s;
  return api::Stack(std::move(impl));
}

}  // namespace detail

Stack::Stack(const Config& config) : impl_(std::make_unique<detail::StackImpl>()) {
  impl_->owned = std::make_unique<synack::Stack>(to_internal(config));
  impl_->stack = impl_->owned.get();
}
Stack::Stack(std::unique_ptr<detail::StackImpl> impl) : impl_(std::move(impl)) {}
Stack::~Stack() = default;
Stack::Stack(Stack&&) noexcept = default;
Stack& Stack::operator=(Stack&&) noexcept = default;

void Stack::receive(std::span<const std::byte> packet, Instant now) {
  impl_->stack->receive(packet, to_internal(now));
}
std::optional<std::span<const std::byte>> Stack::poll_transmit(Instant now) {
  return impl_->stack->poll_transmit(to_internal(now));
}
Instant Stack::next_deadline() const {
  return to_public(impl_->stack->next_deadline());
}
void Stack::on_timeout(Instant now) {
  impl_->stack->on_timeout(to_internal(now));
}

std::expected<Fd, std::errc> Stack::socket() {
  return impl_->stack->socket();
}
std::expected<void, std::errc> Stack::bind(Fd fd, Endpoint local) {
  return impl_->stack->bind(fd, to_internal(local));
}
std::expected<void, std::errc> Stack::listen(Fd fd, int backlog, Instant now) {
  return impl_->stack->listen(fd, backlog, to_internal(now));
}
std::expected<Fd, std::errc> Stack::accept(Fd fd, Endpoint* peer) {
  tcp::Endpoint p;
  auto r = impl_->stack->accept(fd, &p);
  if (r && peer != nullptr) *peer = to_public(p);
  return r;
}
std::expected<void, std::errc> Stack::connect(Fd fd, Endpoint remote, Instant now) {
  return impl_->stack->connect(fd, to_internal(remote), to_internal(now));
}
std::expected<std::size_t, std::errc> Stack::send(Fd fd, std::span<const std::byte> data,
                                                  Instant now) {
  return impl_->stack->send(fd, data, to_internal(now));
}
std::expected<std::size_t, std::errc> Stack::recv(Fd fd, std::span<std::byte> out, Instant now,
                                                  int flags) {
  return impl_->stack->recv(fd, out, flags, to_internal(now));
}
std::expected<void, std::errc> Stack::shutdown(Fd fd, ShutdownHow how, Instant now) {
  return impl_->stack->shutdown(fd, static_cast<synack::ShutdownHow>(how), to_internal(now));
}
std::expected<void, std::errc> Stack::close(Fd fd, Instant now) {
  return impl_->stack->close(fd, to_internal(now));
}
std::expected<int, std::errc> Stack::getsockopt(Fd fd, SockOpt opt) const {
  return impl_->stack->getsockopt(fd, static_cast<synack::SockOpt>(opt));
}
std::expected<void, std::errc> Stack::setsockopt(Fd fd, SockOpt opt, int value, Instant now) {
  return impl_->stack->setsockopt(fd, static_cast<synack::SockOpt>(opt), value, to_internal(now));
}
std::expected<void, std::errc> Stack::set_congestion(Fd fd, std::string_view name) {
  return impl_->stack->set_congestion(fd, name);
}

std::expected<TcpInfo, std::errc> Stack::tcp_info(Fd fd, Instant now) const {
  auto r = impl_->stack->tcp_info(fd, to_internal(now));
  if (!r) return std::unexpected(r.error());
  const tcp::Info& i = *r;
  return TcpInfo{.state = to_public(i.state),
                 .rto_us = i.rto,
                 .srtt_us = i.rtt,
                 .rttvar_us = i.rttvar,
                 .snd_mss = i.snd_mss,
                 .rcv_mss = i.rcv_mss,
                 .snd_cwnd = i.snd_cwnd,
                 .snd_cwnd_bytes = i.snd_cwnd_bytes,
                 .snd_wnd = i.snd_wnd,
                 .rcv_wnd = i.rcv_wnd,
                 .unacked = i.unacked,
                 .retransmits = i.retransmits,
                 .total_retrans = i.total_retrans,
                 .bytes_acked = i.bytes_acked,
                 .bytes_received = i.bytes_received,
                 .segs_out = i.segs_out,
                 .segs_in = i.segs_in,
                 .delivery_rate = i.delivery_rate};
}

std::expected<Endpoint, std::errc> Stack::local_endpoint(Fd fd) const {
  auto r = impl_->stack->endpoints(fd);
  if (!r) return std::unexpected(r.error());
  return to_public(r->local);
}
std::expected<Endpoint, std::errc> Stack::remote_endpoint(Fd fd) const {
  auto r = impl_->stack->endpoints(fd);
  if (!r) return std::unexpected(r.error());
  if (r->remote == tcp::Endpoint{}) return std::unexpected(std::errc::not_connected);
  return to_public(r->remote);
}

std::uint32_t Stack::poll(Fd fd) const {
  return impl_->stack->poll(fd);
}
void Stack::set_callback(ReadinessCallback callback) {
  impl_->stack->set_callback(std::move(callback));
}

Ipv4Address Stack::address() const {
  return {impl_->stack->config().address.value};
}
Counters Stack::counters() const {
  const StackCounters& c = impl_->stack->counters();
  return Counters{.ip_in = c.ip_in,
                  .ip_out = c.ip_out,
                  .tcp_in = c.tcp_in,
                  .tcp_out = c.tcp_out,
                  .rst_out = c.rst_out,
                  .icmp_in = c.icmp_in,
                  .icmp_out = c.icmp_out,
                  .dropped = std::accumulate(c.drops.begin(), c.drops.end(), std::uint64_t{0})};
}
std::vector<std::pair<std::string, std::uint64_t>> Stack::stats() const {
  return impl_->stack->stats();
}
std::size_t Stack::count_in_state(State state) const {
  return impl_->stack->count_in_state(to_internal(state));
}

}  // namespace synack::api
