// SPDX-License-Identifier: Apache-2.0
// `synack lab`'s HTTP server (cpp-httplib): the page and its assets, embedded
// in the binary (no CDN: works offline), and a small JSON API.
//
//   GET /                 the lab page (web/index.html)
//   GET /lab.js, /lab.css its script and style
//   GET /api/scenarios    [{name, summary}]
//   GET /api/run?QUERY    a lab run (params.hpp: the query; page_json.hpp: the answer);
//                         400 {"error": "..."} for a bad parameter
//   anything else         404
//
// Every request is answered; a bad one never stops the server.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "lab/params.hpp"

namespace synack::lab {

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
};

/// Answers GET `path` with query `q` (the whole lab without sockets; the
/// server calls it, so can tests).
[[nodiscard]] Response handle(std::string_view path, const Query& q);

class Server {
 public:
  Server();
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds `host`:`port` (port 0: any free port). Returns the port, or a
  /// one-line error ("cannot listen on 127.0.0.1:80").
  [[nodiscard]] std::expected<int, std::string> bind(const std::string& host, int port);
  /// Serves until stop() (blocks). False if the socket failed.
  bool listen();
  /// Makes listen() return (from another thread).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace synack::lab
