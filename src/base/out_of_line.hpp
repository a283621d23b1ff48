// SPDX-License-Identifier: Apache-2.0
// OutOfLine<T>: state a holder rarely needs, kept behind one pointer and
// allocated on first use (the compact TCB of docs/architecture.md: a
// connection's SACK scoreboard, drop counters ...). Copies are deep.
#pragma once

#include <memory>

namespace synack {

template <typename T>
class OutOfLine {
 public:
  OutOfLine() = default;
  OutOfLine(const OutOfLine& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  OutOfLine& operator=(const OutOfLine& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  OutOfLine(OutOfLine&&) noexcept = default;
  OutOfLine& operator=(OutOfLine&&) noexcept = default;
  ~OutOfLine() = default;

  /// Allocated (used at least once since construction or reset()).
  [[nodiscard]] explicit operator bool() const { return p_ != nullptr; }
  /// The value; a default-constructed T (shared, read-only) before first use.
  [[nodiscard]] const T& get() const {
    static const T kNone = T();
    return p_ ? *p_ : kNone;
  }
  /// The value to change, allocated (default-constructed) on the first call.
  [[nodiscard]] T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  /// Frees the storage: get() is a default T again.
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace synack
