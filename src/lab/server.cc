// SPDX-License-Identifier: Apache-2.0
#include "lab/server.hpp"

#include <exception>

#include <fmt/core.h>
#include <httplib.h>

#include "lab/page_json.hpp"
#include "lab/session.hpp"

// The page, embedded at build time from src/lab/web (embed_text.cmake).
extern const char kLabHtml[];
extern const char kLabJs[];
extern const char kLabCss[];

namespace synack::lab {
namespace {

constexpr std::string_view kJson = "application/json";

Response json_error(int status, const std::string& message) {
  return {status, std::string(kJson), nlohmann::json{{"error", message}}.dump()};
}

Response api_run(const Query& q) {
  const auto params = parse_params(q);
  if (!params) return json_error(400, params.error());
  const auto outcome = run(*params);
  if (!outcome) return json_error(400, outcome.error());
  return {200, std::string(kJson), outcome_json(*outcome).dump()};
}

}  // namespace

Response handle(std::string_view path, const Query& q) {
  try {
    if (path == "/" || path == "/index.html") return {200, "text/html; charset=utf-8", kLabHtml};
    if (path == "/lab.js") return {200, "text/javascript; charset=utf-8", kLabJs};
    if (path == "/lab.css") return {200, "text/css; charset=utf-8", kLabCss};
    if (path == "/api/scenarios") return {200, std::string(kJson), scenarios_json().dump()};
    if (path == "/api/run") return api_run(q);
    if (path.starts_with("/api/")) return json_error(404, fmt::format("no such API: {}", path));
    return {404, "text/plain; charset=utf-8", fmt::format("404: no such page: {}\n", path)};
  } catch (const std::exception& e) {
    return json_error(500, fmt::format("internal error: {}", e.what()));
  }
}

struct Server::Impl {
  httplib::Server http;
  std::string host;
  int port = 0;
};

Server::Server() : impl_(std::make_unique<Impl>()) {
  impl_->http.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    Query q(req.params.begin(), req.params.end());
    const Response r = handle(req.path, q);
    res.status = r.status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(r.body, r.content_type.c_str());
  });
}

Server::~Server() = default;

std::expected<int, std::string> Server::bind(const std::string& host, int port) {
  const int got = port == 0 ? impl_->http.bind_to_any_port(host)
                            : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (got < 0) return std::unexpected(fmt::format("cannot listen on {}:{}", host, port));
  impl_->host = host;
  impl_->port = got;
  return got;
}

bool Server::listen() {
  return impl_->http.listen_after_bind();
}

void Server::stop() {
  impl_->http.stop();
}

}  // namespace synack::lab
