// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "apps/http.hpp"

namespace synack::apps {

HttpClient::HttpClient(Stack& stack, tcp::Endpoint server, std::string host, std::string path,
                       std::function<void(Bytes)> sink)
    : stack_(stack),
      server_(server),
      request_(fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: synack\r\n"
                           "Connection: close\r\n\r\n",
                           path, host)),
      sink_(std::move(sink)) {}

std::expected<void, std::errc> HttpClient::start(Instant now) {
  auto fd = stack_.socket();
  if (!fd) return std::unexpected(fd.error());
  fd_ = *fd;
  auto r = stack_.connect(fd_, server_, now);
  if (!r && r.error() != std::errc::operation_in_progress) return r;
  return {};
}

void HttpClient::on_ready(Fd fd, std::uint32_t mask, Instant now) {
  if (fd != fd_ || done()) return;
  if (mask & kPollErr) {
    const auto e = stack_.getsockopt(fd_, SockOpt::kError);
    if (e && *e != 0) {
      result_.error = static_cast<std::errc>(*e);
      return;
    }
  }
  while (request_sent_ < request_.size()) {
    auto r = stack_.send(fd_, as_bytes(request_).subspan(request_sent_), now);
    if (!r) break;
    request_sent_ += *r;
  }
  std::array<std::byte, 16 * 1024> buf;
  for (;;) {
    auto r = stack_.recv(fd_, buf, 0, now);
    if (!r) {
      if (r.error() != std::errc::operation_would_block) result_.error = r.error();
      return;
    }
    if (*r == 0) {  // EOF
      result_.complete = head_done_ && result_.body_bytes == result_.content_length;
      if (!result_.complete) result_.error = std::errc::connection_aborted;
      result_.sha256 = sha_.hex();
      (void)stack_.close(fd_, now);
      return;
    }
    Bytes piece(buf.data(), *r);
    if (!head_done_) {
      head_.append(reinterpret_cast<const char*>(piece.data()), piece.size());
      const auto end = head_.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const std::string rest = head_.substr(end + 4);
      head_.resize(end + 4);
      parse_head();
      piece = as_bytes(rest);
      std::vector<std::byte> copy(piece.begin(), piece.end());
      sha_.update(copy);
      result_.body_bytes += copy.size();
      if (sink_ && !copy.empty()) sink_(copy);
      continue;
    }
    sha_.update(piece);
    result_.body_bytes += piece.size();
    if (sink_) sink_(piece);
  }
}

void HttpClient::parse_head() {
  head_done_ = true;
  if (head_.size() > 12) std::from_chars(head_.data() + 9, head_.data() + 12, result_.status);
  for (const std::string key : {"Content-Length:", "content-length:"}) {
    const auto at = head_.find(key);
    if (at == std::string::npos) continue;
    std::size_t p = at + key.size();
    while (p < head_.size() && head_[p] == ' ') ++p;
    std::from_chars(head_.data() + p, head_.data() + head_.size(), result_.content_length);
  }
}

}  // namespace synack::apps
