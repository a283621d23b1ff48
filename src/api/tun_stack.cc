// SPDX-License-Identifier: Apache-2.0
// synack::api::TunStack over the tun layer's TunStack and EventLoop.
#include "synack/tun_stack.hpp"

#include <cerrno>

#include "api/impl.hpp"
#include "tun/tun_stack.hpp"

namespace synack::api {

using detail::to_internal;
using detail::to_public;

namespace detail {

struct TunStackImpl {
  std::unique_ptr<synack::TunStack> tun;
  api::Stack stack;         // borrows tun->stack()
  bool processing = false;  // inside wait_and_process (callbacks run there)
};

}  // namespace detail

namespace {

static_assert(static_cast<int>(RunResult::kDone) == static_cast<int>(synack::RunResult::kDone) &&
              static_cast<int>(RunResult::kTimedOut) ==
                  static_cast<int>(synack::RunResult::kTimedOut) &&
              static_cast<int>(RunResult::kStopped) ==
                  static_cast<int>(synack::RunResult::kStopped) &&
              static_cast<int>(RunResult::kError) == static_cast<int>(synack::RunResult::kError));

std::expected<void, std::errc> loop_result(bool ok, const synack::EventLoop& loop) {
  if (ok) return {};
  return std::unexpected(
      static_cast<std::errc>(loop.last_error() != 0 ? loop.last_error() : ENODEV));
}

}  // namespace

std::expected<TunStack, Error> TunStack::open(const TunOptions& options) {
  TunStackOptions o;
  o.tun.name = options.device;
  o.tun.netns = options.netns;
  if (options.kernel_address) o.tun.kernel_address = Ipv4Addr{options.kernel_address->value};
  o.tun.prefix_len = options.prefix_len;
  o.tun.mtu = options.mtu;
  o.stack = to_internal(options.stack);
  o.capture_path = options.capture_path;
  auto tun = synack::TunStack::create(std::move(o));
  if (!tun) return std::unexpected(Error{tun.error().code, tun.error().message});
  api::Stack stack = detail::StackImpl::borrow((*tun)->stack());
  auto impl = std::make_unique<detail::TunStackImpl>(
      detail::TunStackImpl{std::move(*tun), std::move(stack)});
  // The device's packets and the stack's timers are read on the first wake-up;
  // the now() before it is the opening time.
  impl->tun->flush(synack::EventLoop::now());
  return TunStack(std::move(impl));
}

TunStack::TunStack(std::unique_ptr<detail::TunStackImpl> impl) : impl_(std::move(impl)) {}
TunStack::~TunStack() = default;
TunStack::TunStack(TunStack&&) noexcept = default;
TunStack& TunStack::operator=(TunStack&&) noexcept = default;

Stack& TunStack::stack() {
  return impl_->stack;
}
int TunStack::fd() const {
  return impl_->tun->loop().epoll_fd();
}
Instant TunStack::next_deadline() const {
  return to_public(impl_->tun->stack().next_deadline());
}
std::expected<void, std::errc> TunStack::process() {
  return wait_and_process(Duration::zero());
}
std::expected<void, std::errc> TunStack::wait_and_process(Duration max_wait) {
  // From inside a readiness callback the wake-up in progress flushes at its end.
  if (impl_->processing) return std::unexpected(std::errc::resource_deadlock_would_occur);
  impl_->processing = true;
  synack::EventLoop& loop = impl_->tun->loop();
  const bool ok = loop.run_once(synack::nanoseconds(max_wait.count()));
  impl_->processing = false;
  return loop_result(ok, loop);
}
Instant TunStack::now() const {
  return to_public(impl_->tun->now());
}

RunResult TunStack::run_until(const std::function<bool()>& done, Duration max) {
  impl_->tun->loop().clear_stop();
  return static_cast<RunResult>(impl_->tun->run_until(done, synack::nanoseconds(max.count())));
}
void TunStack::stop() {
  impl_->tun->loop().stop();
}

}  // namespace synack::api
