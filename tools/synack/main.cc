#include <CLI/CLI.hpp>
#include <fmt/core.h>

int main(int argc, char** argv) {
  CLI::App app{"synack: a userspace TCP/IP stack"};
  CLI11_PARSE(app, argc, argv);
  fmt::print("synack\n");
  return 0;
}
