// SPDX-License-Identifier: Apache-2.0
// synack::asio — synack sockets as Asio I/O objects (standalone Asio, 1.22+).
//
// synack::asio::Socket models Asio's AsyncReadStream and AsyncWriteStream, and
// synack::asio::Acceptor accepts into Sockets, so code written generically
// over Asio's stream concepts runs over synack unchanged: asio::async_read,
// async_write, async_read_until, composed operations, Beast-style protocol
// code, and C++20 coroutines (asio::awaitable with asio::use_awaitable). Code
// that names asio::ip::tcp::socket changes only that type.
//
//   asio::io_context io;
//   auto tun = synack::api::TunStack::open({...});
//   synack::asio::Service net(io.get_executor(), *tun);   // drives the TunStack
//   asio::co_spawn(io, [&]() -> asio::awaitable<void> {
//     synack::asio::Socket s(net);
//     co_await s.async_connect({server, 80}, asio::use_awaitable);
//     co_await asio::async_write(s, asio::buffer(request), asio::use_awaitable);
//     ...
//   }, asio::detached);
//   io.run();
//
// Completion signatures are Asio's: connect void(error_code), read/write
// void(error_code, std::size_t), accept void(error_code, Socket). Errors are
// std::error_code in the generic category with the errno value the synack
// call returned (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE ...); end of
// stream is asio::error::eof and cancelled operations asio::error::operation_aborted
// (close(), Service::stop(), or a cancellation slot bound to the handler).
// Handlers never run inside the initiating call (they are posted).
//
// Naming: inside namespace synack, `asio::` means synack::asio; write
// `::asio::` there for Asio itself.
//
// Threading: the Service, its TunStack and every Socket belong to one thread
// (an io_context run by one thread, or one strand). The Service installs the
// TunStack's readiness callback (stack().set_callback) for itself.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "synack/stack.hpp"
#include "synack/tun_stack.hpp"

namespace synack::asio {

using error_code = std::error_code;

/// The errno value of a synack call as an error_code.
[[nodiscard]] inline error_code make_error(std::errc e) {
  return std::make_error_code(e);
}

namespace detail {

/// The Service's shared state: Sockets, Acceptors and pending operations
/// hold it, so they stay safe to destroy after the Service (they then only
/// drop their handle: the TunStack still owns the synack sockets).
class ServiceCore {
 public:
  using executor_type = ::asio::any_io_executor;

  ServiceCore(executor_type e, api::TunStack& t)
      : ex_(std::move(e)), tun_(t), watch_(ex_, ::dup(t.fd())) {}

  [[nodiscard]] const executor_type& executor() const { return ex_; }
  [[nodiscard]] api::Stack& stack() { return tun_.stack(); }
  [[nodiscard]] bool stopped() const { return stopped_; }

  /// Starts watching the TunStack (called once, by Service).
  void start(const std::shared_ptr<ServiceCore>& self) {
    std::weak_ptr<ServiceCore> weak = self;
    tun_.stack().set_callback([weak](api::Fd fd, std::uint32_t mask) {
      if (auto s = weak.lock()) s->ready(fd, mask);
    });
    arm(self);
  }
  /// Stops watching and aborts every pending operation (operation_aborted).
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    tun_.stack().set_callback({});
    error_code ignored;
    watch_.cancel(ignored);
    watch_.close(ignored);  // nothing left for Asio to release if the core outlives the io_context
    auto all = std::move(waiters_);
    waiters_.clear();
    for (auto& [fd, list] : all) {
      for (auto& w : list) ::asio::post(ex_, [r = std::move(w.resume)] { r(true); });
    }
  }

  /// Calls resume(false) (posted) once `fd`'s readiness intersects `events`
  /// (or reports an error/hang-up), resume(true) if cancelled first.
  /// Returns an id for remove().
  std::uint64_t wait(api::Fd fd, std::uint32_t events, std::function<void(bool)> resume) {
    const std::uint64_t id = ++last_id_;
    if (stopped_) {
      ::asio::post(ex_, [r = std::move(resume)] { r(true); });
      return id;
    }
    waiters_[fd].push_back({id, events, std::move(resume)});
    // The readiness may already be there (e.g. data that came before the
    // operation started): check now rather than wait for a change.
    const std::uint32_t mask = stack().poll(fd);
    if ((mask & (events | api::kPollErr | api::kPollHup)) != 0) ready(fd, mask);
    return id;
  }
  /// Forgets waiter `id` of `fd` without resuming it; false if it is not
  /// waiting any more (already resumed or cancelled).
  bool remove(api::Fd fd, std::uint64_t id) {
    auto it = waiters_.find(fd);
    if (it == waiters_.end()) return false;
    const auto n = std::erase_if(it->second, [id](const Waiter& w) { return w.id == id; });
    if (it->second.empty()) waiters_.erase(it);
    return n != 0;
  }
  /// Completes every operation waiting on `fd` with operation_aborted.
  void cancel(api::Fd fd) {
    auto it = waiters_.find(fd);
    if (it == waiters_.end()) return;
    auto list = std::move(it->second);
    waiters_.erase(it);
    for (auto& w : list) ::asio::post(ex_, [r = std::move(w.resume)] { r(true); });
  }
  /// Sends what socket calls queued: one TunStack::process() soon (coalesced).
  void flush_soon(const std::shared_ptr<ServiceCore>& self) {
    if (flush_posted_ || stopped_) return;
    flush_posted_ = true;
    ::asio::post(ex_, [self] {
      self->flush_posted_ = false;
      if (!self->stopped_) (void)self->tun_.process();
    });
  }

 private:
  struct Waiter {
    std::uint64_t id = 0;
    std::uint32_t events = 0;
    std::function<void(bool)> resume;
  };

  /// Readiness of `fd` changed (inside TunStack::process()): resume the
  /// waiters it satisfies, posted so no socket call runs inside process().
  void ready(api::Fd fd, std::uint32_t mask) {
    auto it = waiters_.find(fd);
    if (it == waiters_.end()) return;
    auto& list = it->second;
    for (std::size_t i = 0; i < list.size();) {
      if ((mask & (list[i].events | api::kPollErr | api::kPollHup)) == 0) {
        ++i;
        continue;
      }
      ::asio::post(ex_, [r = std::move(list[i].resume)] { r(false); });
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (list.empty()) waiters_.erase(it);
  }
  /// Waits for the TunStack's fd (edge-triggered in Asio's reactor) and
  /// processes it; if it is still readable after a few rounds (more packets
  /// than one wake-up reads), yields to other handlers and comes back.
  void arm(const std::shared_ptr<ServiceCore>& self) {
    std::weak_ptr<ServiceCore> weak = self;
    watch_.async_wait(::asio::posix::descriptor_base::wait_read, [weak](error_code ec) {
      if (auto s = weak.lock(); s && !ec && !s->stopped_) s->on_ready(s);
    });
  }
  void on_ready(const std::shared_ptr<ServiceCore>& self) {
    for (int round = 0; round < 8; ++round) {
      (void)tun_.process();
      pollfd p{.fd = tun_.fd(), .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, 0) <= 0) return arm(self);
    }
    std::weak_ptr<ServiceCore> weak = self;
    ::asio::post(ex_, [weak] {
      if (auto s = weak.lock(); s && !s->stopped_) s->on_ready(s);
    });
  }

  executor_type ex_;
  api::TunStack& tun_;
  ::asio::posix::stream_descriptor watch_;  // a dup of tun.fd()
  std::unordered_map<api::Fd, std::vector<Waiter>> waiters_;
  std::uint64_t last_id_ = 0;
  bool flush_posted_ = false;
  bool stopped_ = false;
};

using CorePtr = std::shared_ptr<ServiceCore>;

}  // namespace detail

/// Drives a TunStack from an Asio executor: watches its fd with the Asio
/// reactor, calls process() when it is ready, and resumes the synack
/// operations waiting for socket readiness. The TunStack must outlive the
/// Service and its Sockets and Acceptors. Destroying the Service (or stop())
/// completes pending operations with operation_aborted; Sockets that outlive
/// it can only be destroyed (their connections stay with the TunStack).
class Service {
 public:
  using executor_type = ::asio::any_io_executor;

  Service(executor_type ex, api::TunStack& tun)
      : core_(std::make_shared<detail::ServiceCore>(std::move(ex), tun)) {
    core_->start(core_);
  }
  ~Service() { core_->stop(); }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  [[nodiscard]] executor_type get_executor() const noexcept { return core_->executor(); }
  [[nodiscard]] api::Stack& stack() { return core_->stack(); }
  /// The time to pass to synack calls (the loop's steady clock).
  [[nodiscard]] static api::Instant now() { return api::TunStack::clock_now(); }
  /// Stops watching the TunStack and aborts every pending operation; then
  /// io_context::run() can return.
  void stop() { core_->stop(); }
  /// For Socket and Acceptor.
  [[nodiscard]] const detail::CorePtr& core() const { return core_; }

 private:
  detail::CorePtr core_;
};

namespace detail {

/// One asynchronous synack call: attempt() until it no longer would block,
/// waiting for readiness `events` in between, then post the handler.
/// `attempt(aborted)` returns the completion arguments, or nullopt for "would block".
template <typename Handler, typename Attempt>
class Op : public std::enable_shared_from_this<Op<Handler, Attempt>> {
 public:
  Op(CorePtr core, api::Fd fd, std::uint32_t events, Handler h, Attempt a)
      : core_(std::move(core)),
        fd_(fd),
        events_(events),
        handler_(std::move(h)),
        attempt_(std::move(a)),
        work_(
            ::asio::make_work_guard(::asio::get_associated_executor(handler_, core_->executor()))) {
  }

  void run(bool aborted) {
    auto result = attempt_(aborted);
    core_->flush_soon(core_);  // the attempt may have queued packets (SYN, data, window update)
    if (!result) {
      waiter_ =
          core_->wait(fd_, events_, [self = this->shared_from_this()](bool ab) { self->run(ab); });
      connect_cancellation();
      return;
    }
    auto slot = ::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.clear();
    auto ex = ::asio::get_associated_executor(handler_, core_->executor());
    ::asio::post(ex, [h = std::move(handler_), r = std::move(*result)]() mutable {
      std::apply(std::move(h), std::move(r));
    });
    work_.reset();
  }

 private:
  /// Per-operation cancellation (asio::cancellation_slot bound to the
  /// handler, e.g. by awaitable operators or bind_cancellation_slot): any
  /// cancellation type completes the waiting operation with operation_aborted.
  /// Nothing has been transferred while it waits, so this is also "total".
  void connect_cancellation() {
    auto slot = ::asio::get_associated_cancellation_slot(handler_);
    if (!slot.is_connected() || slot.has_handler()) return;
    std::weak_ptr<Op> weak = this->shared_from_this();
    slot.assign([weak](::asio::cancellation_type) {
      if (auto op = weak.lock(); op && op->core_->remove(op->fd_, op->waiter_)) op->run(true);
    });
  }

  CorePtr core_;
  api::Fd fd_;
  std::uint32_t events_;
  Handler handler_;
  Attempt attempt_;
  ::asio::executor_work_guard<::asio::associated_executor_t<Handler, Service::executor_type>> work_;
  std::uint64_t waiter_ = 0;
};

template <typename Signature, typename Token, typename Attempt>
auto async_attempt(const CorePtr& core, api::Fd fd, std::uint32_t events, Token&& token,
                   Attempt attempt) {
  return ::asio::async_initiate<Token, Signature>(
      [core, fd, events](auto handler, Attempt a) {
        using H = decltype(handler);
        std::make_shared<Op<H, Attempt>>(core, fd, events, std::move(handler), std::move(a))
            ->run(false);
      },
      token, std::move(attempt));
}

inline error_code aborted() {
  return make_error_code(::asio::error::operation_aborted);
}

}  // namespace detail

/// A synack TCP socket as an Asio AsyncReadStream + AsyncWriteStream. Do not
/// move a Socket while it has operations pending.
class Socket {
 public:
  using executor_type = Service::executor_type;
  using lowest_layer_type = Socket;

  /// A closed socket; async_connect() opens it.
  explicit Socket(Service& svc) : core_(svc.core()) {}
  /// Adopts a connected synack descriptor (Acceptor does this).
  Socket(detail::CorePtr core, api::Fd fd) : core_(std::move(core)), fd_(fd) {}
  Socket(Socket&& o) noexcept : core_(o.core_), fd_(std::exchange(o.fd_, -1)) {}
  Socket& operator=(Socket&& o) noexcept {
    if (this != &o) {
      close();
      core_ = o.core_;
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { close(); }

  [[nodiscard]] executor_type get_executor() const noexcept { return core_->executor(); }
  [[nodiscard]] Socket& lowest_layer() noexcept { return *this; }
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  /// The synack descriptor (for Stack calls such as setsockopt and tcp_info).
  [[nodiscard]] api::Fd native_handle() const noexcept { return fd_; }

  /// Opens the socket if needed and connects (RFC 9293 §3.5 active open).
  /// Completion: void(error_code) — success, or ECONNREFUSED, ETIMEDOUT,
  /// EHOSTUNREACH, EADDRNOTAVAIL, EISCONN ...; operation_aborted when closed first.
  template <typename Token>
  auto async_connect(api::Endpoint remote, Token&& token) {
    using Result = std::optional<std::tuple<error_code>>;
    bool started = false;
    return detail::async_attempt<void(error_code)>(
        core_, ensure_open(), api::kPollOut, std::forward<Token>(token),
        [this, remote, started](bool aborted) mutable -> Result {
          if (aborted || fd_ < 0 || core_->stopped()) return std::tuple{detail::aborted()};
          api::Stack& st = core_->stack();
          if (!started) {
            started = true;
            auto r = st.connect(fd_, remote, Service::now());
            if (r) return std::tuple{error_code{}};
            if (r.error() != std::errc::operation_in_progress) {
              return std::tuple{make_error(r.error())};
            }
            return std::nullopt;
          }
          const std::uint32_t mask = st.poll(fd_);
          if ((mask & (api::kPollOut | api::kPollErr | api::kPollHup)) == 0) return std::nullopt;
          const int err = st.getsockopt(fd_, api::SockOpt::kError).value_or(0);
          if (err != 0) return std::tuple{make_error(static_cast<std::errc>(err))};
          return std::tuple{error_code{}};
        });
  }

  /// Reads at least one byte into the first non-empty buffer of `buffers`.
  /// Completion: void(error_code, bytes) — eof at the peer's FIN, ECONNRESET,
  /// ETIMEDOUT, ENOTCONN; operation_aborted when closed first.
  template <typename MutableBufferSequence, typename Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    using Result = std::optional<std::tuple<error_code, std::size_t>>;
    ::asio::mutable_buffer first = first_buffer<::asio::mutable_buffer>(buffers);
    return detail::async_attempt<void(error_code, std::size_t)>(
        core_, fd_, api::kPollIn, std::forward<Token>(token),
        [this, first](bool aborted) -> Result {
          if (aborted || fd_ < 0 || core_->stopped()) {
            return std::tuple{detail::aborted(), std::size_t{0}};
          }
          if (first.size() == 0) return std::tuple{error_code{}, std::size_t{0}};
          auto n = core_->stack().recv(fd_, {static_cast<std::byte*>(first.data()), first.size()},
                                       Service::now());
          if (n && *n == 0) return std::tuple{make_error_code(::asio::error::eof), std::size_t{0}};
          if (n) return std::tuple{error_code{}, *n};
          if (n.error() == std::errc::operation_would_block) return std::nullopt;
          return std::tuple{make_error(n.error()), std::size_t{0}};
        });
  }

  /// Queues bytes of `buffers` for sending: as many as the send buffer takes,
  /// at least one. Completion: void(error_code, bytes) — EPIPE, ECONNRESET,
  /// ETIMEDOUT, ENOTCONN; operation_aborted when closed first.
  template <typename ConstBufferSequence, typename Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    using Result = std::optional<std::tuple<error_code, std::size_t>>;
    std::vector<::asio::const_buffer> bufs(::asio::buffer_sequence_begin(buffers),
                                           ::asio::buffer_sequence_end(buffers));
    return detail::async_attempt<void(error_code, std::size_t)>(
        core_, fd_, api::kPollOut, std::forward<Token>(token),
        [this, bufs = std::move(bufs)](bool aborted) -> Result {
          if (aborted || fd_ < 0 || core_->stopped()) {
            return std::tuple{detail::aborted(), std::size_t{0}};
          }
          std::size_t total = 0;
          for (const auto& b : bufs) {
            if (b.size() == 0) continue;
            auto n = core_->stack().send(fd_, {static_cast<const std::byte*>(b.data()), b.size()},
                                         Service::now());
            if (!n) {
              if (total > 0) break;
              if (n.error() == std::errc::operation_would_block) return std::nullopt;
              return std::tuple{make_error(n.error()), std::size_t{0}};
            }
            total += *n;
            if (*n < b.size()) break;
          }
          return std::tuple{error_code{}, total};
        });
  }

  /// Ends one or both directions (kWrite: FIN after the queued data).
  void shutdown(api::ShutdownHow how, error_code& ec) {
    if (core_->stopped()) {
      ec = detail::aborted();
      return;
    }
    auto r = core_->stack().shutdown(fd_, how, Service::now());
    ec = r ? error_code{} : make_error(r.error());
    core_->flush_soon(core_);
  }
  /// Releases the descriptor (the connection closes gracefully in the
  /// background); pending operations complete with operation_aborted.
  void close() {
    if (fd_ < 0) return;
    const api::Fd fd = std::exchange(fd_, -1);
    if (core_->stopped()) return;  // the TunStack keeps (and later frees) it
    core_->cancel(fd);
    (void)core_->stack().close(fd, Service::now());
    core_->flush_soon(core_);
  }
  [[nodiscard]] std::expected<api::Endpoint, std::errc> local_endpoint() const {
    return core_->stack().local_endpoint(fd_);
  }
  [[nodiscard]] std::expected<api::Endpoint, std::errc> remote_endpoint() const {
    return core_->stack().remote_endpoint(fd_);
  }

 private:
  template <typename Buffer, typename Sequence>
  static Buffer first_buffer(const Sequence& seq) {
    for (auto it = ::asio::buffer_sequence_begin(seq); it != ::asio::buffer_sequence_end(seq);
         ++it) {
      Buffer b(*it);
      if (b.size() != 0) return b;
    }
    return Buffer{};
  }
  api::Fd ensure_open() {
    if (fd_ < 0 && !core_->stopped()) fd_ = core_->stack().socket().value_or(-1);
    return fd_;
  }

  detail::CorePtr core_;
  api::Fd fd_ = -1;
};

/// A listening synack socket that accepts into Sockets.
class Acceptor {
 public:
  using executor_type = Service::executor_type;

  /// Binds to `local` (SO_REUSEADDR on) and listens. Throws std::system_error
  /// (EADDRINUSE, EINVAL, EMFILE) as asio::ip::tcp::acceptor's constructor does.
  Acceptor(Service& svc, api::Endpoint local, int backlog = 128) : core_(svc.core()) {
    api::Stack& st = core_->stack();
    auto fd = st.socket();
    if (!fd) throw std::system_error(make_error(fd.error()), "synack socket");
    fd_ = *fd;
    (void)st.setsockopt(fd_, api::SockOpt::kReuseAddr, 1, Service::now());
    if (auto r = st.bind(fd_, local); !r) fail(r.error(), "synack bind");
    if (auto r = st.listen(fd_, backlog, Service::now()); !r) fail(r.error(), "synack listen");
  }
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;
  ~Acceptor() { close(); }

  [[nodiscard]] executor_type get_executor() const noexcept { return core_->executor(); }
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::expected<api::Endpoint, std::errc> local_endpoint() const {
    return core_->stack().local_endpoint(fd_);
  }

  /// The next completed connection. Completion: void(error_code, Socket);
  /// operation_aborted when the acceptor is closed first.
  template <typename Token>
  auto async_accept(Token&& token) {
    using Result = std::optional<std::tuple<error_code, Socket>>;
    return detail::async_attempt<void(error_code, Socket)>(
        core_, fd_, api::kPollIn, std::forward<Token>(token), [this](bool aborted) -> Result {
          if (aborted || fd_ < 0 || core_->stopped()) {
            return std::tuple{detail::aborted(), Socket(core_, -1)};
          }
          auto conn = core_->stack().accept(fd_);
          if (conn) return std::tuple{error_code{}, Socket(core_, *conn)};
          if (conn.error() == std::errc::operation_would_block) return std::nullopt;
          return std::tuple{make_error(conn.error()), Socket(core_, -1)};
        });
  }

  void close() {
    if (fd_ < 0) return;
    const api::Fd fd = std::exchange(fd_, -1);
    if (core_->stopped()) return;
    core_->cancel(fd);
    (void)core_->stack().close(fd, Service::now());
    core_->flush_soon(core_);
  }

 private:
  void fail(std::errc e, const char* what) {
    close();
    throw std::system_error(make_error(e), what);
  }
  detail::CorePtr core_;
  api::Fd fd_ = -1;
};

}  // namespace synack::asio
