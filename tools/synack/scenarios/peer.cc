// SPDX-License-Identifier: Apache-2.0
#include "scenarios/peer.hpp"

#include <array>

namespace synack::scenarios {

void ScriptedServer::start() {
  host_.at(host_.now(), [this] {
    Stack& s = host_.stack();
    listener_ = *s.socket();
    (void)s.bind(listener_, {Ipv4Addr{}, opt_.port});
    (void)s.listen(listener_, opt_.backlog, host_.now());
    host_.on_ready(listener_, [this](std::uint32_t) {
      while (auto fd = host_.stack().accept(listener_)) {
        ++accepted_;
        conn_ = *fd;
        host_.on_ready(conn_, [this](std::uint32_t m) { on_conn(m); });
        on_conn(host_.stack().poll(conn_));
      }
    });
  });
  if (opt_.close_at) host_.at(*opt_.close_at, [this] { close_conn(); });
}

void ScriptedServer::on_conn(std::uint32_t) {
  if (closed_ || conn_ < 0) return;
  std::array<std::byte, 4096> buf;
  for (;;) {
    auto r = host_.stack().recv(conn_, buf, 0, host_.now());
    if (!r) return;
    if (*r == 0) {
      eof_ = true;
      if (opt_.close_on_eof_at_once) close_conn();
      return;
    }
    received_.sha.update(std::span(buf).first(*r));
    received_.bytes += *r;
  }
}

void ScriptedServer::close_conn() {
  if (closed_ || conn_ < 0) return;
  closed_ = true;
  host_.forget(conn_);
  (void)host_.stack().close(conn_, host_.now());
}

}  // namespace synack::scenarios
