// SPDX-License-Identifier: Apache-2.0
// The event loop of a script run: time, packets, commands and asserts
// (system calls are in syscalls.cc). See executor.hpp.
#include "drill/executor.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

#include "drill/emulation.hpp"
#include "drill/pycode.hpp"
#include "drill/run_state.hpp"
#include "drill/shell.hpp"

namespace synack::drill {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kSkip:
      return "SKIP";
  }
  return "?";
}

namespace {

constexpr std::string_view kSupportedCalls[] = {
    "socket",       "bind",          "listen",    "accept",    "connect",  "read",
    "write",        "recv",          "send",      "sendto",    "shutdown", "close",
    "getsockopt",   "setsockopt",    "fcntl",     "ioctl",     "sendmsg",  "recvmsg",
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait"};

std::optional<std::string> preflight_call(const SyscallEvent& call) {
  if (std::ranges::find(kSupportedCalls, call.name) == std::end(kSupportedCalls)) {
    return fmt::format("unsupported system call {}", call.name);
  }
  if ((call.name == "getsockopt" || call.name == "setsockopt") && call.args.size() >= 3) {
    const Expr& name = call.args[2];
    // TCP_INQ and TCP_NOTSENT_LOWAT (Linux) are the runner's (syscalls.cc).
    const bool runner_opt = name.kind == Expr::Kind::kSymbol &&
                            (name.text == "TCP_INQ" || name.text == "TCP_NOTSENT_LOWAT");
    if (name.kind != Expr::Kind::kSymbol || (!sockopt_for(name.text) && !runner_opt)) {
      return fmt::format("unsupported socket option {}", name.to_string());
    }
  }
  return std::nullopt;
}

// The asserts the first runner understood (tcpi_state, tcpi_options): run as
// before, with their own messages. Everything else goes to pycode.hpp.
std::optional<std::string> legacy_asserts(const CodeEvent& code) {
  if (!code.only_asserts) return "python code other than tcpi asserts";
  for (const Assertion& a : code.asserts) {
    if (a.name == "tcpi_state") {
      if (!tcpi_state(a.value) || (a.op != "==" && a.op != "!=")) {
        return fmt::format("unsupported assert {} {} {}", a.name, a.op, a.value);
      }
    } else if (a.name != "tcpi_options") {
      return fmt::format("unsupported assert on {}", a.name);
    }
  }
  return std::nullopt;
}

std::optional<std::string> preflight_code(const CodeEvent& code) {
  if (!legacy_asserts(code)) return std::nullopt;
  return check_python(code.text);
}

// Options of features the engine does not have: the scripts SKIP naming them.
std::optional<std::string> preflight_options(const PacketEvent& pkt) {
  for (const OptionSpec& o : pkt.options) {
    if (o.kind == OptionSpec::Kind::kFastOpen || o.kind == OptionSpec::Kind::kFastOpenExp) {
      return "TCP Fast Open (RFC 7413) is not implemented";
    }
    if (o.kind == OptionSpec::Kind::kMd5)
      return "TCP MD5 signatures (RFC 2385) are not implemented";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> preflight(const Script& script) {
  if (script.ip_version != IpVersion::kIpv4) return "ipv6";
  for (const Event& ev : script.events) {
    std::optional<std::string> reason;
    if (const auto* pkt = std::get_if<PacketEvent>(&ev.body)) {
      reason = preflight_options(*pkt);
    } else if (std::holds_alternative<IcmpEvent>(ev.body)) {
      reason = "icmp";
    } else if (const auto* cmd = std::get_if<CommandEvent>(&ev.body)) {
      const auto dir = std::filesystem::path(script.path).parent_path();
      if (auto parsed = parse_shell(cmd->text, dir); !parsed) reason = parsed.error();
    } else if (const auto* code = std::get_if<CodeEvent>(&ev.body)) {
      reason = preflight_code(*code);
    } else if (const auto* call = std::get_if<SyscallEvent>(&ev.body)) {
      reason = preflight_call(*call);
    }
    if (reason) return reason;
  }
  return std::nullopt;
}

namespace detail {

Run::Run(const Script& script, Target& target, const RunOptions& options)
    : script_(script),
      target_(target),
      options_(options),
      next_remote_port_(options.first_remote_port) {}

void Run::fail(int line, const std::string& message) const {
  throw Stop{{Outcome::kFail, fmt::format("{}:{}: {}", script_.path, line, message), line}};
}

void Run::skip(int line, const std::string& reason) const {
  throw Stop{{Outcome::kSkip, reason, line}};
}

void Run::trace(const std::string& line) const {
  if (options_.trace) options_.trace(line);
}

std::int64_t Run::now_usecs() const {
  return std::chrono::duration_cast<microseconds>(target_.now() - start_).count();
}

Instant Run::at(std::int64_t usecs) const {
  return start_ + microseconds(usecs);
}

ExpectedTime Run::expected_time(const EventTime& t) const {
  ExpectedTime et;
  et.previous_event_usecs = last_usecs_;
  if (t.kind == TimeKind::kAny) {
    et.any = true;
    et.usecs = last_usecs_;
    return et;
  }
  const std::int64_t base = t.kind == TimeKind::kRelative ? last_usecs_ : 0;
  et.usecs = base + t.usecs;
  if (t.range_end_usecs) et.range_end = base + *t.range_end_usecs;
  return et;
}

// Moves virtual time to `usecs`, stopping at every timer deadline on the way so
// that a blocked call notices the moment it can return.
void Run::step_to(std::int64_t usecs) {
  const Instant until = at(usecs);
  // A timer may re-arm at the same instant a few times; a thousand times means
  // the target is stuck and would hang the run.
  int same_instant = 0;
  for (;;) {
    const Instant before = target_.now();
    const Instant next = std::max(target_.next_event(), before);
    if (target_.next_event() == kNever || next > until) break;
    target_.advance_to(next);
    poll_pending();
    same_instant = next == before ? same_instant + 1 : 0;
    if (same_instant > 1000) {
      fail(line_, fmt::format("target's timer at {} sec keeps firing without time passing",
                              format_usecs(now_usecs())));
    }
  }
  target_.advance_to(until);
  poll_pending();
}

void Run::poll_pending() {
  if (!pending_) return;
  const SysResult r = issue(*pending_->event, /*retry=*/true);
  if (!r.would_block) finish_pending(r);
}

void Run::finish_pending(const SysResult& r) {
  const PendingCall call = *pending_;
  pending_.reset();
  ExpectedTime et;
  et.usecs = call.end_usecs;
  et.previous_event_usecs = call.start_usecs;
  if (auto bad = check_time(et, now_usecs(), script_.tolerance_usecs, "system call return")) {
    fail(call.event->line, *bad);
  }
  check_call(*call.event, r);
}

void Run::finish_at_end() {
  if (!pending_) return;
  ExpectedTime et;
  et.usecs = pending_->end_usecs;
  et.previous_event_usecs = pending_->start_usecs;
  step_to(std::max(now_usecs(), latest_time(et, script_.tolerance_usecs)));
  if (pending_) {
    const auto& call = std::get<SyscallEvent>(pending_->event->body);
    fail(pending_->event->line,
         fmt::format("runtime error in {} call: call did not return by {} sec", call.name,
                     format_usecs(pending_->end_usecs)));
  }
}

void Run::run_event(const Event& ev) {
  line_ = ev.line;
  const ExpectedTime et = expected_time(ev.time);
  if (const auto* pkt = std::get_if<PacketEvent>(&ev.body);
      pkt && pkt->direction == Direction::kOutbound) {
    run_outbound(ev, *pkt, et);
    return;
  }
  step_to(std::max(now_usecs(), et.usecs));
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, PacketEvent>) {
          run_inbound(body);
        } else if constexpr (std::is_same_v<T, SyscallEvent>) {
          run_syscall(ev, et);
        } else if constexpr (std::is_same_v<T, CommandEvent>) {
          run_command(ev, body);
        } else if constexpr (std::is_same_v<T, CodeEvent>) {
          run_code(ev, body);
        } else {
          skip(ev.line, "icmp");
        }
      },
      ev.body);
  if (!std::holds_alternative<SyscallEvent>(ev.body)) last_usecs_ = now_usecs();
}

// --- packets ----------------------------------------------------------------

bool Run::belongs_to_connection(const LivePacket& live) {
  const auto& ip = live.packet.ip;
  const auto& tcp = live.packet.tcp;
  Endpoints& ends = conn_.ends;
  if (ip.src() != options_.local_addr || ip.dst() != options_.remote_addr) return false;
  if (ends.remote_port == 0) return true;  // no connection yet: take anything
  if (tcp.dst_port != ends.remote_port) return false;
  if (ends.local_port == 0 && conn_.kind == Connection::Kind::kConnecting) {
    ends.local_port = tcp.src_port;  // the stack chose its ephemeral port
  }
  return tcp.src_port == ends.local_port;
}

std::optional<std::pair<Instant, LivePacket>> Run::take_outbound() {
  if (!held_.empty()) {
    auto p = std::move(held_.front());
    held_.pop_front();
    return p;
  }
  while (auto out = target_.next_outbound()) {
    auto live = parse_live(std::move(out->bytes));
    if (!live) {
      if (live.error() == "ip-not-tcp") continue;  // e.g. ICMP: not under test
      fail(line_, fmt::format("stack sent a malformed packet: {}", live.error()));
    }
    if (!belongs_to_connection(*live)) {
      trace(fmt::format("ignoring packet of another connection: {}", format_live(*live, SeqMap{})));
      continue;
    }
    return std::make_pair(out->at, std::move(*live));
  }
  return std::nullopt;
}

void Run::run_outbound(const Event& ev, const PacketEvent& pkt, const ExpectedTime& et) {
  const std::int64_t tol = script_.tolerance_usecs;
  const std::int64_t latest =
      et.any ? now_usecs() + options_.any_time_limit_usecs : latest_time(et, tol);
  // Look a little past the latest acceptable time so that a late packet is
  // reported with its real time rather than as missing.
  const std::int64_t horizon = latest + (et.any ? 0 : 10'000'000);
  auto taken = take_outbound();
  while (!taken) {
    const Instant next = target_.next_event();
    if (next == kNever) break;
    const std::int64_t next_usecs = std::chrono::duration_cast<microseconds>(next - start_).count();
    if (next_usecs > horizon) break;
    step_to(std::max(now_usecs(), next_usecs));
    taken = take_outbound();
  }
  if (!taken) {
    fail(ev.line, fmt::format("error handling packet: timed out waiting for packet\n"
                              "script packet: {} {}",
                              format_usecs(et.usecs), pkt.to_string()));
  }
  if (tso_) gather_tso(pkt, *taken);
  auto& [when, live] = *taken;
  const std::int64_t actual = std::chrono::duration_cast<microseconds>(when - start_).count();
  learn_isn(pkt, live, conn_.map);
  auto bad = match_outbound(pkt, live, conn_.map);
  if (!bad) bad = check_time(et, actual, tol, "outbound packet");
  if (bad) {
    fail(ev.line,
         fmt::format("error handling packet: {}\nscript packet: {} {}\nactual packet: {} {}", *bad,
                     format_usecs(et.usecs), pkt.to_string(), format_usecs(actual),
                     format_live(live, conn_.map)));
  }
  learn_timestamps(pkt, live, conn_.map);
  trace(fmt::format("{} > {}", format_usecs(actual), format_live(live, conn_.map)));
  last_usecs_ = actual;
}

// packetdrill on a TSO device: a `>` line longer than the live segment is
// matched by the consecutive segments queued with it (same ack, contiguous,
// no SYN/RST) until their payloads add up to the line's length.
void Run::gather_tso(const PacketEvent& pkt, std::pair<Instant, LivePacket>& taken) {
  const auto plain = [](const TcpSegment& t) {
    return !t.flags.syn() && !t.flags.rst() && !t.payload.empty();
  };
  const TcpSegment& first = taken.second.packet.tcp;
  if (!plain(first) || first.flags.fin() || pkt.len <= first.payload.size()) return;
  std::vector<LivePacket> parts;
  std::size_t total = first.payload.size();
  SeqNum next = first.seq + static_cast<SeqLen>(first.payload.size());
  const SeqNum ack = first.ack;
  while (total < pkt.len) {
    auto more = take_outbound();
    if (!more) break;
    const TcpSegment& t = more->second.packet.tcp;
    if (!plain(t) || t.seq != next || t.ack != ack || total + t.payload.size() > pkt.len) {
      held_.push_front(std::move(*more));
      break;
    }
    const bool fin = t.flags.fin();
    total += t.payload.size();
    next = next + static_cast<SeqLen>(t.payload.size());
    parts.push_back(std::move(more->second));
    if (fin) break;
  }
  if (parts.empty()) return;
  parts.insert(parts.begin(), std::move(taken.second));
  taken.second = coalesce(parts);
}

void Run::run_inbound(const PacketEvent& pkt) {
  if (conn_.kind == Connection::Kind::kNone || conn_.kind == Connection::Kind::kListening) {
    // packetdrill: an inbound packet to a listening (or bare) socket starts a
    // new connection from a fresh remote port.
    conn_.kind = Connection::Kind::kPassive;
    conn_.map = SeqMap{};
    conn_.ends.local_addr = options_.local_addr;
    conn_.ends.remote_addr = options_.remote_addr;
    conn_.ends.local_port = options_.bind_port;
    conn_.ends.remote_port = next_remote_port_++;
  }
  const auto bytes = build_inbound(pkt, conn_.map, conn_.ends);
  trace(fmt::format("{} < {}", format_usecs(now_usecs()), pkt.to_string()));
  target_.inject(Bytes(bytes));
  poll_pending();
}

// --- system calls (issue/check in syscalls.cc) --------------------------------

void Run::run_syscall(const Event& ev, const ExpectedTime& et) {
  const auto& call = std::get<SyscallEvent>(ev.body);
  last_usecs_ = now_usecs();
  const SysResult r = issue(ev, /*retry=*/false);
  trace(fmt::format("{} {}(...) -> {}{}", format_usecs(now_usecs()), call.name,
                    r.would_block ? "blocked" : std::to_string(r.ret),
                    r.err ? fmt::format(" {}", errno_name(r.err)) : ""));
  const std::int64_t end =
      ev.time.end_usecs
          ? (ev.time.kind == TimeKind::kRelative ? et.previous_event_usecs : 0) + *ev.time.end_usecs
          : et.usecs;
  if (r.would_block) {
    if (pending_) fail(ev.line, "only one blocking call at a time is supported");
    pending_ = PendingCall{&ev, now_usecs(), end};
    if (!ev.time.end_usecs) {  // not scripted as blocking: it must return now
      ExpectedTime ret_time;
      ret_time.usecs = end;
      ret_time.previous_event_usecs = now_usecs();
      step_to(latest_time(ret_time, script_.tolerance_usecs));
      if (pending_) fail(ev.line, fmt::format("runtime error in {} call: call blocked", call.name));
    }
    return;
  }
  if (ev.time.end_usecs) {
    pending_ = PendingCall{&ev, now_usecs(), end};
    finish_pending(r);
    return;
  }
  check_call(ev, r);
}

// --- backticks and %{ }% -------------------------------------------------------

void Run::note(const std::string& text) {
  if (std::ranges::find(notes_, text) == notes_.end()) notes_.push_back(text);
  trace(fmt::format("note: {}", text));
}

void Run::run_step(const Event& ev, const std::string& text, const ShellStep& step) {
  if (const auto* sysctl = std::get_if<SysctlCommand>(&step)) {
    if (!target_.set_knob(*knob_for_sysctl(sysctl->key), sysctl->value)) {
      skip(ev.line, fmt::format("unsupported sysctl {}", sysctl->key));
    }
  } else if (const auto* knob = std::get_if<KnobCommand>(&step)) {
    if (!target_.set_knob(knob->knob, knob->value)) {
      if (!knob->lenient) skip(ev.line, fmt::format("unsupported sysctl {}", knob->setting));
      note(fmt::format("not modelled: {} ({})", knob->setting, to_string(knob->knob)));
    }
  } else if (const auto* sockstat = std::get_if<SockstatCommand>(&step)) {
    const auto n = target_.count_connections(sockstat->port, sockstat->state);
    if (!n) skip(ev.line, "target cannot count connections (sockstat)");
    if (*n != sockstat->expected) {
      fail(ev.line, fmt::format("error executing `{}` command: expected {} connection(s) in {}, "
                                "found {}",
                                text, sockstat->expected, tcp::to_bsd_string(sockstat->state), *n));
    }
  } else if (std::holds_alternative<TcpdropCommand>(step)) {
    target_.drop_time_wait();
  } else if (const auto* n = std::get_if<NoteCommand>(&step)) {
    note(n->text);
  } else if (const auto* tso = std::get_if<TsoCommand>(&step)) {
    tso_ = tso->on;
  }
}

void Run::run_command(const Event& ev, const CommandEvent& cmd) {
  auto steps = parse_shell(cmd.text, std::filesystem::path(script_.path).parent_path());
  if (!steps) skip(ev.line, steps.error());
  trace(fmt::format("{} `{}`", format_usecs(now_usecs()), cmd.text));
  for (const ShellStep& step : *steps) run_step(ev, cmd.text, step);
}

void Run::run_code(const Event& ev, const CodeEvent& code) {
  const auto fd = fds_.find(fd_under_test_);
  if (fd == fds_.end()) fail(ev.line, "error in Python code: no socket under test");
  const auto info = target_.tcp_info(fd->second);
  if (!info)
    fail(ev.line, "error in Python code: TCP_INFO not available for the socket under test");
  if (legacy_asserts(code)) {
    run_python_code(ev, code, *info);
    return;
  }
  for (const Assertion& a : code.asserts) {
    bool ok = false;
    std::string actual;
    if (a.name == "tcpi_state") {
      ok = (info->state == *tcpi_state(a.value)) == (a.op == "==");
      actual = tcpi_name(info->state);
    } else {
      std::int64_t v = 0;
      if (const auto want = constant_value(a.value, options_.personality)) {
        v = *want;
      } else {
        const auto [end, ec] = std::from_chars(a.value.data(), a.value.data() + a.value.size(), v);
        if (ec != std::errc{} || end != a.value.data() + a.value.size()) {
          skip(ev.line, fmt::format("unsupported assert value {}", a.value));
        }
      }
      const std::int64_t got = info->options;
      ok = a.op == "=="   ? got == v
           : a.op == "!=" ? got != v
           : a.op == "<"  ? got < v
           : a.op == "<=" ? got <= v
           : a.op == ">"  ? got > v
                          : got >= v;
      actual = std::to_string(got);
    }
    if (!ok) {
      fail(ev.line, fmt::format("assertion failed: {} {} {} ({} is {})", a.name, a.op, a.value,
                                a.name, actual));
    }
  }
  trace(fmt::format("{} %{{ {} assert(s) passed }}%", format_usecs(now_usecs()),
                    code.asserts.size()));
}

void Run::run_python_code(const Event& ev, const CodeEvent& code, const TcpInfo& info) {
  const PyLookup lookup = [&info](std::string_view name) -> std::optional<std::int64_t> {
    for (const auto& [n, v] : info.fields) {
      if (n == name) return v;
    }
    return std::nullopt;
  };
  const PyResult r = run_python(code.text, python_vars_, lookup);
  if (r.kind == PyResult::Kind::kUnsupported) skip(ev.line, r.message);
  if (r.kind == PyResult::Kind::kAssertFailed) fail(ev.line, r.message);
  trace(fmt::format("{} %{{ }}% ran", format_usecs(now_usecs())));
}

ScriptResult Run::execute() {
  try {
    if (auto reason = preflight(script_)) return {Outcome::kSkip, *reason, 0};
    TargetSetup setup;
    setup.personality = options_.personality;
    setup.local_addr = options_.local_addr;
    setup.remote_addr = options_.remote_addr;
    setup.mtu = script_.mtu.value_or(1500);
    target_.reset(setup);
    start_ = target_.now();
    tso_ = options_.personality == Personality::kLinux;
    for (const Event& ev : script_.events) run_event(ev);
    finish_at_end();
  } catch (const Stop& stop) {
    ScriptResult r = stop.result;
    r.notes = notes_;
    return r;
  }
  return {Outcome::kPass, "", 0, notes_};
}

}  // namespace detail

ScriptResult run_script(const Script& script, Target& target, const RunOptions& options) {
  detail::Run run(script, target, options);
  return run.execute();
}

ScriptResult run_file(const std::filesystem::path& path, Target& target, const RunOptions& options,
                      const ParseOptions& parse_options) {
  auto script = parse_file(path, parse_options);
  if (!script) return {Outcome::kFail, script.error(), 0};
  return run_script(*script, target, options);
}

}  // namespace synack::drill
