#!/usr/bin/env bash
# Provenance of tests/data/linux_golden_ipv6.txt: real Linux IPv6 packets.
#
# Run by hand (as root), never by the tests:  tests/data/capture_golden_ipv6.sh
# Three private network namespaces in a line, joined by veth pairs, checksum
# offload off so the captured bytes carry the checksums a real NIC would send:
#
#   client fd77::1 ---- fd77::2 router fd78::1 ---- fd78::2 server
#                 MTU 1500                     MTU 1280
#
# In the client's namespace tcpdump records, while the client
#   - pings the router (ping -6): ICMPv6 echo request and reply;
#   - pings the router with 3000 bytes: the request leaves in fragments;
#   - fetches a page from python3 http.server on the router with curl, then
#     connects to a closed port: SYN, SYN-ACK, data, FIN, RST over IPv6;
#   - pings the server with hop limit 1: Time Exceeded from the router;
#   - pings the server with 1400 bytes, don't fragment: the router cannot
#     forward it onto the 1280-byte link and answers Packet Too Big;
#   - sends a UDP datagram with a Hop-by-Hop and a Destination Options header
#     to a closed port of the router: Destination Unreachable (port), quoting
#     the extension headers;
#   - sends a packet with next header 253 (RFC 3692 experimental) to the router
#     from a raw socket: Parameter Problem, unrecognized next header.
# The capture is cut into named packets, written as hex, and the namespaces are
# deleted again (also on error).
set -euo pipefail
cd "$(dirname "$0")"

ns_c=synack-g6-client
ns_r=synack-g6-router
ns_s=synack-g6-server
tmp=$(mktemp -d)
server_pid=
dump_pid=

cleanup() {
  [[ -n "$dump_pid" ]] && kill "$dump_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$ns_c" 2>/dev/null || true
  ip netns del "$ns_r" 2>/dev/null || true
  ip netns del "$ns_s" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for ns in "$ns_c" "$ns_r" "$ns_s"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip link add veth-g6c netns "$ns_c" type veth peer name veth-g6rc netns "$ns_r"
ip link add veth-g6rs netns "$ns_r" type veth peer name veth-g6s netns "$ns_s"
ip -n "$ns_r" link set veth-g6rs mtu 1280
ip -n "$ns_s" link set veth-g6s mtu 1280
ip -n "$ns_c" addr add fd77::1/64 dev veth-g6c nodad
ip -n "$ns_r" addr add fd77::2/64 dev veth-g6rc nodad
ip -n "$ns_r" addr add fd78::1/64 dev veth-g6rs nodad
ip -n "$ns_s" addr add fd78::2/64 dev veth-g6s nodad
for pair in "$ns_c veth-g6c" "$ns_r veth-g6rc" "$ns_r veth-g6rs" "$ns_s veth-g6s"; do
  set -- $pair
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null
done
ip netns exec "$ns_r" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$ns_c" route add fd78::/64 via fd77::2
ip -n "$ns_s" route add fd77::/64 via fd78::1

mkdir -p "$tmp/www"
printf 'hello from the golden server\n' >"$tmp/www/index.txt"
ip netns exec "$ns_r" python3 -m http.server 8080 --bind fd77::2 --directory "$tmp/www" \
  >/dev/null 2>&1 &
server_pid=$!
ip netns exec "$ns_c" tcpdump -i veth-g6c -U -s 0 -w "$tmp/golden6.pcap" ip6 2>/dev/null &
dump_pid=$!
# Wait (at most 10 s) until the server listens and tcpdump has written its file header.
for _ in $(seq 100); do
  if ip netns exec "$ns_r" ss -Hltn 'sport = :8080' | grep -q . && [[ -s "$tmp/golden6.pcap" ]]; then
    break
  fi
  sleep 0.1
done
sleep 0.5  # tcpdump opens its file before the capture is armed (capture tool only)

ip netns exec "$ns_c" ping -6 -n -q -c 1 -s 56 fd77::2 >/dev/null
ip netns exec "$ns_c" ping -6 -n -q -c 1 -s 3000 fd77::2 >/dev/null
ip netns exec "$ns_c" curl -s -o /dev/null -g 'http://[fd77::2]:8080/index.txt'
ip netns exec "$ns_c" curl -s -o /dev/null --max-time 2 -g 'http://[fd77::2]:8081/' || true
ip netns exec "$ns_c" ping -6 -n -q -c 1 -t 1 fd78::2 >/dev/null || true
ip netns exec "$ns_c" ping -6 -n -q -c 1 -M do -s 1400 fd78::2 >/dev/null 2>&1 || true
ip netns exec "$ns_c" python3 - <<'EOF'
import socket
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
# Hop-by-Hop: PadN of 4. Destination Options: an unknown option of type 0x1e
# (action 00: skip it) with 2 data bytes, then PadN of 2. The kernel fills in
# each Next Header byte.
u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, bytes.fromhex("0000010400000000"))
u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, bytes.fromhex("00001e02abcd0100"))
u.sendto(b"synack golden udp", ("fd77::2", 9))
r = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 253)
r.sendto(b"synack golden next header 253", ("fd77::2", 0))
EOF
sleep 0.5
kill "$dump_pid"
wait "$dump_pid" 2>/dev/null || true
dump_pid=

python3 - "$tmp/golden6.pcap" >linux_golden_ipv6.txt <<'EOF'
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
    if frame[12:14] == b"\x86\xdd":
        packets.append(frame[14:])

want = {}
for p in packets:
    nh = p[6]
    up = p[40:]
    if nh == 58:  # ICMPv6
        t, code = up[0], up[1]
        name = {128: "echo_request", 129: "echo_reply", 1: "dest_unreach_port",
                2: "packet_too_big", 3: "time_exceeded", 4: "param_problem"}.get(t)
        if name:
            want.setdefault(name, p)
    elif nh == 0:  # Hop-by-Hop: the UDP datagram with extension headers
        if up[0] == 60:
            want.setdefault("udp_hbh_dstopts", p)
    elif nh == 44:  # Fragment header
        offset_m = struct.unpack_from(">H", up, 2)[0]
        if offset_m & 1 and offset_m >> 3 == 0:
            want.setdefault("frag_first", p)
        elif not offset_m & 1:
            want.setdefault("frag_last", p)
    elif nh == 6:
        f = up[13]
        doff = (up[12] >> 4) * 4
        payload = len(up) - doff
        dport = struct.unpack_from(">H", up, 2)[0]
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

print("# Real Linux IPv6 packets, captured by tests/data/capture_golden_ipv6.sh")
print("# (veth between network namespaces, checksum offload off).")
print("# Format: <name> <hex of the IPv6 packet>")
for name in ("echo_request", "echo_reply", "frag_first", "frag_last", "syn", "synack", "data",
             "fin", "rst", "time_exceeded", "packet_too_big", "udp_hbh_dstopts", "dest_unreach_port",
             "param_problem"):
    print(name, want[name].hex())
EOF
cat linux_golden_ipv6.txt
