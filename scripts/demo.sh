#!/usr/bin/env bash
# make demo: a real TCP connection between the Linux kernel and synack.
#
# As root with /dev/net/tun: creates a private network namespace, starts
# `synack serve --http-bytes` on a TUN device inside it, has the kernel fetch a
# page with curl, prints the ladder diagram of that connection (Linux's states
# inferred from the wire, synack's from its engine), then deletes the namespace.
# Otherwise it says why in one line and runs the simulated `synack demo`.
#
# Extra arguments go to `synack demo` in the simulated case. SYNACK=PATH runs
# another build's synack (ctest demo_script, label interop, runs the CI build's).
set -euo pipefail
cd "$(dirname "$0")/.."
synack=${SYNACK:-build/release/tools/synack/synack}  # SYNACK=...: another build's (ctest demo_script)

if [[ $(id -u) -ne 0 || ! -c /dev/net/tun ]] || ! command -v curl >/dev/null || ! ip netns list >/dev/null 2>&1; then
  echo "make demo: needs root, /dev/net/tun, curl and ip netns for the real Linux peer; showing the simulated demo instead" >&2
  exec "$synack" demo "$@"
fi

ns="synack-demo-$$"
serve_log=$(mktemp)
cleanup() {
  [[ -n "${serve_pid:-}" ]] && kill "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$serve_log"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
"$synack" serve --netns "$ns" --tun synack0 --addr 10.77.0.2/24 --http-bytes 2000 \
  --trace --connections 1 --max-time 20 2>"$serve_log" &
serve_pid=$!

# Wait (bounded) until the device is up with the kernel's address.
for _ in $(seq 1 50); do
  ip -n "$ns" addr show synack0 2>/dev/null | grep -q 10.77.0.1 && break
  sleep 0.1
done

echo "Linux (curl in namespace $ns, 10.77.0.1) → synack (userspace, 10.77.0.2:80) over TUN"
echo
result=$(ip netns exec "$ns" curl -s --max-time 5 -o /dev/null \
  -w 'HTTP %{http_code}, %{size_download} bytes in %{time_total} s' http://10.77.0.2/hello)
wait "$serve_pid" || true
serve_pid=
echo "curl: $result"
echo "kernel's view afterwards (ss -tan in the namespace):"
ip netns exec "$ns" ss -tan | sed 's/^/  /'
cat "$serve_log" >&2
