// SPDX-License-Identifier: Apache-2.0
// A small HTTP/1.1 server and client on synack's socket API (RFC 9112 subset:
// GET, Content-Length bodies, keep-alive, `Connection: close`). Used by
// `synack serve --http`, `synack fetch`, the interop tests and the demo.
//
// Both are event-driven: the driver calls on_ready(fd, mask) from the stack's
// readiness callback (or polls) — nothing here blocks, sleeps or reads a clock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/sha256.hpp"
#include "stack/stack.hpp"

namespace synack::apps {

/// Byte `offset` of the deterministic body served by `--http-bytes` (any path).
[[nodiscard]] std::byte http_content_byte(std::uint64_t offset);
/// Fills `out` with body bytes [offset, offset + out.size()).
void fill_http_content(std::uint64_t offset, MutableBytes out);

struct HttpServerOptions {
  std::uint16_t port = 80;
  int backlog = 128;
  /// Serve files below this directory (GET /a/b → root/a/b; ".." refused).
  std::optional<std::filesystem::path> root{};
  /// Or: answer every GET with this many deterministic bytes.
  std::optional<std::uint64_t> body_bytes{};
  /// Close after each response (send `Connection: close`): the server then
  /// closes first and holds TIME-WAIT.
  bool close_after_response = false;
};

struct HttpServerStats {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bad_requests = 0;
};

class HttpServer {
 public:
  HttpServer(Stack& stack, HttpServerOptions options);
  /// socket + bind + listen. Errors: as Stack::bind / listen.
  std::expected<void, std::errc> start(Instant now);
  /// Readiness of any fd (the listener's or a connection's); unknown fds ignored.
  void on_ready(Fd fd, std::uint32_t mask, Instant now);
  [[nodiscard]] const HttpServerStats& stats() const { return stats_; }
  [[nodiscard]] Fd listener() const { return listener_; }
  [[nodiscard]] std::size_t open_connections() const { return conns_.size(); }

 private:
  struct Conn {
    std::string request;            // bytes of the request head read so far
    std::uint64_t body_left = 0;    // response body still to send
    std::uint64_t body_offset = 0;  // offset within the body (deterministic content)
    std::vector<std::byte> file;    // body of a file response
    std::string head;               // response head not yet sent
    bool close_after = false;
    bool peer_done = false;
  };
  void accept_all(Instant now);
  void serve(Fd fd, Conn& c, Instant now);
  void start_response(Conn& c, const std::string& head);
  bool write_pending(Fd fd, Conn& c, Instant now);
  void finish(Fd fd, Instant now);

  Stack& stack_;
  HttpServerOptions opt_;
  Fd listener_ = -1;
  std::unordered_map<Fd, Conn> conns_;
  HttpServerStats stats_;
};

/// GET one URL path over one connection and hash the body.
struct HttpFetchResult {
  int status = 0;
  std::uint64_t content_length = 0;
  std::uint64_t body_bytes = 0;
  std::string sha256;
  std::optional<std::errc> error{};
  bool complete = false;
};

class HttpClient {
 public:
  /// `sink` (optional) receives each body piece as it arrives.
  HttpClient(Stack& stack, tcp::Endpoint server, std::string host, std::string path,
             std::function<void(Bytes)> sink = {});
  /// socket + connect (non-blocking). Errors: as Stack::connect (EINPROGRESS is success).
  std::expected<void, std::errc> start(Instant now);
  void on_ready(Fd fd, std::uint32_t mask, Instant now);
  [[nodiscard]] bool done() const { return result_.complete || result_.error.has_value(); }
  [[nodiscard]] const HttpFetchResult& result() const { return result_; }
  [[nodiscard]] Fd fd() const { return fd_; }

 private:
  void parse_head();
  Stack& stack_;
  tcp::Endpoint server_;
  std::string request_;
  std::size_t request_sent_ = 0;
  std::function<void(Bytes)> sink_;
  Fd fd_ = -1;
  std::string head_;
  bool head_done_ = false;
  Sha256 sha_;
  HttpFetchResult result_;
};

}  // namespace synack::apps
