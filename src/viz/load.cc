// SPDX-License-Identifier: Apache-2.0
#include "viz/load.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "viz/run_json.hpp"

namespace synack::viz {

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;

std::uint64_t size_or_zero(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

std::expected<Run, std::string> load_run(const std::string& path, const ReadProgress& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  const std::uint64_t total = size_or_zero(path);
  std::string text;
  std::vector<char> chunk(kChunk);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (progress) progress(text.size(), total);
  }
  if (in.bad()) return std::unexpected(fmt::format("{}: read error", path));
  auto run = run_from_json(text);
  if (!run) return std::unexpected(fmt::format("{}: {}", path, run.error()));
  return run;
}

std::expected<std::string, std::string> draw_file(const std::string& path, Format f,
                                                  const RenderOptions& opt) {
  auto run = load_run(path);
  if (!run) return std::unexpected(run.error());
  return render(f, *run, opt);
}

}  // namespace synack::viz
