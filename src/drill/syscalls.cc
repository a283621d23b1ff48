// SPDX-License-Identifier: Apache-2.0
// System calls of a script run: script arguments → Target calls, and the
// returned values → packetdrill's runtime errors. See executor.hpp.
#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "drill/emulation.hpp"
#include "drill/run_state.hpp"

namespace synack::drill::detail {

namespace {

bool mentions(const Expr& e, std::string_view symbol) {
  if (e.kind == Expr::Kind::kSymbol) return e.text == symbol;
  for (const Expr& item : e.items) {
    if (mentions(item, symbol)) return true;
  }
  return false;
}

// SO_LINGER's {onoff, linger} (either spelling) → seconds, or −1 for off.
std::optional<std::int64_t> linger_seconds(const Expr& e) {
  if (e.kind != Expr::Kind::kStruct || e.items.size() != 2) return std::nullopt;
  if (e.items[0].kind != Expr::Kind::kInteger || e.items[1].kind != Expr::Kind::kInteger) {
    return std::nullopt;
  }
  return e.items[0].integer != 0 ? e.items[1].integer : -1;
}

std::string describe_errno(int err) {
  return err == 0 ? "0" : fmt::format("{} ({})", errno_name(err), std::strerror(err));
}

}  // namespace

const Expr& arg(const Run& run, const Event& ev, std::size_t i) {
  const auto& call = std::get<SyscallEvent>(ev.body);
  if (i >= call.args.size()) {
    run.fail(ev.line, fmt::format("{} needs at least {} arguments", call.name, i + 1));
  }
  return call.args[i];
}

// The struct field named `name` (e.g. "msg_iov(1)" matched by "msg_iov"), or nullptr.
const Expr* field(const Expr& e, std::string_view name) {
  if (e.kind != Expr::Kind::kStruct) return nullptr;
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const std::string& f = e.fields[i];
    if (f == name || (f.starts_with(name) && f.size() > name.size() && f[name.size()] == '(')) {
      return &e.items[i];
    }
  }
  return nullptr;
}

int Run::live_fd(const Event& ev, const Expr& e) const {
  if (e.kind != Expr::Kind::kInteger)
    fail(ev.line, fmt::format("bad descriptor {}", e.to_string()));
  const auto it = fds_.find(static_cast<int>(e.integer));
  // An fd the script never opened goes to the target as is (it reports EBADF).
  return it == fds_.end() ? static_cast<int>(1'000'000 + e.integer) : it->second;
}

std::int64_t Run::eval(const Event& ev, const Expr& e) const {
  switch (e.kind) {
    case Expr::Kind::kInteger:
      return e.integer;
    case Expr::Kind::kSymbol: {
      const auto v = constant_value(e.text, options_.personality);
      if (!v) skip(ev.line, fmt::format("unknown constant {}", e.text));
      return *v;
    }
    case Expr::Kind::kOr: {
      std::int64_t v = 0;
      for (const Expr& item : e.items) v |= eval(ev, item);
      return v;
    }
    case Expr::Kind::kList:
      if (e.items.size() == 1) return eval(ev, e.items[0]);
      break;
    default:
      break;
  }
  skip(ev.line, fmt::format("unsupported argument {}", e.to_string()));
}

SysResult Run::issue_sockopt(const Event& ev, const SyscallEvent& call, bool set) {
  const int fd = live_fd(ev, arg(*this, ev, 0));
  const std::string& opt_name = arg(*this, ev, 2).text;
  if (opt_name == "TCP_INQ" || opt_name == "TCP_NOTSENT_LOWAT") {
    return issue_runner_option(ev, fd, opt_name, set);
  }
  const SockOpt opt = *sockopt_for(opt_name);
  if (!target_.supports(opt)) {
    skip(ev.line, fmt::format("target does not support socket option {}", opt_name));
  }
  const Expr& value = arg(*this, ev, 3);
  if (set) {
    std::int64_t v = 0;
    if (auto linger = linger_seconds(value)) {
      v = *linger;
    } else {
      v = eval(ev, value);
    }
    return target_.setsockopt(fd, opt, v);
  }
  (void)call;
  return target_.getsockopt(fd, opt, &got_value_);
}

SysResult Run::issue(const Event& ev, bool retry) {
  const auto& call = std::get<SyscallEvent>(ev.body);
  const std::string& name = call.name;
  if (name == "socket") return target_.socket(mentions(arg(*this, ev, 1), "SOCK_NONBLOCK"));
  if (name == "getsockopt" || name == "setsockopt") {
    return issue_sockopt(ev, call, name == "setsockopt");
  }
  if (name.starts_with("epoll_")) return issue_epoll(ev, name);
  if (name == "close" && epolls_.erase(static_cast<int>(arg(*this, ev, 0).integer)) != 0) {
    return SysResult::ok(0);
  }
  const int fd = live_fd(ev, arg(*this, ev, 0));
  if (name == "bind") return target_.bind(fd, options_.local_addr, options_.bind_port);
  if (name == "listen") {
    const SysResult r = target_.listen(fd, static_cast<int>(eval(ev, arg(*this, ev, 1))));
    if (!retry && r.ret == 0) conn_ = Connection{Connection::Kind::kListening, {}, {}};
    return r;
  }
  if (name == "accept") return target_.accept(fd);
  if (name == "connect") {
    if (!retry) {
      conn_ = Connection{};
      conn_.kind = Connection::Kind::kConnecting;
      conn_.ends = {options_.local_addr, options_.remote_addr, 0, options_.connect_port};
    }
    return target_.connect(fd, options_.remote_addr, options_.connect_port);
  }
  if (name == "read" || name == "recv") {
    const auto len = static_cast<std::size_t>(eval(ev, arg(*this, ev, 2)));
    const std::int64_t flags = name == "recv" ? eval(ev, arg(*this, ev, 3)) : 0;
    const std::int64_t peek = *constant_value("MSG_PEEK", options_.personality);
    if ((flags & ~peek) != 0) skip(ev.line, fmt::format("unsupported recv flags {}", flags));
    return target_.recv(fd, len, (flags & peek) != 0);
  }
  if (name == "write" || name == "send" || name == "sendto") {
    const auto len = static_cast<std::size_t>(eval(ev, arg(*this, ev, 2)));
    if (name != "write" && eval(ev, arg(*this, ev, 3)) != 0) {
      skip(ev.line, fmt::format("unsupported {} flags", name));
    }
    const std::vector<std::byte> zeros(len, std::byte{0});
    return target_.send(fd, Bytes(zeros));
  }
  if (name == "shutdown")
    return target_.shutdown(fd, static_cast<int>(eval(ev, arg(*this, ev, 1))));
  if (name == "close") {
    const SysResult r = target_.close(fd);
    if (!retry && r.ret == 0) {
      fds_.erase(static_cast<int>(arg(*this, ev, 0).integer));
      for (auto& [epfd, entries] : epolls_) entries.erase(fd);  // closing deregisters
    }
    return r;
  }
  if (name == "fcntl") return issue_fcntl(ev, fd);
  if (name == "sendmsg" || name == "recvmsg") return issue_msg(ev, fd, name == "sendmsg");
  if (name == "ioctl") {
    const Expr& req = arg(*this, ev, 1);
    if (req.kind != Expr::Kind::kSymbol || (req.text != "SIOCINQ" && req.text != "FIONREAD")) {
      skip(ev.line, fmt::format("unsupported ioctl {}", req.to_string()));
    }
    const std::int64_t n = readable_bytes(fd);
    if (n < 0) return SysResult::error(static_cast<int>(-n));
    got_value_ = n;
    return SysResult::ok(0);
  }
  skip(ev.line, fmt::format("unsupported system call {}", name));
}

// sendmsg/recvmsg with a msghdr: the iovecs' total length, no control
// messages, flags 0 (MSG_PEEK for recvmsg).
SysResult Run::issue_msg(const Event& ev, int fd, bool send) {
  const Expr& msg = arg(*this, ev, 1);
  const Expr* iov = field(msg, "msg_iov");
  if (iov == nullptr || iov->kind != Expr::Kind::kList) {
    skip(ev.line, fmt::format("unsupported msghdr {}", msg.to_string()));
  }
  std::int64_t len = 0;
  for (const Expr& v : iov->items) {
    if (v.kind != Expr::Kind::kStruct || v.items.size() != 2) {
      skip(ev.line, fmt::format("unsupported iovec {}", v.to_string()));
    }
    len += eval(ev, v.items[1]);
  }
  const Expr* control = field(msg, "msg_control");
  const bool inq = control != nullptr && control->kind != Expr::Kind::kEllipsis;
  if (inq && (send || !expected_inq(*control))) {
    skip(ev.line, fmt::format("unsupported control message {}", control->to_string()));
  }
  const std::int64_t flags = eval(ev, arg(*this, ev, 2));
  const std::int64_t peek = *constant_value("MSG_PEEK", options_.personality);
  if (flags != 0 && (send || flags != peek)) {
    skip(ev.line, fmt::format("unsupported {} flags {}", send ? "sendmsg" : "recvmsg",
                              arg(*this, ev, 2).to_string()));
  }
  if (!send) {
    const SysResult r = target_.recv(fd, static_cast<std::size_t>(len), flags == peek);
    if (inq && !r.would_block && r.ret >= 0) {
      const std::int64_t left = readable_bytes(fd);
      // Linux's tcp_inq_hint: 1 when nothing is left but the peer's FIN.
      got_inq_ = left == 0 && target_.recv(fd, 1, /*peek=*/true).ret == 0
                     ? 1
                     : std::max<std::int64_t>(left, 0);
    }
    return r;
  }
  const std::vector<std::byte> zeros(static_cast<std::size_t>(len), std::byte{0});
  return target_.send(fd, Bytes(zeros));
}

// Socket options the runner keeps itself; the target is not asked.
// TCP_INQ (Linux): on (1) adds a TCP_CM_INQ control message, the bytes left
// to read, to each recvmsg. TCP_NOTSENT_LOWAT (Linux): only "no limit" —
// 0xffffffff, or 0 (the sysctl's default, which the runner only accepts as
// 4294967295) — is what synack does; another value SKIPs.
SysResult Run::issue_runner_option(const Event& ev, int fd, const std::string& name, bool set) {
  if (!target_.tcp_info(fd)) return SysResult::error(EBADF);
  const auto key = std::make_pair(fd, name);
  if (!set) {
    const auto it = runner_opts_.find(key);
    got_value_ = it == runner_opts_.end() ? 0 : it->second;
    return SysResult::ok(0);
  }
  std::int64_t v = eval(ev, arg(*this, ev, 3));
  if (name == "TCP_INQ") v = v != 0 ? 1 : 0;
  if (name == "TCP_NOTSENT_LOWAT" && v != 0 && v != 0xffffffffLL) {
    skip(ev.line, fmt::format("TCP_NOTSENT_LOWAT {}: synack has no not-sent low-water mark", v));
  }
  runner_opts_[key] = v;
  return SysResult::ok(0);
}

// `[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=N}]` → N; nullopt for
// any other control message.
std::optional<std::int64_t> Run::expected_inq(const Expr& control) const {
  if (control.kind != Expr::Kind::kList || control.items.size() != 1) return std::nullopt;
  const Expr& cmsg = control.items[0];
  const Expr* type = field(cmsg, "cmsg_type");
  const Expr* data = field(cmsg, "cmsg_data");
  if (type == nullptr || type->kind != Expr::Kind::kSymbol || type->text != "TCP_CM_INQ" ||
      data == nullptr || data->kind != Expr::Kind::kInteger) {
    return std::nullopt;
  }
  return data->integer;
}

// Bytes ready to read (SIOCINQ), as a peek of everything queued sees them:
// 0 at EOF or when nothing is queued; −errno on error.
std::int64_t Run::readable_bytes(int fd) {
  const SysResult r = target_.recv(fd, std::size_t{64} << 20, /*peek=*/true);
  if (r.would_block || r.err == EAGAIN) return 0;
  return r.ret < 0 ? -r.err : r.ret;
}

void Run::check_inq(const Event& ev) {
  const Expr* control = field(arg(*this, ev, 1), "msg_control");
  if (control == nullptr || control->kind == Expr::Kind::kEllipsis) return;
  const std::int64_t want = *expected_inq(*control);
  const auto on = runner_opts_.find({live_fd(ev, arg(*this, ev, 0)), "TCP_INQ"});
  if (on == runner_opts_.end() || on->second == 0) {
    fail(ev.line,
         "runtime error in recvmsg call: expected a TCP_CM_INQ control message, "
         "but TCP_INQ is off");
  }
  if (got_inq_ != want) {
    fail(ev.line, fmt::format("runtime error in recvmsg call: Bad TCP_CM_INQ: expected: {} "
                              "actual: {}",
                              want, got_inq_));
  }
}

SysResult Run::issue_fcntl(const Event& ev, int fd) {
  const auto p = options_.personality;
  const std::int64_t cmd = eval(ev, arg(*this, ev, 1));
  const std::int64_t rdwr = *constant_value("O_RDWR", p);
  const std::int64_t nonblock = *constant_value("O_NONBLOCK", p);
  if (cmd == *constant_value("F_GETFL", p)) {
    SysResult r = target_.get_nonblocking(fd);
    if (r.ret >= 0) r.ret = rdwr | (r.ret != 0 ? nonblock : 0);
    return r;
  }
  if (cmd == *constant_value("F_SETFL", p)) {
    const std::int64_t flags = eval(ev, arg(*this, ev, 2));
    if ((flags & ~(rdwr | nonblock)) != 0) {
      skip(ev.line, fmt::format("unsupported fcntl flags {:#x}", flags));
    }
    return target_.set_nonblocking(fd, (flags & nonblock) != 0);
  }
  skip(ev.line, fmt::format("unsupported fcntl command {}", cmd));
}

void Run::check_call(const Event& ev, const SysResult& r) {
  const auto& call = std::get<SyscallEvent>(ev.body);
  if (call.ret.kind != Expr::Kind::kEllipsis) {
    const std::int64_t want = eval(ev, call.ret);
    const bool new_fd = call.name == "socket" || call.name == "accept";
    const bool ok = new_fd && want >= 0 ? r.ret >= 0 : r.ret == want;
    if (!ok) {
      fail(ev.line, fmt::format("runtime error in {} call: Expected result {} but got {} with "
                                "errno {}",
                                call.name, want, r.ret, describe_errno(r.err)));
    }
    if (new_fd && want >= 0) {
      fds_[static_cast<int>(want)] = static_cast<int>(r.ret);
      fd_under_test_ = static_cast<int>(want);
      if (call.name == "socket") conn_ = Connection{};
    }
    if (want == -1 && call.errno_name) {
      const auto err = errno_value(*call.errno_name);
      if (!err) skip(ev.line, fmt::format("unknown errno {}", *call.errno_name));
      if (r.err != *err) {
        fail(ev.line, fmt::format("runtime error in {} call: Expected errno {} but got {}",
                                  call.name, describe_errno(*err), describe_errno(r.err)));
      }
    }
  }
  if ((call.name == "getsockopt" || call.name == "ioctl") && r.ret == 0) {
    check_sockopt_value(ev, call);
  }
  if (call.name == "recvmsg" && r.ret >= 0) check_inq(ev);
  if (call.name == "epoll_wait" && r.ret > 0) check_epoll_event(ev);
}

void Run::check_sockopt_value(const Event& ev, const SyscallEvent& call) {
  const Expr& value = arg(*this, ev, call.name == "ioctl" ? 2 : 3);
  if (value.kind == Expr::Kind::kEllipsis) return;
  std::int64_t want = 0;
  if (auto linger = linger_seconds(value)) {
    want = *linger;
  } else {
    want = eval(ev, value);
  }
  if (want == got_value_) return;
  const bool is_errno =
      call.name == "getsockopt" && sockopt_for(arg(*this, ev, 2).text) == SockOpt::kError;
  const auto show = [&](std::int64_t v) {
    return is_errno ? errno_name(static_cast<int>(v)) : std::to_string(v);
  };
  fail(ev.line, fmt::format("runtime error in {} call: Bad {} optval: expected: {} "
                            "actual: {}",
                            call.name, call.name, show(want), show(got_value_)));
}

}  // namespace synack::drill::detail
