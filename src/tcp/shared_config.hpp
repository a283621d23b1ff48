// SPDX-License-Identifier: Apache-2.0
// One tcp::Config shared by every connection, listener and socket made from
// it, copied out of line only when one of them changes an option
// (copy-on-write): a connection holds a pointer to its configuration (16
// bytes) instead of its own copy (sizeof(Config) bytes). Issue 12, compact TCB.
#pragma once

#include <memory>

#include "tcp/config.hpp"

namespace synack::tcp {

/// A shared, copy-on-write tcp::Config. Copies share one Config; mutate()
/// gives a holder its own copy first when another holder shares it, so a
/// socket option changed on one connection never reaches another. Not
/// thread-safe across holders that share one Config (one stack per thread).
class SharedConfig {
 public:
  /// Empty: holds no Config (operator bool false); assign one before use.
  SharedConfig() = default;
  /// A new Config, a copy of `cfg`, held by this one alone (implicit: a
  /// plain Config is accepted wherever a SharedConfig is).
  SharedConfig(const Config& cfg)
      : p_(std::make_shared<Config>(cfg)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] explicit operator bool() const { return p_ != nullptr; }
  [[nodiscard]] const Config& operator*() const { return *p_; }
  [[nodiscard]] const Config* operator->() const { return p_.get(); }
  /// The Config to change: this holder's own (copied first if shared).
  [[nodiscard]] Config& mutate() {
    if (p_.use_count() != 1) p_ = std::make_shared<Config>(*p_);
    return *p_;
  }
  /// Holders of this Config (tests: 1 = own copy).
  [[nodiscard]] long holders() const { return p_.use_count(); }

 private:
  std::shared_ptr<Config> p_;
};

}  // namespace synack::tcp
