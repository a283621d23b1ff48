// SPDX-License-Identifier: Apache-2.0
// The mirror target (see mirror_target.hpp).
#include "drill/mirror_target.hpp"

#include <fmt/core.h>

#include <cerrno>

#include "drill/emulation.hpp"
#include "drill/matcher.hpp"
#include "wire/tcp.hpp"

namespace synack::drill::testing {

namespace {

std::string_view target_call_name(std::string_view script_name) {
  if (script_name == "read") return "recv";
  if (script_name == "write" || script_name == "sendto") return "send";
  return script_name;
}

std::int64_t value_of(const Expr& e) {
  if (e.kind == Expr::Kind::kInteger) return e.integer;
  if (e.kind == Expr::Kind::kSymbol)
    return constant_value(e.text, Personality::kFreeBsd).value_or(0);
  if (e.kind == Expr::Kind::kList && e.items.size() == 1) return value_of(e.items[0]);
  return 0;
}

}  // namespace

MirrorTarget::MirrorTarget(const Script& script, const RunOptions& options)
    : script_(script), options_(options) {
  std::int64_t last = 0;
  for (const Event& ev : script.events) {
    const EventTime& t = ev.time;
    const std::int64_t usecs = t.kind == TimeKind::kAny        ? last
                               : t.kind == TimeKind::kAbsolute ? t.usecs
                                                               : last + t.usecs;
    if (const auto* pkt = std::get_if<PacketEvent>(&ev.body)) {
      if (pkt->direction == Direction::kOutbound) {
        outbound_.emplace_back(Instant{} + microseconds(usecs), pkt);
      } else {
        inbound_.push_back(pkt);
      }
    } else if (std::holds_alternative<SyscallEvent>(ev.body)) {
      calls_.push_back(&ev);
    } else if (const auto* cmd = std::get_if<CommandEvent>(&ev.body)) {
      if (auto parsed = parse_command(cmd->text)) {
        if (const auto* s = std::get_if<SockstatCommand>(&*parsed)) {
          sockstat_expected_.push_back(s->expected);
        }
      }
    } else if (const auto* code = std::get_if<CodeEvent>(&ev.body)) {
      TcpInfo info;
      for (const Assertion& a : code->asserts) {
        if (a.name == "tcpi_state" && a.op == "==") info.state = *tcpi_state(a.value);
        if (a.name == "tcpi_options" && a.op == "==") {
          info.options = static_cast<std::uint8_t>(std::stoi(a.value));
        }
      }
      infos_.push_back(info);
    }
    last = usecs;
  }
}

void MirrorTarget::reset(const TargetSetup& s) {
  now_ = s.start;
}

void MirrorTarget::advance_to(Instant t) {
  while (next_send_ < outbound_.size() && outbound_[next_send_].first <= t) {
    due_.push_back(outbound_[next_send_].second);
    due_at_.push_back(std::max(now_, outbound_[next_send_].first));
    ++next_send_;
  }
  now_ = std::max(now_, t);
}

Instant MirrorTarget::next_event() const {
  Instant next = next_send_ < outbound_.size() ? outbound_[next_send_].first : kNever;
  if (pending_ && pending_->end > now_) next = std::min(next, pending_->end);
  return next;
}

std::optional<OutboundPacket> MirrorTarget::next_outbound() {
  if (due_.empty()) return std::nullopt;
  const PacketEvent* pkt = due_.front();
  const Instant at = due_at_.front();
  due_.erase(due_.begin());
  due_at_.erase(due_at_.begin());
  return OutboundPacket{at, build(*pkt)};
}

std::vector<std::byte> MirrorTarget::build(const PacketEvent& pkt) {
  if ((pkt.flags & TcpFlags::kSyn) && !have_isn_ && !pkt.seq_absolute) have_isn_ = true;
  TcpSegment seg;
  seg.src_port = local_port_;
  seg.dst_port = remote_port_;
  const std::uint32_t seq = pkt.seq_any ? 0 : pkt.seq;
  seg.seq = SeqNum(pkt.seq_absolute || !have_isn_ ? seq : kIsn + seq);
  seg.ack = SeqNum(pkt.ack.value_or(0));
  seg.flags = TcpFlags{pkt.flags};
  seg.window = pkt.window.value_or(65535);
  seg.urgent = pkt.urgent.value_or(0);
  std::vector<OptionSpec> options = pkt.options;
  for (OptionSpec& o : options) {
    if (o.kind != OptionSpec::Kind::kTimestamps) continue;
    ts_sent_[o.ts_val] = o.ts_val + kTsOffset;
    o.ts_val += kTsOffset;
  }
  const auto option_bytes = script_option_bytes(options);
  if (auto parsed = TcpOptions::parse(Bytes(option_bytes))) seg.options = *parsed;
  const std::vector<std::byte> payload(pkt.len, std::byte{0});
  seg.payload = Bytes(payload);
  Ipv4Header ip;
  ip.src = options_.local_addr;
  ip.dst = options_.remote_addr;
  ip.tos = static_cast<std::uint8_t>(pkt.ecn.value_or(Ecn::kNotEct));
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  out.resize(emit_ipv4_tcp(MutableBytes(out), ip, seg));
  return out;
}

void MirrorTarget::inject(Bytes ipv4_packet) {
  const auto p = parse_ipv4_tcp(ipv4_packet);
  if (!p) {
    inbound_errors.push_back("unparsable inbound packet");
    return;
  }
  if (fresh_ || listening_) {  // a new connection, as the executor starts one
    remote_port_ = p->tcp.src_port;
    local_port_ = p->tcp.dst_port;
    have_isn_ = false;
    fresh_ = listening_ = false;
  }
  if (next_inbound_ >= inbound_.size()) {
    inbound_errors.push_back("more inbound packets than the script has");
    return;
  }
  const PacketEvent& want = *inbound_[next_inbound_++];
  auto error = [&](std::string_view what, std::uint64_t expected, std::uint64_t actual) {
    inbound_errors.push_back(
        fmt::format("{}: {} expected {} got {}", want.to_string(), what, expected, actual));
  };
  if (p->tcp.seq.raw() != want.seq) error("seq", want.seq, p->tcp.seq.raw());
  if (want.ack) {
    const std::uint32_t ack = want.ack_absolute || !have_isn_ ? *want.ack : kIsn + *want.ack;
    if (p->tcp.ack.raw() != ack) error("ack", ack, p->tcp.ack.raw());
  }
  if (p->tcp.payload.size() != want.len) error("len", want.len, p->tcp.payload.size());
  for (const OptionSpec& o : want.options) {
    if (o.kind != OptionSpec::Kind::kTimestamps) continue;
    const std::uint32_t ecr = ts_sent_.empty() ? o.ts_ecr : o.ts_ecr + kTsOffset;
    const auto ts = p->tcp.options.summarize().timestamps;
    if (!ts || ts->ecr != ecr) error("TS ecr", ecr, ts ? ts->ecr : 0);
  }
}

SysResult MirrorTarget::scripted_result(const Event& ev) const {
  const auto& c = std::get<SyscallEvent>(ev.body);
  std::int64_t ret = c.ret.kind == Expr::Kind::kEllipsis ? 0 : value_of(c.ret);
  if ((c.name == "socket" || c.name == "accept") && ret >= 0) ret += 100;
  if (ret == -1) return SysResult::error(errno_value(c.errno_name.value_or("")).value_or(EINVAL));
  return SysResult::ok(ret);
}

SysResult MirrorTarget::call(std::string_view name) {
  if (pending_ &&
      target_call_name(std::get<SyscallEvent>(calls_[pending_->call]->body).name) == name) {
    if (now_ < pending_->end) return SysResult::blocked();
    const Event& ev = *calls_[pending_->call];
    pending_.reset();
    return scripted_result(ev);
  }
  if (next_call_ >= calls_.size()) {
    inbound_errors.push_back(fmt::format("unexpected call {}", name));
    return SysResult::error(EINVAL);
  }
  const std::size_t index = next_call_++;
  const Event& ev = *calls_[index];
  const auto& c = std::get<SyscallEvent>(ev.body);
  if (target_call_name(c.name) != name) {
    inbound_errors.push_back(fmt::format("line {}: call {} arrived as {}", ev.line, c.name, name));
  }
  if (name == "socket") {
    fresh_ = true;
    listening_ = false;
  }
  if (ev.time.end_usecs) {
    pending_ = Pending{index, now_ + microseconds(*ev.time.end_usecs - ev.time.usecs)};
    return SysResult::blocked();
  }
  return scripted_result(ev);
}

SysResult MirrorTarget::listen(int, int) {
  listening_ = true;
  return call("listen");
}

SysResult MirrorTarget::connect(int, Ipv4Addr, std::uint16_t) {
  const bool retry = pending_.has_value();
  if (!retry) {
    local_port_ = kActivePort;
    remote_port_ = options_.connect_port;
    have_isn_ = false;
    fresh_ = listening_ = false;
  }
  return call("connect");
}

SysResult MirrorTarget::get_nonblocking(int) {
  const SysResult r = call("fcntl");
  if (r.ret < 0) return r;
  const std::int64_t nonblock = *constant_value("O_NONBLOCK", options_.personality);
  return SysResult::ok((r.ret & nonblock) != 0 ? 1 : 0);
}

SysResult MirrorTarget::getsockopt(int, SockOpt, std::int64_t* value) {
  const SysResult r = call("getsockopt");
  const auto& c = std::get<SyscallEvent>(calls_[next_call_ - 1]->body);
  *value = c.args.size() > 3 ? value_of(c.args[3]) : 0;
  return r;
}

std::optional<int> MirrorTarget::count_connections(std::optional<std::uint16_t>, tcp::State) const {
  if (next_sockstat_ >= sockstat_expected_.size()) return std::nullopt;
  return sockstat_expected_[next_sockstat_++];
}

std::optional<TcpInfo> MirrorTarget::tcp_info(int) const {
  if (next_info_ >= infos_.size()) return std::nullopt;
  return infos_[next_info_++];
}

}  // namespace synack::drill::testing
