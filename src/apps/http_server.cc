// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "apps/http.hpp"

namespace synack::apps {
namespace {

constexpr std::size_t kMaxHead = 8192;  // request heads beyond this are refused (431)
constexpr std::size_t kChunk = 16 * 1024;

std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Case-insensitive search for a header token such as "connection: close".
bool head_has(std::string_view head, std::string_view token) {
  const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  for (std::size_t i = 0; i + token.size() <= head.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < token.size() && match; ++k) match = lower(head[i + k]) == token[k];
    if (match) return true;
  }
  return false;
}

}  // namespace

std::byte http_content_byte(std::uint64_t offset) {
  return static_cast<std::byte>(mix(offset / 8 + 0x5eed) >> (8 * (offset % 8)));
}

void fill_http_content(std::uint64_t offset, MutableBytes out) {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = http_content_byte(offset + i);
}

HttpServer::HttpServer(Stack& stack, HttpServerOptions options)
    : stack_(stack), opt_(std::move(options)) {}

std::expected<void, std::errc> HttpServer::start(Instant now) {
  auto fd = stack_.socket();
  if (!fd) return std::unexpected(fd.error());
  listener_ = *fd;
  (void)stack_.setsockopt(listener_, SockOpt::kReuseAddr, 1);
  if (auto r = stack_.bind(listener_, {Ipv4Addr{}, opt_.port}); !r) return r;
  return stack_.listen(listener_, opt_.backlog, now);
}

void HttpServer::on_ready(Fd fd, std::uint32_t mask, Instant now) {
  (void)mask;
  if (fd == listener_) {
    accept_all(now);
    return;
  }
  auto it = conns_.find(fd);
  if (it != conns_.end()) serve(fd, it->second, now);
}

void HttpServer::accept_all(Instant now) {
  while (auto fd = stack_.accept(listener_)) {
    ++stats_.connections;
    serve(*fd, conns_[*fd], now);
  }
}

// Reads request bytes, answers complete requests one at a time (keep-alive),
// and writes as much of the response as the send buffer takes.
void HttpServer::serve(Fd fd, Conn& c, Instant now) {
  std::array<std::byte, 4096> buf;
  for (;;) {
    if (!write_pending(fd, c, now)) return;  // send buffer full: wait for writable
    if (c.close_after && c.head.empty() && c.body_left == 0) {
      finish(fd, now);
      return;
    }
    const auto end = c.request.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string head = c.request.substr(0, end + 4);
      c.request.erase(0, end + 4);
      ++stats_.requests;
      const bool is_get = head.rfind("GET ", 0) == 0;
      if (!is_get) ++stats_.bad_requests;
      c.close_after = opt_.close_after_response || head_has(head, "connection: close") ||
                      head_has(head, "http/1.0") || !is_get;
      start_response(c, head);
      continue;
    }
    auto r = stack_.recv(fd, buf, 0, now);
    if (!r) {
      if (r.error() == std::errc::operation_would_block) return;
      finish(fd, now);  // reset or other error
      return;
    }
    if (*r == 0) {  // the client finished sending: answer what we have, then close
      if (c.head.empty() && c.body_left == 0)
        finish(fd, now);
      else
        c.close_after = true;
      return;
    }
    c.request.append(reinterpret_cast<const char*>(buf.data()), *r);
    if (c.request.size() > kMaxHead && c.request.find("\r\n\r\n") == std::string::npos) {
      ++stats_.bad_requests;
      c.request.clear();
      c.head =
          "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: "
          "close\r\n\r\n";
      c.close_after = true;
    }
  }
}

void HttpServer::start_response(Conn& c, const std::string& head) {
  const std::string connection = c.close_after ? "close" : "keep-alive";
  if (head.rfind("GET ", 0) != 0) {
    c.head = fmt::format(
        "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  const auto path_end = head.find(' ', 4);
  const std::string path = head.substr(4, path_end == std::string::npos ? 0 : path_end - 4);
  std::uint64_t length = 0;
  int status = 200;
  c.file.clear();
  if (opt_.body_bytes) {
    length = *opt_.body_bytes;
  } else if (opt_.root) {
    const std::filesystem::path rel = std::filesystem::path(path).relative_path();
    const bool escapes =
        std::any_of(rel.begin(), rel.end(), [](const auto& p) { return p == ".."; });
    std::ifstream in(*opt_.root / rel, std::ios::binary);
    if (escapes || !in || std::filesystem::is_directory(*opt_.root / rel)) {
      status = 404;
    } else {
      std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      c.file.resize(bytes.size());
      std::memcpy(c.file.data(), bytes.data(), bytes.size());
      length = c.file.size();
    }
  } else {
    status = 404;
  }
  c.head = fmt::format(
      "HTTP/1.1 {} {}\r\nServer: synack\r\nContent-Length: {}\r\n"
      "Content-Type: application/octet-stream\r\nConnection: {}\r\n\r\n",
      status, status == 200 ? "OK" : "Not Found", length, connection);
  c.body_left = length;
  c.body_offset = 0;
}

// Sends the pending head and body. Returns false while the send buffer is full.
bool HttpServer::write_pending(Fd fd, Conn& c, Instant now) {
  while (!c.head.empty()) {
    auto r = stack_.send(fd, as_bytes(c.head), now);
    if (!r) return false;
    c.head.erase(0, *r);
  }
  std::array<std::byte, kChunk> buf;
  while (c.body_left > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_left, buf.size()));
    Bytes piece;
    if (!c.file.empty()) {
      piece = Bytes(c.file).subspan(static_cast<std::size_t>(c.body_offset), n);
    } else {
      fill_http_content(c.body_offset, std::span(buf).first(n));
      piece = std::span(buf).first(n);
    }
    auto r = stack_.send(fd, piece, now);
    if (!r) return false;
    c.body_left -= *r;
    c.body_offset += *r;
    stats_.bytes_sent += *r;
  }
  return true;
}

void HttpServer::finish(Fd fd, Instant now) {
  (void)stack_.close(fd, now);
  conns_.erase(fd);
}

}  // namespace synack::apps
