// SPDX-License-Identifier: Apache-2.0
// The C API (include/synack/synack.h): an hourglass over the public C++ API
// only (synack/stack.hpp, synack/tun_stack.hpp). No exception crosses it:
// allocation failures become NULL/ENOMEM.
#include "synack/synack.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <optional>

#include "synack/stack.hpp"
#include "synack/tun_stack.hpp"

using namespace synack::api;

struct synack_stack {
  std::optional<Stack> owned;  // empty for the stack of a synack_tun
  Stack* stack = nullptr;
};

struct synack_tun {
  explicit synack_tun(TunStack t) : tun(std::move(t)) { view.stack = &tun.stack(); }
  TunStack tun;
  synack_stack view;
};

namespace {

Instant at(synack_time_ns ns) {
  return Instant(Duration(ns));
}
synack_time_ns ns_of(Instant t) {
  return t == kNever ? SYNACK_NEVER : static_cast<synack_time_ns>(t.time_since_epoch().count());
}
int neg(std::errc e) {
  return -static_cast<int>(e);
}
Endpoint endpoint(synack_endpoint e) {
  return {Ipv4Address{e.addr}, e.port};
}

Config config_of(const synack_config* c) {
  synack_config d;
  if (c == nullptr) {
    synack_config_init(&d);
    c = &d;
  }
  Config out;
  out.address = Ipv4Address{c->address};
  out.mtu = c->mtu;
  out.ttl = c->ttl;
  out.personality = static_cast<Personality>(c->personality);
  out.rcv_buf = c->rcv_buf;
  out.snd_buf = c->snd_buf;
  if (c->has_secret != 0) {
    Secret s{};
    std::memcpy(s.data(), c->secret, s.size());
    out.secret = s;
  }
  return out;
}

bool valid(const synack_config* c) {
  return c == nullptr || (c->personality <= SYNACK_PERSONALITY_FREEBSD && c->mtu >= 68);
}

template <typename T>
int64_t result(const std::expected<T, std::errc>& r) {
  return r ? static_cast<int64_t>(*r) : neg(r.error());
}
int result(const std::expected<void, std::errc>& r) {
  return r ? 0 : neg(r.error());
}

}  // namespace

extern "C" {

void synack_config_init(synack_config* config) {
  const Config d;
  *config = synack_config{};
  config->address = d.address.value;
  config->mtu = d.mtu;
  config->ttl = d.ttl;
  config->personality = SYNACK_PERSONALITY_DEFAULT;
}

int synack_ipv4_parse(const char* text, uint32_t* addr) {
  auto a = text != nullptr ? Ipv4Address::parse(text) : std::nullopt;
  if (!a) return -EINVAL;
  *addr = a->value;
  return 0;
}

synack_stack* synack_stack_new(const synack_config* config) {
  if (!valid(config)) {
    errno = EINVAL;
    return nullptr;
  }
  try {
    auto* s = new synack_stack;
    s->owned.emplace(config_of(config));
    s->stack = &*s->owned;
    return s;
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    return nullptr;
  }
}

void synack_stack_free(synack_stack* stack) {
  if (stack != nullptr && stack->owned) delete stack;
}

void synack_receive(synack_stack* s, const void* packet, size_t len, synack_time_ns now) {
  s->stack->receive({static_cast<const std::byte*>(packet), len}, at(now));
}

const uint8_t* synack_poll_transmit(synack_stack* s, synack_time_ns now, size_t* len) {
  auto p = s->stack->poll_transmit(at(now));
  if (!p) {
    *len = 0;
    return nullptr;
  }
  *len = p->size();
  return reinterpret_cast<const uint8_t*>(p->data());
}

synack_time_ns synack_next_deadline(const synack_stack* s) {
  return ns_of(s->stack->next_deadline());
}
void synack_on_timeout(synack_stack* s, synack_time_ns now) {
  s->stack->on_timeout(at(now));
}

int synack_socket(synack_stack* s) {
  return static_cast<int>(result(s->stack->socket()));
}
int synack_bind(synack_stack* s, int fd, synack_endpoint local) {
  return result(s->stack->bind(fd, endpoint(local)));
}
int synack_listen(synack_stack* s, int fd, int backlog, synack_time_ns now) {
  return result(s->stack->listen(fd, backlog, at(now)));
}
int synack_accept(synack_stack* s, int fd, synack_endpoint* peer) {
  Endpoint p;
  auto r = s->stack->accept(fd, &p);
  if (r && peer != nullptr) *peer = {p.address.value, p.port};
  return static_cast<int>(result(r));
}
int synack_connect(synack_stack* s, int fd, synack_endpoint remote, synack_time_ns now) {
  return result(s->stack->connect(fd, endpoint(remote), at(now)));
}
int64_t synack_send(synack_stack* s, int fd, const void* data, size_t len, synack_time_ns now) {
  return result(s->stack->send(fd, {static_cast<const std::byte*>(data), len}, at(now)));
}
int64_t synack_recv(synack_stack* s, int fd, void* out, size_t cap, int flags, synack_time_ns now) {
  return result(s->stack->recv(fd, {static_cast<std::byte*>(out), cap}, at(now), flags));
}
int synack_shutdown(synack_stack* s, int fd, int how, synack_time_ns now) {
  if (how < SYNACK_SHUT_RD || how > SYNACK_SHUT_RDWR) return -EINVAL;
  return result(s->stack->shutdown(fd, static_cast<ShutdownHow>(how), at(now)));
}
int synack_close(synack_stack* s, int fd, synack_time_ns now) {
  return result(s->stack->close(fd, at(now)));
}
int synack_getsockopt(const synack_stack* s, int fd, int opt, int* value) {
  if (opt < SYNACK_SO_ERROR || opt > SYNACK_TCP_USER_TIMEOUT) return -ENOPROTOOPT;
  auto r = s->stack->getsockopt(fd, static_cast<SockOpt>(opt));
  if (!r) return neg(r.error());
  *value = *r;
  return 0;
}
int synack_setsockopt(synack_stack* s, int fd, int opt, int value, synack_time_ns now) {
  if (opt < SYNACK_SO_ERROR || opt > SYNACK_TCP_USER_TIMEOUT) return -ENOPROTOOPT;
  return result(s->stack->setsockopt(fd, static_cast<SockOpt>(opt), value, at(now)));
}
uint32_t synack_poll(const synack_stack* s, int fd) {
  return s->stack->poll(fd);
}
void synack_set_callback(synack_stack* s, synack_ready_fn fn, void* user) {
  if (fn == nullptr) {
    s->stack->set_callback({});
    return;
  }
  s->stack->set_callback([fn, user](Fd fd, std::uint32_t mask) { fn(user, fd, mask); });
}

synack_tun* synack_tun_open(const char* device, uint32_t kernel_addr, uint8_t prefix_len,
                            const synack_config* config) {
  if (!valid(config)) {
    errno = EINVAL;
    return nullptr;
  }
  try {
    TunOptions o{.device = device != nullptr ? device : "synack0",
                 .kernel_address = Ipv4Address{kernel_addr},
                 .prefix_len = prefix_len,
                 .stack = config_of(config)};
    auto t = TunStack::open(o);
    if (!t) {
      errno = static_cast<int>(t.error().code);
      return nullptr;
    }
    return new synack_tun(std::move(*t));
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    return nullptr;
  }
}
void synack_tun_free(synack_tun* tun) {
  delete tun;
}
synack_stack* synack_tun_stack(synack_tun* tun) {
  return &tun->view;
}
int synack_tun_fd(const synack_tun* tun) {
  return tun->tun.fd();
}
int synack_tun_process(synack_tun* tun) {
  auto r = tun->tun.process();
  return r ? 0 : neg(r.error());
}
synack_time_ns synack_tun_now(const synack_tun* tun) {
  return ns_of(tun->tun.now());
}

}  // extern "C"
