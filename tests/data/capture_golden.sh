#!/usr/bin/env bash
# Provenance of tests/data/linux_golden.txt: real Linux TCP segments.
#
# Run by hand (as root), never by the tests:  tests/data/capture_golden.sh
# It creates two private network namespaces joined by a veth pair
# (10.77.0.1/24 <-> 10.77.0.2/24), turns checksum offload off so the captured
# bytes carry the checksums a real NIC would send, runs `python3 -m http.server`
# in one namespace and curl in the other, then connects to a closed port for a
# RST. The capture is cut into the five golden segments, written as hex, and
# both namespaces are deleted again (also on error).
set -euo pipefail
cd "$(dirname "$0")"

ns_c=synack-golden-client
ns_s=synack-golden-server
tmp=$(mktemp -d)
server_pid=
dump_pid=

cleanup() {
  [[ -n "$dump_pid" ]] && kill "$dump_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$ns_c" 2>/dev/null || true
  ip netns del "$ns_s" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$ns_c"
ip netns add "$ns_s"
ip link add veth-gc netns "$ns_c" type veth peer name veth-gs netns "$ns_s"
ip -n "$ns_c" addr add 10.77.0.1/24 dev veth-gc
ip -n "$ns_s" addr add 10.77.0.2/24 dev veth-gs
for pair in "$ns_c veth-gc" "$ns_s veth-gs"; do
  set -- $pair
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null
done

mkdir -p "$tmp/www"
printf 'hello from the golden server\n' >"$tmp/www/index.txt"
ip netns exec "$ns_s" python3 -m http.server 8080 --bind 10.77.0.2 --directory "$tmp/www" \
  >/dev/null 2>&1 &
server_pid=$!
ip netns exec "$ns_c" tcpdump -i veth-gc -U -s 0 -w "$tmp/golden.pcap" tcp 2>/dev/null &
dump_pid=$!
sleep 1.5  # the server and tcpdump need a moment to start (capture tool only)

ip netns exec "$ns_c" curl -s -o /dev/null http://10.77.0.2:8080/index.txt
ip netns exec "$ns_c" curl -s -o /dev/null --max-time 2 http://10.77.0.2:8081/ || true
sleep 0.5
kill "$dump_pid"
wait "$dump_pid" 2>/dev/null || true
dump_pid=

python3 - "$tmp/golden.pcap" >linux_golden.txt <<'EOF'
import struct, sys

data = open(sys.argv[1], "rb").read()
magic = struct.unpack_from("<I", data, 0)[0]
assert magic in (0xA1B2C3D4, 0xA1B23C4D), hex(magic)
assert struct.unpack_from("<I", data, 20)[0] == 1  # LINKTYPE_ETHERNET
off, packets = 24, []
while off < len(data):
    _, _, incl, _ = struct.unpack_from("<IIII", data, off)
    frame = data[off + 16 : off + 16 + incl]
    off += 16 + incl
    if frame[12:14] == b"\x08\x00":
        packets.append(frame[14:])

def flags(p):
    ihl = (p[0] & 0x0F) * 4
    return p[ihl + 13], p[ihl:]

want = {}
for p in packets:
    f, tcp = flags(p)
    doff = (tcp[12] >> 4) * 4
    payload = len(p) - (p[0] & 0x0F) * 4 - doff
    dport = struct.unpack_from(">H", tcp, 2)[0]
    if f == 0x02 and dport == 8080:
        want.setdefault("syn", p)
    elif f == 0x12:
        want.setdefault("synack", p)
    elif f & 0x08 and payload > 0 and dport == 8080:
        want.setdefault("data", p)
    elif f & 0x01 and dport == 8080:
        want.setdefault("fin", p)
    elif f & 0x04:
        want.setdefault("rst", p)

print("# Real Linux IPv4+TCP segments, captured by tests/data/capture_golden.sh")
print("# (veth between two network namespaces, checksum offload off).")
print("# Format: <name> <hex of the IPv4 packet>")
for name in ("syn", "synack", "data", "fin", "rst"):
    print(name, want[name].hex())
EOF
cat linux_golden.txt
