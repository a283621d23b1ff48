// SPDX-License-Identifier: Apache-2.0
#include "tun/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace synack {
namespace {

TEST(TunError, PermissionMessageIsExact) {
  const TunError e = make_tun_error("open /dev/net/tun", EPERM);
  EXPECT_EQ(e.code, std::errc::operation_not_permitted);
  EXPECT_EQ(
      e.message,
      "cannot open /dev/net/tun: Operation not permitted → run as root or grant CAP_NET_ADMIN");
}

TEST(TunError, AccessDeniedGetsThePrivilegeHint) {
  const TunError e = make_tun_error("open /dev/net/tun", EACCES);
  EXPECT_EQ(e.message,
            "cannot open /dev/net/tun: Permission denied → run as root or grant CAP_NET_ADMIN");
}

TEST(TunError, MissingDeviceNodeSuggestsTheModule) {
  const TunError e = make_tun_error("open /dev/net/tun", ENOENT);
  EXPECT_EQ(e.code, std::errc::no_such_file_or_directory);
  EXPECT_TRUE(e.message.starts_with("cannot open /dev/net/tun: No such file or directory → "));
  EXPECT_NE(e.message.find("modprobe tun"), std::string::npos);
}

TEST(TunError, ExplicitHintWinsAndNoHintMeansNoArrow) {
  EXPECT_EQ(make_tun_error("do x", ENOENT, "do y").message,
            "cannot do x: No such file or directory → do y");
  EXPECT_EQ(make_tun_error("do x", EINVAL).message, "cannot do x: Invalid argument");
}

}  // namespace
}  // namespace synack
