/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ABI of packetdrill's shared-object interface, as libsynack_packetdrill.so
 * implements it (docs/conformance.md "Running real packetdrill against synack").
 *
 * Source of the facts: upstream packetdrill (github.com/google/packetdrill,
 * gtests/net/packetdrill/packetdrill.h and so_testing.c). packetdrill runs
 * `packetdrill --so_filename=LIB.so --so_flags=STRING script.pkt`: it dlopen()s
 * LIB.so, looks up the exported symbol `packetdrill_interface_init`, calls it
 * with the --so_flags string and a zeroed struct below, then calls the hooks
 * instead of the kernel: every hook receives `userdata` first and otherwise has
 * the libc signature and return convention (−1 and errno on failure). At the
 * end it calls free(userdata).
 *
 * This header is written for synack from that documented shape (member order,
 * types and meaning); it contains no packetdrill code. The member order is
 * the ABI: it must match upstream exactly (the Linux build, with epoll and
 * splice; FreeBSD forks leave those out and are not supported).
 */
#ifndef SYNACK_DRILL_PACKETDRILL_INTERFACE_H
#define SYNACK_DRILL_PACKETDRILL_INTERFACE_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

struct packetdrill_interface {
  void* userdata; /* passed back as the first argument of every hook */
  void (*free)(void* userdata);
  int (*socket)(void* userdata, int domain, int type, int protocol);
  int (*bind)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
  int (*listen)(void* userdata, int sockfd, int backlog);
  int (*accept)(void* userdata, int sockfd, struct sockaddr* addr, socklen_t* addrlen);
  int (*connect)(void* userdata, int sockfd, const struct sockaddr* addr, socklen_t addrlen);
  ssize_t (*read)(void* userdata, int fd, void* buf, size_t count);
  ssize_t (*readv)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*recv)(void* userdata, int sockfd, void* buf, size_t len, int flags);
  ssize_t (*recvfrom)(void* userdata, int sockfd, void* buf, size_t len, int flags,
                      struct sockaddr* src_addr, socklen_t* addrlen);
  ssize_t (*recvmsg)(void* userdata, int sockfd, struct msghdr* msg, int flags);
  ssize_t (*write)(void* userdata, int fd, const void* buf, size_t count);
  ssize_t (*writev)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*send)(void* userdata, int sockfd, const void* buf, size_t len, int flags);
  ssize_t (*sendto)(void* userdata, int sockfd, const void* buf, size_t len, int flags,
                    const struct sockaddr* dest_addr, socklen_t addrlen);
  ssize_t (*sendmsg)(void* userdata, int sockfd, const struct msghdr* msg, int flags);
  int (*fcntl)(void* userdata, int fd, int cmd, ...);
  int (*ioctl)(void* userdata, int fd, unsigned long request, ...);
  int (*close)(void* userdata, int fd);
  int (*shutdown)(void* userdata, int sockfd, int how);
  int (*getsockopt)(void* userdata, int sockfd, int level, int optname, void* optval,
                    socklen_t* optlen);
  int (*setsockopt)(void* userdata, int sockfd, int level, int optname, const void* optval,
                    socklen_t optlen);
  int (*poll)(void* userdata, struct pollfd* fds, nfds_t nfds, int timeout);
  /* One IP datagram (count bytes) into the stack. 0, or −1 on error. */
  int (*netdev_send)(void* userdata, const void* buf, size_t count);
  /* The next datagram the stack sent: *count is the buffer size on entry and
   * the datagram's length on return (0 = nothing); *time_usecs when it left,
   * on the gettimeofday() clock. 0, or −1 on error (packetdrill retries). */
  int (*netdev_receive)(void* userdata, void* buf, size_t* count, long long* time_usecs);
  int (*usleep)(void* userdata, useconds_t usec);
  int (*gettimeofday)(void* userdata, struct timeval* tv, struct timezone* tz);
  int (*epoll_create)(void* userdata, int size);
  int (*epoll_ctl)(void* userdata, int epfd, int op, int fd, struct epoll_event* event);
  int (*epoll_wait)(void* userdata, int epfd, struct epoll_event* events, int maxevents,
                    int timeout);
  int (*pipe)(void* userdata, int pipefd[2]);
  int (*splice)(void* userdata, int fd_in, loff_t* off_in, int fd_out, loff_t* off_out, size_t len,
                unsigned int flags);
};

/* The one symbol packetdrill looks up. `flags` is --so_flags (may be NULL). */
typedef void (*packetdrill_interface_init_t)(const char* flags, struct packetdrill_interface*);
void packetdrill_interface_init(const char* flags, struct packetdrill_interface* ifc);

/* synack extensions (not part of packetdrill's interface; for synack's own
 * drivers, which look them up with dlsym and work without them): */
/* The earliest pending timer deadline on the gettimeofday() clock, µs; −1 if none. */
long long synack_packetdrill_next_event_usecs(void* userdata);
/* `sysctl -w key=value` with a FreeBSD key (docs/conformance.md emulation
 * table). 0, or −1 with errno ENOENT (unknown key) / EINVAL (unsupported value). */
int synack_packetdrill_sysctl(void* userdata, const char* key, long long value);
/* `sockstat | grep -c STATE`: connections in STATE (sockstat's spelling,
 * "TIME_WAIT") on local port `port` (−1 = any); −1 with EINVAL for an unknown state. */
int synack_packetdrill_count_connections(void* userdata, int port, const char* state);
/* `tcpdrop -s TIME_WAIT`: aborts every TIME-WAIT connection; returns how many. */
int synack_packetdrill_drop_time_wait(void* userdata);

#ifdef __cplusplus
}
#endif

#endif /* SYNACK_DRILL_PACKETDRILL_INTERFACE_H */
