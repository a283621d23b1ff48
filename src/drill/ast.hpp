// SPDX-License-Identifier: Apache-2.0
// The packetdrill script as values: what the parser produces and the executor
// runs. Covers the language subset the corpus needs
// (docs/conformance.md "Language subset").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace synack::drill {

/// How an event's time is written (packetdrill's event time types).
enum class TimeKind : std::uint8_t {
  kAbsolute,  ///< "0.1": µs since the script started
  kRelative,  ///< "+0.1": µs after the previous event
  kAny,       ///< "*": any time (outbound packets only)
};

/// An event's time. All values are µs; `end_usecs` and `range_end_usecs` are
/// in the same frame as `usecs` (relative to the previous event when kind is
/// kRelative, absolute otherwise).
struct EventTime {
  TimeKind kind = TimeKind::kRelative;
  std::int64_t usecs = 0;
  /// "T1~T2": the event may happen anywhere in [T1, T2].
  std::optional<std::int64_t> range_end_usecs;
  /// "T1...T2": a system call that starts at T1 and blocks until T2.
  std::optional<std::int64_t> end_usecs;
  /// A backtick command written without a time (Linux scripts open with one);
  /// it runs as "+0".
  bool untimed = false;
};

/// A system call argument or return value, parsed generically.
struct Expr {
  enum class Kind : std::uint8_t {
    kEllipsis,  ///< "...": filled in by the runner (address, zero buffer)
    kInteger,   ///< decimal, hex or negative integer
    kSymbol,    ///< a name such as SOCK_STREAM or ECONNRESET
    kString,    ///< "text" (without the quotes, escapes kept as written)
    kOr,        ///< A | B | C (items)
    kList,      ///< [a, b] — packetdrill's in/out integer cells
    kStruct,    ///< {a=1, b=2} (items, with field names; "" when unnamed)
    kCall,      ///< name(args), e.g. htons(8080) (text = name, items = args)
  };
  Kind kind = Kind::kEllipsis;
  std::int64_t integer = 0;
  std::string text;
  std::vector<Expr> items;
  std::vector<std::string> fields;  ///< kStruct only: one name per item

  /// packetdrill-style text, e.g. "[65536]", "O_RDWR | O_NONBLOCK".
  [[nodiscard]] std::string to_string() const;
};

/// `name(args) = ret [ERRNO] [(note)]`.
struct SyscallEvent {
  std::string name;
  std::vector<Expr> args;
  Expr ret;
  std::optional<std::string> errno_name;  ///< e.g. "EINPROGRESS"
  std::optional<std::string> note;        ///< the parenthesised comment
};

/// One option in a packet line's option list.
struct OptionSpec {
  enum class Kind : std::uint8_t {
    kNop,
    kEol,
    kMss,
    kWindowScale,
    kSackPermitted,
    kSack,
    kTimestamps,
    kFastOpen,     ///< "FO [COOKIE]": RFC 7413 option, kind 34
    kFastOpenExp,  ///< "FOEXP [COOKIE]": the experimental kind 254, magic 0xF989
    kMd5,          ///< "md5 [DIGEST]": RFC 2385 signature, kind 19
  };
  Kind kind = Kind::kNop;
  std::uint32_t value = 0;                                    ///< MSS (bytes) or window scale shift
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sack;  ///< blocks [left, right)
  std::uint32_t ts_val = 0;  ///< TS val as scripted (never checked outbound)
  std::uint32_t ts_ecr = 0;  ///< TS ecr as scripted
  /// FO / FOEXP / md5: the cookie or digest as written (hex digits, or a
  /// name such as TFO_COOKIE); empty when none is given.
  std::string text;
};

/// ECN codepoint in the IP header, written "[noecn]", "[ect0]", "[ect1]", "[ce]".
enum class Ecn : std::uint8_t { kNotEct = 0, kEct1 = 1, kEct0 = 2, kCe = 3 };

enum class Direction : std::uint8_t { kInbound, kOutbound };  ///< '<' into the stack, '>' out of it

/// `<|> [ecn] FLAGS start:end(len) [ack N] [win W] [urg U] [<options>]`.
struct PacketEvent {
  Direction direction = Direction::kInbound;
  std::optional<Ecn> ecn;
  std::string flags_text;     ///< as written, e.g. "S.", "-"
  std::uint16_t flags = 0;    ///< TcpFlags bits (S F R P . E W U, A = AE)
  bool seq_any = false;       ///< "...(len)": sequence number not checked (FreeBSD)
  bool seq_absolute = false;  ///< "N!": raw sequence number, not ISN-relative (FreeBSD)
  std::uint32_t seq = 0;      ///< start
  std::uint32_t len = 0;      ///< payload bytes (end - start)
  std::optional<std::uint32_t> ack;
  bool ack_absolute = false;
  std::optional<std::uint16_t> window;  ///< raw field
  std::optional<std::uint16_t> urgent;
  bool options_any = false;  ///< "<...>": options not checked
  std::vector<OptionSpec> options;

  /// The line as packetdrill would print it, e.g. "S. 0:0(0) ack 1 win 65535 <mss 1460>".
  [[nodiscard]] std::string to_string() const;
};

/// `<|> icmp TYPE [CODE] ...`: parsed and kept, not run (the runner SKIPs it).
struct IcmpEvent {
  Direction direction = Direction::kInbound;
  std::string type;
  std::string code;
  std::string rest;  ///< the remainder of the line, as written
};

/// A backtick shell command, e.g. `sysctl -w net.inet.tcp.rfc1323=1`; in
/// Linux scripts often several lines (`../common/defaults.sh` and sysctls).
struct CommandEvent {
  std::string text;  ///< between the backticks, newlines kept
};

/// One `assert NAME OP VALUE` statement of a %{ }% block.
struct Assertion {
  std::string name;   ///< e.g. "tcpi_state"
  std::string op;     ///< "==", "!=", "<", "<=", ">", ">="
  std::string value;  ///< e.g. "TCPI_ESTABLISHED" or "0"
};

/// A %{ ... }% block (Python in packetdrill); only `assert` statements are run.
struct CodeEvent {
  std::string text;
  std::vector<Assertion> asserts;
  bool only_asserts = true;  ///< false if a statement is not a recognised assert
};

using EventBody = std::variant<PacketEvent, IcmpEvent, SyscallEvent, CommandEvent, CodeEvent>;

/// One timed line of a script.
struct Event {
  int line = 0;  ///< 1-based line in the script file
  EventTime time;
  EventBody body;
};

enum class IpVersion : std::uint8_t { kIpv4, kIpv6, kIpv4MappedIpv6 };

/// A parsed script.
struct Script {
  std::string path;
  std::map<std::string, std::string> options;  ///< every --name=value header, as written
  IpVersion ip_version = IpVersion::kIpv4;
  std::int64_t tolerance_usecs = 4000;  ///< packetdrill's default
  std::optional<std::uint32_t> mtu;     ///< --mtu (bytes)
  std::vector<Event> events;
};

}  // namespace synack::drill
