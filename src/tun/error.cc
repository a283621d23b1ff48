// SPDX-License-Identifier: Apache-2.0
#include "tun/error.hpp"

#include <cerrno>
#include <cstring>

namespace synack {
namespace {

std::string_view default_hint(std::string_view action, int errnum) {
  if (errnum == EPERM || errnum == EACCES) return kPrivilegeHint;
  if (errnum == ENOENT && action.find("/dev/net/tun") != std::string_view::npos) {
    return "load the tun module (modprobe tun) or create the node "
           "(mkdir -p /dev/net && mknod /dev/net/tun c 10 200)";
  }
  if (errnum == EBUSY) return "another process holds the device; pick another name";
  return {};
}

}  // namespace

TunError make_tun_error(std::string_view action, int errnum, std::string_view hint) {
  if (hint.empty()) hint = default_hint(action, errnum);
  std::string text = "cannot ";
  text += action;
  text += ": ";
  text += std::strerror(errnum);  // NOLINT(concurrency-mt-unsafe): messages only
  if (!hint.empty()) {
    text += " → ";
    text += hint;
  }
  return TunError{static_cast<std::errc>(errnum), std::move(text)};
}

}  // namespace synack
