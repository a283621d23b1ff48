// SPDX-License-Identifier: Apache-2.0
#include "viz/load.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "viz/run_json.hpp"

namespace synack::viz {

std::expected<Run, std::string> load_run(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(fmt::format("{}: read error", path));
  auto run = run_from_json(text.str());
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
