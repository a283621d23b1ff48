/* SPDX-License-Identifier: Apache-2.0 */
/* synack's C API: a userspace TCP/IPv4 stack behind opaque handles.
 *
 * An hourglass over the C++ API (synack/stack.hpp, synack/tun_stack.hpp):
 * plain C types only, no exceptions cross it, usable from C and from other
 * languages' FFIs. Link with the C++ library (synack::synack / pkg-config
 * synack) and a C++ runtime.
 *
 * Conventions
 *   - Errors: functions returning int or int64_t give a result >= 0, or a
 *     negative errno value (-EAGAIN, -ECONNREFUSED, -EBADF ...), like the
 *     Linux kernel's own calls. Constructors return NULL and set errno.
 *   - Time: synack_time_ns, nanoseconds since an epoch the caller chooses;
 *     never going backwards. The TUN functions use CLOCK_MONOTONIC.
 *   - Addresses and ports: host byte order (10.0.0.1 is 0x0A000001).
 *   - Threading: a handle is used by one thread at a time.
 *   - Sans-IO: the stack reads no clock and does no I/O. Feed it packets
 *     (synack_receive) and time (synack_on_timeout at synack_next_deadline),
 *     take its packets (synack_poll_transmit); see docs/embedding.md. */
#ifndef SYNACK_SYNACK_H
#define SYNACK_SYNACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Nanoseconds since the caller's epoch. */
typedef int64_t synack_time_ns;
/** synack_next_deadline() when no timer is armed. */
#define SYNACK_NEVER INT64_MAX

/** Readiness bits (the values of <poll.h>). */
#define SYNACK_POLLIN 0x001u  /**< data, end of stream, or a pending accept */
#define SYNACK_POLLOUT 0x004u /**< send would take bytes (connect completed) */
#define SYNACK_POLLERR 0x008u /**< an error is pending (SYNACK_SO_ERROR) */
#define SYNACK_POLLHUP 0x010u /**< both directions finished */

/** recv flag: leave the data queued (MSG_PEEK). */
#define SYNACK_MSG_PEEK 0x2

/** shutdown directions (the values of SHUT_RD, SHUT_WR, SHUT_RDWR). */
#define SYNACK_SHUT_RD 0
#define SYNACK_SHUT_WR 1
#define SYNACK_SHUT_RDWR 2

/** Socket options, int-valued, in the POSIX option's unit. */
enum synack_sockopt {
  SYNACK_SO_ERROR = 0,         /**< read-only, clears on read: errno value or 0 */
  SYNACK_SO_RCVBUF = 1,        /**< bytes */
  SYNACK_SO_SNDBUF = 2,        /**< bytes */
  SYNACK_SO_REUSEADDR = 3,     /**< 0/1 */
  SYNACK_SO_KEEPALIVE = 4,     /**< 0/1 */
  SYNACK_SO_LINGER = 5,        /**< -1 off, else seconds (0: close sends RST) */
  SYNACK_TCP_NODELAY = 6,      /**< 0/1 */
  SYNACK_TCP_MAXSEG = 7,       /**< bytes */
  SYNACK_TCP_KEEPIDLE = 8,     /**< seconds, 1..32767 */
  SYNACK_TCP_KEEPINTVL = 9,    /**< seconds, 1..32767 */
  SYNACK_TCP_KEEPCNT = 10,     /**< probes, 1..127 */
  SYNACK_TCP_USER_TIMEOUT = 11 /**< milliseconds >= 0 */
};

/** TCP behaviour presets. */
enum synack_personality {
  SYNACK_PERSONALITY_DEFAULT = 0, /**< RFC-recommended, Linux's numbers */
  SYNACK_PERSONALITY_LINUX = 1,
  SYNACK_PERSONALITY_FREEBSD = 2
};

/** An IPv4 address and TCP port, host byte order. */
typedef struct synack_endpoint {
  uint32_t addr;
  uint16_t port;
} synack_endpoint;

/** Configuration of one stack; fill with synack_config_init() first. */
typedef struct synack_config {
  uint32_t address;    /**< our IPv4 address [10.0.0.2] */
  uint16_t mtu;        /**< link MTU, bytes, 68..65535 [1500] */
  uint8_t ttl;         /**< [64] */
  uint8_t personality; /**< enum synack_personality [DEFAULT] */
  uint32_t rcv_buf;    /**< bytes per connection, 0 = personality default */
  uint32_t snd_buf;    /**< bytes per connection, 0 = personality default */
  int has_secret;      /**< 0 [default]: keys from getrandom (unpredictable ISNs) */
  uint8_t secret[16];  /**< fixed key for reproducible runs (tests only) */
} synack_config;

typedef struct synack_stack synack_stack;
typedef struct synack_tun synack_tun;

/** Fills *config with the defaults above. */
void synack_config_init(synack_config* config);
/** Parses dotted-quad text into *addr (host order). 0, or -EINVAL. */
int synack_ipv4_parse(const char* text, uint32_t* addr);

/* ---- a sans-IO stack ------------------------------------------------------ */

/** A new stack (config NULL: defaults). NULL with errno ENOMEM/EINVAL on failure. */
synack_stack* synack_stack_new(const synack_config* config);
/** Frees a stack made by synack_stack_new (NULL is ignored). Not for the
 *  stack of a synack_tun. */
void synack_stack_free(synack_stack* stack);

/** One received IPv4 packet (from the IP header on); malformed input is
 *  dropped and counted. The bytes are not kept. */
void synack_receive(synack_stack* stack, const void* packet, size_t len, synack_time_ns now);
/** The next IPv4 packet to send, or NULL when none; *len receives its size.
 *  The bytes stay valid until the next call into this stack. */
const uint8_t* synack_poll_transmit(synack_stack* stack, synack_time_ns now, size_t* len);
/** When synack_on_timeout has work next; SYNACK_NEVER if never. */
synack_time_ns synack_next_deadline(const synack_stack* stack);
/** Fires every timer due at `now` (retransmission, TIME-WAIT ...). */
void synack_on_timeout(synack_stack* stack, synack_time_ns now);

/* ---- sockets: BSD shape, non-blocking; >= 0 or -errno -------------------- */

/** A new socket descriptor (of this stack). -EMFILE. */
int synack_socket(synack_stack* stack);
/** -EBADF, -EINVAL (bound already / not our address), -EADDRINUSE. */
int synack_bind(synack_stack* stack, int fd, synack_endpoint local);
/** -EBADF, -EINVAL, -EADDRINUSE. */
int synack_listen(synack_stack* stack, int fd, int backlog, synack_time_ns now);
/** A connection's descriptor; *peer (may be NULL) gets its endpoint.
 *  -EAGAIN (none yet: wait for SYNACK_POLLIN), -EBADF, -EINVAL. */
int synack_accept(synack_stack* stack, int fd, synack_endpoint* peer);
/** Starts an active open: -EINPROGRESS, then SYNACK_POLLOUT on success or
 *  SYNACK_POLLERR with the reason in SYNACK_SO_ERROR. Also -EALREADY,
 *  -EISCONN, -EADDRNOTAVAIL, -ENOBUFS, -EBADF. */
int synack_connect(synack_stack* stack, int fd, synack_endpoint remote, synack_time_ns now);
/** Bytes taken (maybe fewer than len). -EAGAIN (buffer full: wait for
 *  SYNACK_POLLOUT), -EPIPE, -ENOTCONN, -ECONNRESET, -ETIMEDOUT, -EBADF. */
int64_t synack_send(synack_stack* stack, int fd, const void* data, size_t len, synack_time_ns now);
/** Bytes read; 0 = end of stream. flags 0 or SYNACK_MSG_PEEK. -EAGAIN
 *  (wait for SYNACK_POLLIN), -ENOTCONN, -ECONNRESET, -ETIMEDOUT, -EBADF. */
int64_t synack_recv(synack_stack* stack, int fd, void* out, size_t cap, int flags,
                    synack_time_ns now);
/** how: SYNACK_SHUT_RD/WR/RDWR. -EBADF, -ENOTCONN, -EINVAL (bad how). */
int synack_shutdown(synack_stack* stack, int fd, int how, synack_time_ns now);
/** Releases the descriptor; the connection closes in the background. -EBADF. */
int synack_close(synack_stack* stack, int fd, synack_time_ns now);
/** 0 and *value, or -EBADF, -ENOPROTOOPT. */
int synack_getsockopt(const synack_stack* stack, int fd, int opt, int* value);
/** -EBADF, -ENOPROTOOPT, -EINVAL (out of range). */
int synack_setsockopt(synack_stack* stack, int fd, int opt, int value, synack_time_ns now);
/** Readiness mask of fd (SYNACK_POLL*); SYNACK_POLLERR for an unknown fd. */
uint32_t synack_poll(const synack_stack* stack, int fd);
/** Called as fn(user, fd, mask) whenever fd's readiness may have changed,
 *  from inside synack_receive / synack_on_timeout / socket calls; fn may make
 *  socket calls. NULL fn removes it. */
typedef void (*synack_ready_fn)(void* user, int fd, uint32_t mask);
void synack_set_callback(synack_stack* stack, synack_ready_fn fn, void* user);

/* ---- a stack on a Linux TUN device (needs CAP_NET_ADMIN) ----------------- */

/** Opens TUN device `device` (NULL: "synack0") with the kernel's side at
 *  kernel_addr/prefix_len and a stack per `config` (NULL: defaults). NULL
 *  with errno (EPERM, ENOENT, EBUSY, EINVAL ...) on failure. */
synack_tun* synack_tun_open(const char* device, uint32_t kernel_addr, uint8_t prefix_len,
                            const synack_config* config);
void synack_tun_free(synack_tun* tun);
/** The stack on the device (owned by tun; do not free it). */
synack_stack* synack_tun_stack(synack_tun* tun);
/** An fd for poll/epoll: readable when synack_tun_process has work. */
int synack_tun_fd(const synack_tun* tun);
/** One non-blocking wake-up: packets in, timers, callbacks, packets out.
 *  Call it when synack_tun_fd is readable and after socket calls made
 *  outside callbacks (never from inside one). 0 or -errno. */
int synack_tun_process(synack_tun* tun);
/** The time of the current wake-up (CLOCK_MONOTONIC ns): use it as `now`. */
synack_time_ns synack_tun_now(const synack_tun* tun);

#ifdef __cplusplus
}
#endif

#endif /* SYNACK_SYNACK_H */
