#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Records real Linux TCP connections (tests/capture/traffic.py) with tcpdump
# inside a network namespace this script creates and deletes, and writes the
# captures `synack draw` is tested on:
#   lo.pcap          Ethernet (Linux loopback), streams 0..4 as traffic.py lists them
#   lo.pcapng        the same in pcapng (editcap)
#   any.pcap         Linux cooked v2 (tcpdump -i any), streams 0..3 (no bulk)
#   sll1.pcap        Linux cooked v1 (tcpdump -i any -y LINUX_SLL)
#   raw.pcap, null.pcap  lo.pcap's first 4 streams re-encapsulated as raw IP
#                    (LINKTYPE_RAW) and BSD loopback (DLT_NULL) by relink.py
#   bulk.pcap        the 2 MiB transfer alone (snap length 96: headers only)
#   lossy.pcap       (with SYNACK) Linux's curl fetching 128 KiB from `synack serve`
#                    through the TUN impairment stage (5% loss both ways, seed 3),
#                    captured on the TUN device: gaps, retransmissions, SACK
# Usage: make_captures.sh OUTDIR [SYNACK]   (root: namespaces, tcpdump)
set -euo pipefail
out=${1:?usage: make_captures.sh OUTDIR [SYNACK]}
synack=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
ns=synack-cap-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up

# tcpdump in the namespace writing FILE with ARGS; waits until it listens.
record() {
  local file=$1; shift
  ip netns exec "$ns" tcpdump -U --immediate-mode -n -w "$file" "$@" >/dev/null 2>"$file.log" &
  local pid=$!
  for _ in $(seq 100); do grep -q listening "$file.log" 2>/dev/null && break; sleep 0.05; done
  sleep 0.5
  echo $pid
}
stop() { sleep 0.5; kill -INT "$1"; wait "$1" 2>/dev/null || true; rm -f "$2.log"; }

p=$(record "$out/lo.pcap" -i lo)
ip netns exec "$ns" python3 "$here/traffic.py" 127.0.0.1 1 2 3 4
stop "$p" "$out/lo.pcap"

p=$(record "$out/any.pcap" -i any)
ip netns exec "$ns" python3 "$here/traffic.py" 127.0.0.1 1 2 3 4
stop "$p" "$out/any.pcap"

p=$(record "$out/sll1.pcap" -i any -y LINUX_SLL)
ip netns exec "$ns" python3 "$here/traffic.py" 127.0.0.1 1 3
stop "$p" "$out/sll1.pcap"

p=$(record "$out/bulk.pcap" -i lo -s 96)
ip netns exec "$ns" python3 "$here/traffic.py" 127.0.0.1 5
stop "$p" "$out/bulk.pcap"

editcap -F pcapng "$out/lo.pcap" "$out/lo.pcapng"
python3 "$here/relink.py" raw "$out/lo.pcap" "$out/raw.pcap"
python3 "$here/relink.py" null "$out/lo.pcap" "$out/null.pcap"

# A lossy transfer: synack serve's TUN (in the namespace) drops 5% of the
# packets each way; the capture on the device sees Linux's side of it.
if [[ -n "$synack" ]]; then
  "$synack" serve --netns "$ns" --loss 5% --seed 3 --http-bytes 128K --connections 1 \
    --max-time 60s -q >/dev/null &
  serve=$!
  for _ in $(seq 100); do ip -n "$ns" link show synack0 >/dev/null 2>&1 && break; sleep 0.1; done
  p=$(record "$out/lossy.pcap" -B 32768 -i synack0)
  ip netns exec "$ns" curl -sS --retry 5 --retry-connrefused -o /dev/null http://10.77.0.2/
  wait "$serve"
  stop "$p" "$out/lossy.pcap"  # tcpdump has ended with the device
fi
