#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs an example against the real Linux kernel inside a private network
# namespace that this script creates and deletes (ctest, label interop).
# Nothing leaves the namespace: synack's TUN device and the kernel's end live
# there, on 10.77.0.0/24. Every wait is bounded. Needs root; exits 77 (ctest
# "skipped") without it.
#
#   run_in_netns.sh tun_echo <tun_echo_server>   a Python client echoes 256 KiB through it
#   run_in_netns.sh asio_http <asio_http_client> it fetches a file from python3 http.server
set -euo pipefail

scenario=$1
binary=$2
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root (network namespaces, /dev/net/tun)"
  exit 77
fi

ns="synack-example-$$"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
inns() { ip netns exec "$ns" "$@"; }

# Waits up to 10 s for `$@` to succeed.
wait_for() {
  for _ in $(seq 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: timed out waiting for: $*"
  return 1
}

case $scenario in
  tun_echo)
    inns timeout 60 "$binary" --kernel 10.77.0.1/24 --address 10.77.0.2 --port 7 \
      --connections 1 --seconds 50 >"$work/server.out" 2>&1 &
    server=$!
    pids+=("$server")
    wait_for inns ip -4 addr show dev synack0 up
    inns timeout 30 python3 - <<'PY'
import os, socket
data = os.urandom(256 * 1024)
s = socket.create_connection(("10.77.0.2", 7), timeout=20)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = bytearray()
while chunk := s.recv(65536):
    got += chunk
s.close()
assert bytes(got) == data, f"echo mismatch: sent {len(data)} bytes, got {len(got)}"
print(f"client: {len(data)} bytes echoed back intact")
PY
    rc=0
    wait "$server" || rc=$?
    cat "$work/server.out"
    [[ $rc -eq 0 ]] || { echo "FAIL: server exit $rc"; exit 1; }
    grep -q "served 1 connection" "$work/server.out"
    ;;
  asio_http)
    head -c 300000 /dev/urandom >"$work/blob.bin"
    (cd "$work" && exec ip netns exec "$ns" timeout 60 python3 -m http.server 8080 \
      --bind 0.0.0.0 >/dev/null 2>&1) &
    pids+=($!)
    wait_for inns python3 -c "import socket; socket.create_connection(('127.0.0.1', 8080), 1)"
    inns timeout 60 "$binary" --kernel 10.77.0.1/24 --address 10.77.0.2 \
      --url http://10.77.0.1:8080/blob.bin --out "$work/got.bin"
    cmp "$work/blob.bin" "$work/got.bin"
    echo "asio_http_client: $(stat -c %s "$work/got.bin") bytes, identical to the served file"
    ;;
  *)
    echo "unknown scenario $scenario"
    exit 2
    ;;
esac
echo "PASS"
