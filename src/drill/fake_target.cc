// SPDX-License-Identifier: Apache-2.0
// The test fake (see fake_target.hpp).
#include "drill/fake_target.hpp"

namespace synack::drill::testing {

void FakeTarget::reset(const TargetSetup& s) {
  setup = s;
  ++resets;
  now_ = s.start;
}

void FakeTarget::send_at(Instant at, std::vector<std::byte> packet) {
  if (at <= now_) {
    queue_.push_back({now_, std::move(packet)});
    return;
  }
  add_timer(at, [at, p = std::move(packet)](FakeTarget& f) { f.queue_.push_back({at, p}); });
}

void FakeTarget::add_timer(Instant at, std::function<void(FakeTarget&)> f) {
  timers_.emplace(at, std::move(f));
}

void FakeTarget::advance_to(Instant t) {
  while (!timers_.empty() && timers_.begin()->first <= t) {
    auto node = timers_.extract(timers_.begin());
    now_ = std::max(now_, node.key());
    node.mapped()(*this);
  }
  now_ = std::max(now_, t);
}

Instant FakeTarget::next_event() const {
  return timers_.empty() ? kNever : timers_.begin()->first;
}

void FakeTarget::inject(Bytes ipv4_packet) {
  injected.emplace_back(ipv4_packet.begin(), ipv4_packet.end());
  injected_at.push_back(now_);
  if (!on_inject) return;
  if (auto parsed = parse_ipv4_tcp(Bytes(injected.back()))) on_inject(*this, *parsed);
}

std::optional<OutboundPacket> FakeTarget::next_outbound() {
  if (queue_.empty()) return std::nullopt;
  OutboundPacket p = std::move(queue_.front());
  queue_.erase(queue_.begin());
  return p;
}

SysResult FakeTarget::call(std::string name, int fd, std::int64_t arg, SysResult fallback) {
  calls.push_back({std::move(name), fd, arg, now_});
  if (on_call) {
    if (auto r = on_call(*this, calls.back())) return *r;
  }
  return fallback;
}

SysResult FakeTarget::socket(bool nonblock) {
  const int fd = next_fd_;
  const SysResult r = call("socket", -1, nonblock, SysResult::ok(fd));
  if (r.ret == fd) {
    ++next_fd_;
    nonblocking[fd] = nonblock;
  }
  return r;
}

SysResult FakeTarget::accept(int fd) {
  const int child = next_fd_;
  const SysResult r = call("accept", fd, 0, SysResult::ok(child));
  if (r.ret == child) ++next_fd_;
  return r;
}

SysResult FakeTarget::get_nonblocking(int fd) {
  return call("get_nonblocking", fd, 0, SysResult::ok(nonblocking[fd] ? 1 : 0));
}

SysResult FakeTarget::set_nonblocking(int fd, bool on) {
  const SysResult r = call("set_nonblocking", fd, on);
  if (r.ret == 0) nonblocking[fd] = on;
  return r;
}

SysResult FakeTarget::getsockopt(int fd, SockOpt opt, std::int64_t* value) {
  const SysResult r = call("getsockopt", fd, static_cast<std::int64_t>(opt));
  *value = sockopt_values[opt];
  return r;
}

bool FakeTarget::set_knob(Knob knob, std::int64_t value) {
  knobs.emplace_back(knob, value);
  return !rejected_knobs.contains(knob);
}

std::vector<std::byte> stack_packet(const StackSegment& s) {
  TcpSegment seg;
  seg.src_port = s.src_port;
  seg.dst_port = s.dst_port;
  seg.seq = SeqNum(s.seq);
  seg.ack = SeqNum(s.ack);
  seg.flags = TcpFlags{s.flags};
  seg.window = s.window;
  seg.options = s.options;
  const std::vector<std::byte> payload(s.payload, std::byte{0});
  seg.payload = Bytes(payload);
  Ipv4Header ip;
  ip.src = Ipv4Addr::from_octets(192, 168, 0, 1);
  ip.dst = Ipv4Addr::from_octets(192, 0, 2, 1);
  ip.tos = s.tos;
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  out.resize(emit_ipv4_tcp(MutableBytes(out), ip, seg));
  return out;
}

}  // namespace synack::drill::testing
