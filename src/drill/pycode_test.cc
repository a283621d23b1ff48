// SPDX-License-Identifier: Apache-2.0
// The %{ }% subset evaluator (pycode.hpp).
#include "drill/pycode.hpp"

#include <gtest/gtest.h>

namespace synack::drill {
namespace {

struct Py {
  std::map<std::string, std::int64_t> vars;
  std::map<std::string, std::int64_t> info{
      {"tcpi_snd_cwnd", 10}, {"tcpi_options", 7}, {"tcpi_rtt", 12000}};
  PyResult run(std::string_view code) {
    return run_python(code, vars, [this](std::string_view n) -> std::optional<std::int64_t> {
      const auto it = info.find(std::string(n));
      if (it == info.end()) return std::nullopt;
      return it->second;
    });
  }
};

TEST(Pycode, AssertsHoldAndFail) {
  Py py;
  EXPECT_EQ(py.run("assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd").kind, PyResult::Kind::kOk);
  EXPECT_EQ(py.run("assert 5000 <= tcpi_rtt <= 20000, 'srtt=%d us' % tcpi_rtt").kind,
            PyResult::Kind::kOk);
  EXPECT_EQ(py.run("assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options").kind,
            PyResult::Kind::kOk);
  const auto r = py.run("assert tcpi_snd_cwnd == 11, tcpi_snd_cwnd");
  EXPECT_EQ(r.kind, PyResult::Kind::kAssertFailed);
  EXPECT_EQ(r.message, "assertion failed: tcpi_snd_cwnd == 11 (tcpi_snd_cwnd is 10)");
  EXPECT_EQ(py.run("assert 1 < tcpi_snd_cwnd < 5").kind, PyResult::Kind::kAssertFailed);
}

TEST(Pycode, VariablesPersistAcrossBlocks) {
  Py py;
  EXPECT_EQ(py.run("cwnd = 8").kind, PyResult::Kind::kOk);
  EXPECT_EQ(py.run("print(tcpi_snd_cwnd); cwnd += 2; assert tcpi_snd_cwnd == cwnd, 'x'").kind,
            PyResult::Kind::kOk);
  EXPECT_EQ(py.vars["cwnd"], 10);
  EXPECT_EQ(py.run("TCP_INFINITE_SSTHRESH = 0x7fffffff\nassert TCP_INFINITE_SSTHRESH > 0").kind,
            PyResult::Kind::kOk);
  EXPECT_EQ(py.run("assert tcpi_probes == 0, tcpi_probes; \\\n assert 1 == 1").message,
            "tcp_info field tcpi_probes not available");
}

TEST(Pycode, SyntaxOutsideTheSubsetIsNamed) {
  EXPECT_EQ(check_python("assert tcpi_lost == 6, tcpi_lost"), std::nullopt);
  EXPECT_EQ(check_python("for i in range(3): pass"), "python: unexpected 'for'");
  EXPECT_EQ(check_python("assert len(x) == 1"), "python: unexpected '('");
  EXPECT_EQ(python_constant("TCP_CA_Recovery"), 3);
  EXPECT_EQ(python_constant("TCPI_OPT_SYN_DATA"), 32);
}

}  // namespace
}  // namespace synack::drill
