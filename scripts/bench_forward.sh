#!/usr/bin/env bash
# The `forward` section of `make bench` (scripts/bench.sh): `synack forward`
# next to the Linux kernel forwarding the same client → server path.
#
#   synack:  client ns ──(default route into synack's TUN)── synack forward
#            ──(upstream sockets in the egress ns)── veth ── server ns
#   kernel:  client ns ── veth ── router ns (ip_forward=1) ── veth ── server ns
#
# Two measurements on each: bulk throughput (BYTES through socat, client →
# server) and connection rate (CONNS sequential connect + close from python3).
# Prints one JSON row per result (bench/bench_rows.hpp's row format).
# Needs root; creates and deletes its namespaces; nothing leaves them.
#
# Usage: scripts/bench_forward.sh SYNACK_BINARY BYTES CONNS
set -euo pipefail
synack=$1 bytes=$2 conns=$3
tag="sbf-$$"
nss=()
fwd_pid= srv_pid=
cleanup() {
  [[ -n "$fwd_pid" ]] && kill "$fwd_pid" 2>/dev/null || true
  [[ -n "$srv_pid" ]] && kill "$srv_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
mk() { ip netns add "$1"; ip -n "$1" link set lo up; nss+=("$1"); }
row() { printf '{"id":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3"; }

# The servers, in namespace $1 on address $2: a discard sink on 5201, an
# accept-and-close server on 5202.
start_servers() {
  ip netns exec "$1" python3 -c '
import socket, sys, threading
def sink():
    s = socket.create_server((sys.argv[1], 5201))
    while True:
        c, _ = s.accept()
        while c.recv(1 << 20): pass
        c.close()
def closer():
    s = socket.create_server((sys.argv[1], 5202), backlog=1024)
    while True:
        c, _ = s.accept(); c.close()
threading.Thread(target=sink, daemon=True).start()
closer()' "$2" &
  srv_pid=$!
  for _ in $(seq 100); do
    ip netns exec "$1" ss -Htln 'sport = :5202' | grep -q . && return 0
    sleep 0.05
  done
  return 1
}

# Measures from client namespace $1 to server address $2; rows named $3.
measure() {
  ip netns exec "$1" python3 - "$2" "$bytes" "$conns" "$3" <<'PY'
import json, socket, sys, time
host, nbytes, nconns, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
buf = bytes(1 << 16)
s = socket.create_connection((host, 5201))
t0 = time.monotonic(); left = nbytes
while left > 0:
    left -= s.send(buf[:min(left, len(buf))])
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
secs = time.monotonic() - t0
print(json.dumps({"id": f"forward.{name}.bulk", "value": nbytes * 8 / secs / 1e9,
                  "unit": "Gbit/s", "bytes": nbytes, "seconds": secs}))
t0 = time.monotonic()
for _ in range(nconns):
    c = socket.create_connection((host, 5202)); c.recv(1); c.close()
secs = time.monotonic() - t0
print(json.dumps({"id": f"forward.{name}.conn_rate", "value": nconns / secs,
                  "unit": "conn/s", "connections": nconns, "seconds": secs}))
PY
}

# ---- synack forward ----------------------------------------------------------
c="$tag-c" e="$tag-e" s="$tag-s"
mk "$c"; mk "$e"; mk "$s"
ip -n "$e" link add ve0 type veth peer name ve1 netns "$s"
ip -n "$e" addr add 10.79.1.1/24 dev ve0 && ip -n "$e" link set ve0 up
ip -n "$s" addr add 10.79.1.2/24 dev ve1 && ip -n "$s" link set ve1 up
start_servers "$s" 10.79.1.2
"$synack" forward --netns "$c" --tun sbf0 --addr 10.79.0.2/24 --egress-netns "$e" \
  --max-time 300 --quiet 2>/dev/null &
fwd_pid=$!
for _ in $(seq 100); do
  ip -n "$c" -4 addr show dev sbf0 2>/dev/null | grep -q 10.79.0.1 && break
  sleep 0.05
done
ip -n "$c" route add default via 10.79.0.2 dev sbf0
measure "$c" 10.79.1.2 synack
kill "$fwd_pid" "$srv_pid" 2>/dev/null || true
wait 2>/dev/null || true
fwd_pid= srv_pid=

# ---- the kernel routing the same path -------------------------------------------
c2="$tag-c2" r="$tag-r" s2="$tag-s2"
mk "$c2"; mk "$r"; mk "$s2"
ip -n "$c2" link add vc type veth peer name vr0 netns "$r"
ip -n "$r" link add vr1 type veth peer name vs netns "$s2"
ip -n "$c2" addr add 10.79.0.1/24 dev vc && ip -n "$c2" link set vc up
ip -n "$r" addr add 10.79.0.2/24 dev vr0 && ip -n "$r" link set vr0 up
ip -n "$r" addr add 10.79.1.1/24 dev vr1 && ip -n "$r" link set vr1 up
ip -n "$s2" addr add 10.79.1.2/24 dev vs && ip -n "$s2" link set vs up
ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
ip -n "$c2" route add default via 10.79.0.2
ip -n "$s2" route add default via 10.79.1.1
start_servers "$s2" 10.79.1.2
measure "$c2" 10.79.1.2 kernel
