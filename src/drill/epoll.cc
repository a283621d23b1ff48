// SPDX-License-Identifier: Apache-2.0
// epoll (Linux) in the runner: epoll_create, epoll_ctl and epoll_wait with a
// zero timeout, over the target's readiness (Target::readiness). An epoll
// instance is the runner's own object, never the target's. Level-triggered
// entries report their readiness at every wait; EPOLLET entries report it
// only after a wakeup: ADD/MOD, new data (tcpi_bytes_received grew, Linux's
// sk_data_ready) or a readiness bit that was not set at the last look
// (state change, send space). EPOLLONESHOT disarms an entry after it reports.
// See docs/conformance.md "The Linux suite".
#include <fmt/core.h>

#include <array>
#include <cerrno>
#include <string>

#include "drill/run_state.hpp"

namespace synack::drill::detail {

namespace {

struct EpollName {
  std::string_view name;
  std::uint32_t value;
};

// <sys/epoll.h>; the readiness bits are <poll.h>'s.
constexpr std::array<EpollName, 12> kEpollNames{{
    {"EPOLLIN", 0x001},
    {"EPOLLPRI", 0x002},
    {"EPOLLOUT", 0x004},
    {"EPOLLERR", 0x008},
    {"EPOLLHUP", 0x010},
    {"EPOLLRDNORM", 0x040},
    {"EPOLLWRNORM", 0x100},
    {"EPOLLRDHUP", 0x2000},
    {"EPOLLEXCLUSIVE", 1U << 28},
    {"EPOLLWAKEUP", 1U << 29},
    {"EPOLLONESHOT", 1U << 30},
    {"EPOLLET", 1U << 31},
}};

constexpr std::uint32_t kEpollEt = 1U << 31;
constexpr std::uint32_t kEpollOneShot = 1U << 30;
constexpr std::uint32_t kAlwaysReported = 0x008 | 0x010;  // EPOLLERR, EPOLLHUP
constexpr std::uint32_t kEventBits = 0xffff;

std::optional<std::uint32_t> epoll_value(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kInteger:
      return static_cast<std::uint32_t>(e.integer);
    case Expr::Kind::kSymbol:
      for (const auto& n : kEpollNames) {
        if (n.name == e.text) return n.value;
      }
      return std::nullopt;
    case Expr::Kind::kOr: {
      std::uint32_t v = 0;
      for (const Expr& item : e.items) {
        const auto bit = epoll_value(item);
        if (!bit) return std::nullopt;
        v |= *bit;
      }
      return v;
    }
    default:
      return std::nullopt;
  }
}

std::string epoll_names(std::uint32_t mask) {
  std::string out;
  for (const auto& n : kEpollNames) {
    if ((mask & n.value) == 0) continue;
    out += out.empty() ? "" : "|";
    out += n.name;
    mask &= ~n.value;
  }
  if (mask != 0) out += fmt::format("{}{:#x}", out.empty() ? "" : "|", mask);
  return out.empty() ? "0" : out;
}

}  // namespace

SysResult Run::issue_epoll(const Event& ev, const std::string& name) {
  if (name == "epoll_create" || name == "epoll_create1") {
    const auto& call = std::get<SyscallEvent>(ev.body);
    if (call.ret.kind != Expr::Kind::kInteger || call.ret.integer < 0) {
      skip(ev.line, fmt::format("unsupported {} result {}", name, call.ret.to_string()));
    }
    const int script_fd = static_cast<int>(call.ret.integer);
    epolls_[script_fd].clear();
    return SysResult::ok(script_fd);
  }
  if (name == "epoll_ctl") return epoll_ctl(ev);
  return epoll_wait(ev);
}

// epoll_ctl(EPFD, EPOLL_CTL_ADD|MOD|DEL, FD, {events=MASK, fd=N | ptr=N}).
SysResult Run::epoll_ctl(const Event& ev) {
  const Expr& epfd = arg(*this, ev, 0);
  const auto ep = epolls_.find(static_cast<int>(epfd.integer));
  if (epfd.kind != Expr::Kind::kInteger || ep == epolls_.end()) return SysResult::error(EBADF);
  const Expr& op = arg(*this, ev, 1);
  const int fd = live_fd(ev, arg(*this, ev, 2));
  if (!target_.readiness(fd)) {
    if (!target_.tcp_info(fd)) return SysResult::error(EBADF);
    skip(ev.line, "epoll: the target cannot report readiness");
  }
  auto& entries = ep->second;
  const auto it = entries.find(fd);
  if (op.kind == Expr::Kind::kSymbol && op.text == "EPOLL_CTL_DEL") {
    if (it == entries.end()) return SysResult::error(ENOENT);
    entries.erase(it);
    return SysResult::ok(0);
  }
  const bool add = op.kind == Expr::Kind::kSymbol && op.text == "EPOLL_CTL_ADD";
  if (!add && !(op.kind == Expr::Kind::kSymbol && op.text == "EPOLL_CTL_MOD")) {
    skip(ev.line, fmt::format("unsupported epoll_ctl operation {}", op.to_string()));
  }
  if (add == (it != entries.end())) return SysResult::error(add ? EEXIST : ENOENT);
  const Expr& event = arg(*this, ev, 3);
  const Expr* events = field(event, "events");
  const auto mask = events != nullptr ? epoll_value(*events) : std::nullopt;
  if (!mask || event.items.size() != 2 || event.items[1].kind != Expr::Kind::kInteger) {
    skip(ev.line, fmt::format("unsupported epoll_event {}", event.to_string()));
  }
  EpollEntry& e = entries[fd];
  e.events = *mask;
  e.data = event.items[1].integer;
  e.pending = true;
  return SysResult::ok(0);
}

// epoll_wait(EPFD, {events=MASK, fd=N}, MAXEVENTS, 0): the ready entries, in
// fd order; the expected event is checked against the first (check_call).
SysResult Run::epoll_wait(const Event& ev) {
  const Expr& epfd = arg(*this, ev, 0);
  const auto ep = epolls_.find(static_cast<int>(epfd.integer));
  if (epfd.kind != Expr::Kind::kInteger || ep == epolls_.end()) return SysResult::error(EBADF);
  const std::int64_t max_events = eval(ev, arg(*this, ev, 2));
  if (max_events <= 0) return SysResult::error(EINVAL);
  if (eval(ev, arg(*this, ev, 3)) != 0) skip(ev.line, "epoll_wait with a timeout");
  got_events_.clear();
  for (auto& [fd, e] : ep->second) {
    const std::uint32_t ready = target_.readiness(fd).value_or(0);
    std::int64_t bytes_in = e.bytes_in;
    if (const auto info = target_.tcp_info(fd)) {
      for (const auto& [name, value] : info->fields) {
        if (name == "tcpi_bytes_received") bytes_in = value;
      }
    }
    const std::uint32_t mask = ready & ((e.events & kEventBits) | kAlwaysReported);
    const bool woken = e.pending || (ready & ~e.seen) != 0 || bytes_in > e.bytes_in;
    const bool report = mask != 0 && (e.events & kEpollEt ? woken : true) &&
                        static_cast<std::int64_t>(got_events_.size()) < max_events;
    e.seen = ready;
    e.bytes_in = bytes_in;
    e.pending = false;
    if (!report) continue;
    got_events_.push_back(EpollEvent{mask, e.data});
    if (e.events & kEpollOneShot) e.events &= ~kEventBits;
  }
  return SysResult::ok(static_cast<std::int64_t>(got_events_.size()));
}

void Run::check_epoll_event(const Event& ev) {
  if (got_events_.empty()) return;
  const Expr& want = arg(*this, ev, 1);
  const Expr* events = field(want, "events");
  const auto mask = events != nullptr ? epoll_value(*events) : std::nullopt;
  if (!mask || want.items.size() != 2 || want.items[1].kind != Expr::Kind::kInteger) {
    skip(ev.line, fmt::format("unsupported epoll_event {}", want.to_string()));
  }
  const EpollEvent& got = got_events_.front();
  if (got.events != *mask || got.data != want.items[1].integer) {
    fail(ev.line, fmt::format("runtime error in epoll_wait call: Bad epoll_event: expected: "
                              "{{events={}, {}={}}} actual: {{events={}, {}={}}}",
                              epoll_names(*mask), want.fields[1], want.items[1].integer,
                              epoll_names(got.events), want.fields[1], got.data));
  }
}

}  // namespace synack::drill::detail
