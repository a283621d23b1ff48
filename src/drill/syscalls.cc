// SPDX-License-Identifier: Apache-2.0
// System calls of a script run: script arguments → Target calls, and the
// returned values → packetdrill's runtime errors. See executor.hpp.
#include <fmt/core.h>

#include <cerrno>
#include <cstring>

#include "drill/emulation.hpp"
#include "drill/run_state.hpp"

namespace synack::drill::detail {

namespace {

const Expr& arg(const Run& run, const Event& ev, std::size_t i) {
  const auto& call = std::get<SyscallEvent>(ev.body);
  if (i >= call.args.size()) {
    run.fail(ev.line, fmt::format("{} needs at least {} arguments", call.name, i + 1));
  }
  return call.args[i];
}

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

std::string describe_errno(int err) {
  return err == 0 ? "0" : fmt::format("{} ({})", errno_name(err), std::strerror(err));
}

}  // namespace

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
    if (!retry && r.ret == 0) fds_.erase(static_cast<int>(arg(*this, ev, 0).integer));
    return r;
  }
  if (name == "fcntl") return issue_fcntl(ev, fd);
  if (name == "sendmsg" || name == "recvmsg") return issue_msg(ev, fd, name == "sendmsg");
  if (name == "ioctl") {
    const Expr& req = arg(*this, ev, 1);
    if (req.kind != Expr::Kind::kSymbol || (req.text != "SIOCINQ" && req.text != "FIONREAD")) {
      skip(ev.line, fmt::format("unsupported ioctl {}", req.to_string()));
    }
    // SIOCINQ: bytes ready to read, as a peek of everything queued sees them.
    SysResult r = target_.recv(fd, std::size_t{64} << 20, /*peek=*/true);
    if (r.would_block || r.err == EAGAIN) r = SysResult::ok(0);
    if (r.ret < 0) return r;
    got_value_ = r.ret;
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
  if (const Expr* control = field(msg, "msg_control");
      control != nullptr && control->kind != Expr::Kind::kEllipsis) {
    skip(ev.line, fmt::format("unsupported control message {}", control->to_string()));
  }
  const std::int64_t flags = eval(ev, arg(*this, ev, 2));
  const std::int64_t peek = *constant_value("MSG_PEEK", options_.personality);
  if (flags != 0 && (send || flags != peek)) {
    skip(ev.line, fmt::format("unsupported {} flags {}", send ? "sendmsg" : "recvmsg",
                              arg(*this, ev, 2).to_string()));
  }
  if (!send) return target_.recv(fd, static_cast<std::size_t>(len), flags == peek);
  const std::vector<std::byte> zeros(static_cast<std::size_t>(len), std::byte{0});
  return target_.send(fd, Bytes(zeros));
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
      call.name == "getsockopt" && *sockopt_for(arg(*this, ev, 2).text) == SockOpt::kError;
  const auto show = [&](std::int64_t v) {
    return is_errno ? errno_name(static_cast<int>(v)) : std::to_string(v);
  };
  fail(ev.line, fmt::format("runtime error in {} call: Bad {} optval: expected: {} "
                            "actual: {}",
                            call.name, call.name, show(want), show(got_value_)));
}

}  // namespace synack::drill::detail
