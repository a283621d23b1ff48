// SPDX-License-Identifier: Apache-2.0
#include "sim/apps.hpp"

#include <algorithm>
#include <array>

namespace synack::sim {
namespace {

constexpr std::size_t kChunk = 16 * 1024;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Sends up to `remaining` pattern bytes starting at stream offset `sent.bytes`.
// Returns bytes taken; stops at EAGAIN.
std::uint64_t send_pattern(Host& host, Fd fd, std::uint64_t seed, StreamStats& sent,
                           std::uint64_t remaining, std::optional<std::errc>& error,
                           PatternChunk& chunk) {
  std::uint64_t total = 0;
  while (remaining > 0) {
    const Bytes buf = chunk.at(seed, sent.bytes, remaining);
    auto r = host.stack().send(fd, buf, host.now());
    if (!r) {
      if (r.error() != std::errc::operation_would_block) error = r.error();
      break;
    }
    sent.sha.update(buf.first(*r));
    sent.bytes += *r;
    total += *r;
    remaining -= *r;
    if (*r < buf.size()) break;
  }
  return total;
}

// Reads everything available into `received`; optionally keeps a copy.
// Returns true at end of stream.
bool read_all(Host& host, Fd fd, StreamStats& received, std::optional<std::errc>& error,
              std::vector<std::byte>* keep) {
  std::array<std::byte, kChunk> buf;
  for (;;) {
    auto r = host.stack().recv(fd, buf, 0, host.now());
    if (!r) {
      if (r.error() != std::errc::operation_would_block) error = r.error();
      return false;
    }
    if (*r == 0) return true;
    received.sha.update(std::span(buf).first(*r));
    received.bytes += *r;
    if (keep != nullptr) keep->insert(keep->end(), buf.begin(), buf.begin() + *r);
  }
}

}  // namespace

Bytes PatternChunk::at(std::uint64_t stream_seed, std::uint64_t offset, std::uint64_t max) {
  if (offset < start_ || offset >= start_ + buf_.size() || stream_seed != seed_) {
    buf_.resize(kChunk);
    fill_pattern(stream_seed, offset, buf_);
    start_ = offset;
    seed_ = stream_seed;
  }
  const auto from = static_cast<std::size_t>(offset - start_);
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(max, buf_.size() - from));
  return Bytes(buf_).subspan(from, n);
}

std::byte pattern_byte(std::uint64_t stream_seed, std::uint64_t offset) {
  const std::uint64_t word = splitmix(stream_seed * 0x100000001b3ULL ^ (offset / 8));
  return static_cast<std::byte>(word >> (8 * (offset % 8)));
}

void fill_pattern(std::uint64_t stream_seed, std::uint64_t offset, MutableBytes out) {
  std::size_t i = 0;
  for (; i < out.size() && (offset + i) % 8 != 0; ++i)
    out[i] = pattern_byte(stream_seed, offset + i);
  // Whole words: one splitmix per 8 bytes, stored little-endian (as pattern_byte reads them).
  const std::uint64_t key = stream_seed * 0x100000001b3ULL;
  for (; i + 8 <= out.size(); i += 8) {
    const std::uint64_t word = splitmix(key ^ ((offset + i) / 8));
    for (std::size_t b = 0; b < 8; ++b) out[i + b] = static_cast<std::byte>(word >> (8 * b));
  }
  for (; i < out.size(); ++i) out[i] = pattern_byte(stream_seed, offset + i);
}

// ---- Client ------------------------------------------------------------------------

Client::Client(Host& host, ClientOptions options) : host_(host), opt_(std::move(options)) {}

void Client::start() {
  for (const auto& a : opt_.script) host_.at(a.at, [this, a] { act(a); });
}

void Client::act(const ClientAction& a) {
  Stack& s = host_.stack();
  switch (a.kind) {
    case ClientAction::Kind::kConnect: {
      report_.fd = *s.socket();
      if (opt_.local_port != 0) {
        (void)s.setsockopt(report_.fd, SockOpt::kReuseAddr, 1);
        (void)s.bind(report_.fd, {Ipv4Addr{}, opt_.local_port});
      }
      host_.on_ready(report_.fd, [this](std::uint32_t m) { on_ready(m); });
      auto r = s.connect(report_.fd, opt_.remote, host_.now());
      if (!r && r.error() != std::errc::operation_in_progress) report_.error = r.error();
      break;
    }
    case ClientAction::Kind::kSend:
      to_send_ += a.bytes;
      flush_send();
      break;
    case ClientAction::Kind::kShutdown:
      shutdown_pending_ = true;
      flush_send();
      break;
    case ClientAction::Kind::kClose:
      close_pending_ = true;
      flush_send();
      break;
    case ClientAction::Kind::kAbort:
      (void)s.setsockopt(report_.fd, SockOpt::kLinger, 0);
      (void)s.close(report_.fd, host_.now());
      host_.forget(report_.fd);
      report_.closed = true;
      break;
  }
}

void Client::on_ready(std::uint32_t mask) {
  if (!report_.connected && (mask & kPollOut) && !(mask & kPollErr)) {
    report_.connected = true;
    report_.connected_at = host_.now();
  }
  if (mask & kPollErr) {
    if (auto e = host_.stack().getsockopt(report_.fd, SockOpt::kError); e && *e != 0) {
      report_.error = static_cast<std::errc>(*e);
      report_.finished_at = host_.now();
    }
  }
  drain();
  flush_send();
}

void Client::drain() {
  if (report_.closed || report_.fd < 0) return;
  if (read_all(host_, report_.fd, report_.received, report_.error, nullptr) && !report_.eof) {
    report_.eof = true;
    report_.finished_at = host_.now();
    if (opt_.close_on_eof) {
      host_.at(host_.now() + opt_.close_delay, [this] {
        close_pending_ = true;
        flush_send();
      });
    }
  }
}

void Client::flush_send() {
  if (report_.closed || report_.fd < 0 || !report_.connected) return;
  if (to_send_ > 0) {
    to_send_ -= send_pattern(host_, report_.fd, opt_.stream_seed, report_.sent, to_send_,
                             report_.error, pattern_);
  }
  if (to_send_ > 0) return;  // the rest when writable again
  Stack& s = host_.stack();
  if (shutdown_pending_) {
    shutdown_pending_ = false;
    (void)s.shutdown(report_.fd, ShutdownHow::kWrite, host_.now());
  }
  if (close_pending_) {
    close_pending_ = false;
    (void)s.close(report_.fd, host_.now());
    host_.forget(report_.fd);
    report_.closed = true;
  }
}

// ---- Server ------------------------------------------------------------------------

Server::Server(Host& host, ServerOptions options) : host_(host), opt_(std::move(options)) {}

void Server::start() {
  host_.at(opt_.listen_at.value_or(host_.now()), [this] {
    Stack& s = host_.stack();
    listener_ = *s.socket();
    (void)s.bind(listener_, {Ipv4Addr{}, opt_.port});
    (void)s.listen(listener_, opt_.backlog, host_.now());
    host_.on_ready(listener_, [this](std::uint32_t) { on_listener_ready(); });
  });
}

void Server::on_listener_ready() {
  Stack& s = host_.stack();
  while (auto fd = s.accept(listener_)) {
    ConnReport r;
    r.fd = *fd;
    r.connected = true;
    r.connected_at = host_.now();
    reports_.push_back(std::move(r));
    Conn c;
    c.report = reports_.size() - 1;
    if (opt_.mode == ServerMode::kSend) c.pending_send = opt_.send_bytes;
    conns_[*fd] = std::move(c);
    host_.on_ready(*fd, [this, f = *fd](std::uint32_t m) { on_conn_ready(f, m); });
    pump_conn(*fd);
  }
}

void Server::on_conn_ready(Fd fd, std::uint32_t mask) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  ConnReport& r = reports_[it->second.report];
  if ((mask & kPollErr) && !r.error) {
    if (auto e = host_.stack().getsockopt(fd, SockOpt::kError); e && *e != 0) {
      r.error = static_cast<std::errc>(*e);
    }
  }
  pump_conn(fd);
}

void Server::pump_conn(Fd fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  ConnReport& r = reports_[c.report];
  const bool echo = opt_.mode == ServerMode::kEcho;
  const bool reading = !c.paused && !start_pause(fd, c, r);
  const bool at_eof =
      reading && read_all(host_, fd, r.received, r.error, echo ? &c.echo_pending : nullptr);
  if (opt_.mode == ServerMode::kRespond && !c.responded && r.received.bytes >= opt_.request_bytes) {
    c.responded = true;
    c.pending_send = opt_.send_bytes;
  }
  if (c.pending_send > 0) {
    c.pending_send -=
        send_pattern(host_, fd, opt_.stream_seed, r.sent, c.pending_send, r.error, c.pattern);
  }
  if (!c.echo_pending.empty()) {
    auto sent = host_.stack().send(fd, c.echo_pending, host_.now());
    if (sent) {
      r.sent.sha.update(std::span(c.echo_pending).first(*sent));
      r.sent.bytes += *sent;
      c.echo_pending.erase(c.echo_pending.begin(),
                           c.echo_pending.begin() + static_cast<std::ptrdiff_t>(*sent));
    }
  }
  const bool all_sent = c.pending_send == 0 && c.echo_pending.empty();
  const bool response_done = opt_.mode != ServerMode::kRespond || c.responded;
  if (opt_.shutdown_after_send && all_sent && response_done && !c.shut &&
      (opt_.mode != ServerMode::kEcho || at_eof)) {
    c.shut = true;
    (void)host_.stack().shutdown(fd, ShutdownHow::kWrite, host_.now());
  }
  if (at_eof && !r.eof) {
    r.eof = true;
    r.finished_at = host_.now();
  }
  if ((r.eof || r.error) && all_sent && opt_.close_on_eof && !r.closed) {
    r.closed = true;
    host_.at(host_.now() + opt_.close_delay, [this, fd] { finish(fd); });
  }
}

// Begins the connection's one reading pause when its byte count is reached;
// reading resumes (and the connection is pumped) `pause_for` later.
bool Server::start_pause(Fd fd, Conn& c, const ConnReport& r) {
  if (c.pause_done || opt_.pause_for <= Duration::zero() || r.received.bytes < opt_.pause_after) {
    return false;
  }
  c.pause_done = c.paused = true;
  host_.at(host_.now() + opt_.pause_for, [this, fd] {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    it->second.paused = false;
    pump_conn(fd);
  });
  return true;
}

void Server::finish(Fd fd) {
  (void)host_.stack().close(fd, host_.now());
  host_.forget(fd);
  conns_.erase(fd);
}

}  // namespace synack::sim
