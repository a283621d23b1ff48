// SPDX-License-Identifier: Apache-2.0
// The fixtures themselves: child processes with timeouts, and namespaces that
// are really gone afterwards.
#include <gtest/gtest.h>

#include <filesystem>

#include "netns.hpp"

namespace synack::interop {
namespace {

TEST(RunProcess, CapturesOutputAndExitCode) {
  const ProcessResult r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.ok());
}

TEST(RunProcess, KillsAtTheTimeout) {
  const ProcessResult r = run_process({"sleep", "10"}, milliseconds(50));
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

TEST(RunProcess, MissingProgramIsReported) {
  const ProcessResult r = run_process({"synack-no-such-program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("synack-no-such-program"), std::string::npos);
}

class NetNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(NetNamespaceTest, IsDeletedOnDestruction) {
  std::string name;
  {
    auto ns = NetNamespace::create();
    ASSERT_TRUE(ns.has_value()) << ns.error();
    name = ns->name();
    EXPECT_TRUE(name.starts_with("synack-test-")) << name;
    EXPECT_TRUE(NetNamespace::exists(name));
    const ProcessResult lo = ns->exec({"ip", "-o", "link", "show", "lo"});
    EXPECT_NE(lo.out.find("UP"), std::string::npos) << lo.describe();
  }
  EXPECT_FALSE(NetNamespace::exists(name)) << "still listed by `ip netns list`";
  EXPECT_FALSE(std::filesystem::exists("/var/run/netns/" + name));
}

TEST_F(NetNamespaceTest, NamesAreUniqueAndIsolated) {
  auto a = NetNamespace::create();
  auto b = NetNamespace::create();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->name(), b->name());
  // A persistent TUN device made by iproute2 (the dummy module may be absent).
  const ProcessResult add = a->exec({"ip", "tuntap", "add", "dev", "synack-iso", "mode", "tun"});
  ASSERT_TRUE(add.ok()) << add.describe();
  EXPECT_TRUE(a->exec({"ip", "link", "show", "synack-iso"}).ok());
  EXPECT_FALSE(b->exec({"ip", "link", "show", "synack-iso"}).ok());
  EXPECT_FALSE(run_process({"ip", "link", "show", "synack-iso"}).ok()) << "not in the host";
}

TEST_F(NetNamespaceTest, RunInsideUsesAThreadInTheNamespace) {
  auto ns = NetNamespace::create();
  ASSERT_TRUE(ns.has_value());
  auto inode = [] { return std::filesystem::read_symlink("/proc/thread-self/ns/net").string(); };
  const std::string outside = inode();
  const std::string inside = ns->run_inside(inode);
  EXPECT_NE(inside, outside);
  EXPECT_EQ(inode(), outside) << "the caller's thread did not move";
}

TEST_F(NetNamespaceTest, ChildKeepsRunningUntilWaitedAndIsReaped) {
  auto ns = NetNamespace::create();
  ASSERT_TRUE(ns.has_value());
  auto child = ns->spawn({"sh", "-c", "ip -o link show lo; exit 0"});
  ASSERT_TRUE(child.has_value()) << child.error();
  const ProcessResult r = child->wait(seconds(5));
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.out.find("lo"), std::string::npos);
}

}  // namespace
}  // namespace synack::interop
