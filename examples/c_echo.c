/* SPDX-License-Identifier: Apache-2.0 */
/* c_echo: the C API. Two synack stacks in one process, no I/O: the program
 * carries packets between them and owns the (virtual) clock. Stack B echoes
 * through a readiness callback; stack A sends a line and reads it back.
 * Exit status 0 when the echo matched and both connections are gone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <synack/synack.h>

#define MAX_IN_FLIGHT 64
#define MAX_PACKET 2048

struct packet {
  synack_stack* to;
  size_t len;
  uint8_t bytes[MAX_PACKET];
};

static struct packet wire[MAX_IN_FLIGHT];
static size_t wire_len;
static synack_time_ns now;

/* Moves every packet `from` wants to send onto the wire, addressed to `to`. */
static void collect(synack_stack* from, synack_stack* to) {
  size_t len;
  const uint8_t* p;
  while ((p = synack_poll_transmit(from, now, &len)) != NULL) {
    if (wire_len == MAX_IN_FLIGHT || len > MAX_PACKET) continue; /* a lossy wire */
    wire[wire_len].to = to;
    wire[wire_len].len = len;
    memcpy(wire[wire_len].bytes, p, len);
    ++wire_len;
  }
}

struct server {
  synack_stack* stack;
  int listener;
  size_t echoed;
};

static void echo(struct server* srv, int fd) {
  char buf[1024];
  int64_t n;
  while ((n = synack_recv(srv->stack, fd, buf, sizeof buf, 0, now)) >= 0) {
    if (n == 0) { /* the client's FIN: close our side too */
      synack_close(srv->stack, fd, now);
      return;
    }
    int64_t sent = synack_send(srv->stack, fd, buf, (size_t)n, now);
    if (sent > 0) srv->echoed += (size_t)sent;
  }
}

static void on_ready(void* user, int fd, uint32_t mask) {
  struct server* srv = user;
  if (fd != srv->listener) {
    if (mask & SYNACK_POLLIN) echo(srv, fd);
    return;
  }
  synack_endpoint peer;
  int conn;
  while ((conn = synack_accept(srv->stack, srv->listener, &peer)) >= 0) {
    printf("B: accepted fd %d from port %u\n", conn, (unsigned)peer.port);
    echo(srv, conn); /* data may have come with the handshake's last ACK */
  }
}

int main(void) {
  synack_config ca, cb;
  synack_config_init(&ca);
  synack_config_init(&cb);
  if (synack_ipv4_parse("10.0.0.1", &ca.address) != 0) return 1;
  if (synack_ipv4_parse("10.0.0.2", &cb.address) != 0) return 1;
  ca.has_secret = cb.has_secret = 1; /* reproducible run; omit for real traffic */
  ca.secret[0] = 1;
  cb.secret[0] = 2;
  synack_stack* a = synack_stack_new(&ca);
  synack_stack* b = synack_stack_new(&cb);
  if (a == NULL || b == NULL) {
    perror("synack_stack_new");
    return 1;
  }

  struct server srv = {b, synack_socket(b), 0};
  synack_endpoint server_ep = {cb.address, 7};
  if (synack_bind(b, srv.listener, server_ep) != 0 || synack_listen(b, srv.listener, 8, now) != 0)
    return 1;
  synack_set_callback(b, on_ready, &srv);

  const char message[] = "hello from C";
  char reply[64] = {0};
  size_t got = 0;
  int client = synack_socket(a);
  int rc = synack_connect(a, client, server_ep, now);
  if (rc != -EINPROGRESS) {
    fprintf(stderr, "connect: %s\n", strerror(-rc));
    return 1;
  }
  int sent = 0, closed = 0;
  for (int step = 0; step < 10000; ++step) {
    uint32_t ready = closed ? 0 : synack_poll(a, client);
    if (!sent && (ready & SYNACK_POLLOUT)) {
      sent = synack_send(a, client, message, strlen(message), now) == (int64_t)strlen(message);
    }
    if (ready & SYNACK_POLLIN) {
      int64_t n = synack_recv(a, client, reply + got, sizeof reply - 1 - got, 0, now);
      if (n > 0) got += (size_t)n;
      if (got == strlen(message)) closed = synack_close(a, client, now) == 0;
    }
    collect(a, b);
    collect(b, a);
    if (wire_len > 0) { /* deliver the oldest packet */
      struct packet p = wire[0];
      memmove(wire, wire + 1, (wire_len - 1) * sizeof wire[0]);
      --wire_len;
      synack_receive(p.to, p.bytes, p.len, now);
      continue;
    }
    synack_time_ns da = synack_next_deadline(a), db = synack_next_deadline(b);
    synack_time_ns next = da < db ? da : db;
    if (next == SYNACK_NEVER) break; /* quiet: every connection is gone */
    if (next > now) now = next;
    synack_on_timeout(a, now);
    synack_on_timeout(b, now);
  }

  printf("A read back \"%s\", B echoed %zu bytes, virtual time %.3f s\n", reply, srv.echoed,
         (double)now / 1e9);
  const int ok = closed && strcmp(reply, message) == 0 && srv.echoed == strlen(message) &&
                 synack_next_deadline(a) == SYNACK_NEVER && synack_next_deadline(b) == SYNACK_NEVER;
  synack_stack_free(a);
  synack_stack_free(b);
  puts(ok ? "c_echo: OK" : "c_echo: FAILED");
  return ok ? 0 : 1;
}
