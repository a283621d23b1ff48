// SPDX-License-Identifier: Apache-2.0
#include "netns.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <utility>

extern char** environ;

namespace synack::interop {
namespace {

constexpr std::size_t kMaxOutput = 1 << 20;
constexpr std::string_view kPrefix = "synack-test-";

std::string read_all(int fd) {
  std::string text;
  if (fd < 0 || ::lseek(fd, 0, SEEK_SET) < 0) return text;
  char buf[4096];
  while (text.size() < kMaxOutput) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

std::vector<std::string> with_netns(std::string_view name, const std::vector<std::string>& argv) {
  std::vector<std::string> full{"ip", "netns", "exec", std::string(name)};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

// Deletes synack-test-<pid>-<n> namespaces whose process is gone.
void reap_stale() {
  for (const std::string& name : NetNamespace::list()) {
    if (!name.starts_with(kPrefix)) continue;
    const std::string rest = name.substr(kPrefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(rest.substr(0, dash).c_str(), nullptr, 10));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno == EPERM) continue;  // still alive
    (void)run_process({"ip", "netns", "del", name}, seconds(5));
  }
}

}  // namespace

std::string ProcessResult::describe() const {
  std::ostringstream s;
  if (timed_out) {
    s << "timed out";
  } else if (term_signal != 0) {
    s << "killed by signal " << term_signal;
  } else {
    s << "exit " << exit_code;
  }
  s << "\n--- stdout ---\n" << out << "--- stderr ---\n" << err;
  return s.str();
}

std::expected<ChildProcess, std::string> ChildProcess::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::unexpected("empty command");
  const int out_fd = ::memfd_create("child-stdout", MFD_CLOEXEC);
  const int err_fd = ::memfd_create("child-stderr", MFD_CLOEXEC);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
    return std::unexpected(std::string("memfd_create: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ::close(out_fd);
    ::close(err_fd);
    return std::unexpected("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  const int pidfd = pidfd_open(pid);
  return ChildProcess(pid, pidfd, out_fd, err_fd);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      err_fd_(std::exchange(other.err_fd_, -1)) {}

ChildProcess::~ChildProcess() {
  kill_and_reap();
  for (int fd : {pidfd_, out_fd_, err_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void ChildProcess::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);  // our own child, by pid
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

ProcessResult ChildProcess::wait(Duration timeout) {
  ProcessResult result;
  if (pid_ <= 0) {
    result.err = "wait(): no child";
    return result;
  }
  pollfd p{pidfd_, POLLIN, 0};
  const int ms = static_cast<int>(std::chrono::ceil<milliseconds>(timeout).count());
  int ready = 0;
  do {
    ready = ::poll(&p, 1, ms);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    result.timed_out = true;
    kill_and_reap();
  } else {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  }
  result.out = read_all(out_fd_);
  result.err = read_all(err_fd_);
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, Duration timeout) {
  auto child = ChildProcess::spawn(argv);
  if (!child) {
    ProcessResult r;
    r.exit_code = 127;
    r.err = child.error();
    return r;
  }
  return child->wait(timeout);
}

std::expected<NetNamespace, std::string> NetNamespace::create() {
  static std::atomic<int> counter{0};
  reap_stale();
  std::string name =
      std::string(kPrefix) + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const ProcessResult add = run_process({"ip", "netns", "add", name}, seconds(5));
  if (!add.ok()) return std::unexpected("ip netns add " + name + ": " + add.describe());
  NetNamespace ns(std::move(name));  // from here on the destructor deletes it
  const ProcessResult lo = ns.exec({"ip", "link", "set", "lo", "up"}, seconds(5));
  if (!lo.ok()) return std::unexpected("lo up in " + ns.name() + ": " + lo.describe());
  return ns;
}

NetNamespace::~NetNamespace() {
  if (name_.empty()) return;
  const ProcessResult del = run_process({"ip", "netns", "del", name_}, seconds(10));
  if (!del.ok()) {
    std::fprintf(stderr, "synack: could not delete namespace %s: %s\n", name_.c_str(),
                 del.describe().c_str());
  }
}

ProcessResult NetNamespace::exec(const std::vector<std::string>& argv, Duration timeout) const {
  return run_process(with_netns(name_, argv), timeout);
}

std::expected<ChildProcess, std::string> NetNamespace::spawn(
    const std::vector<std::string>& argv) const {
  return ChildProcess::spawn(with_netns(name_, argv));
}

std::vector<std::string> NetNamespace::list() {
  std::vector<std::string> names;
  const ProcessResult r = run_process({"ip", "netns", "list"}, seconds(5));
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    // "name" or "name (id: 3)"
    const auto space = line.find(' ');
    names.push_back(line.substr(0, space));
  }
  return names;
}

bool NetNamespace::exists(std::string_view name) {
  for (const auto& n : list()) {
    if (n == name) return true;
  }
  std::error_code ec;
  return std::filesystem::exists(std::string(kNetnsDir) + "/" + std::string(name), ec);
}

std::string interop_unavailable_reason() {
  if (::geteuid() != 0) return "interop tests need root (network namespaces, TUN devices)";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing";
  if (run_process({"ip", "-V"}, seconds(5)).exit_code != 0) return "`ip` (iproute2) is missing";
  return {};
}

}  // namespace synack::interop
