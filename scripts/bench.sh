#!/usr/bin/env bash
# Runs synack's benchmark suite on the release build (`make bench`) and prints
# ONE table (synack next to Linux where Linux has a counterpart, with the
# ratio), then writes every number to bench/results/<date>.json
# (<date>-quick.json for --quick). docs/benchmarks.md explains each row.
#
# Usage: scripts/bench.sh [--quick]
#   --quick                 small sizes, short runs (< 1 minute; CI smoke test,
#                           numbers are rough)
#   SYNACK_BENCH_BUILD=dir  the build (default build/release; needs -DSYNACK_BENCH=ON)
#   SYNACK_BENCH_OUT=file   where the JSON goes (default bench/results/<date>.json)
#   SYNACK_BENCH_ROUNDS=n   rounds of the in-process rows (default 3, --quick 1);
#                           the table shows each row's median
#
# The in-process rows (bulk, lifecycle, ping-pong) are measured for synack,
# Linux loopback and the peers of bench/peers (lwIP, gVisor netstack; built
# with -DSYNACK_BENCH_PEERS=ON, as `make bench` does), one after the other in
# each round, so a change of the machine's load touches all of them alike.
#
# As root (with ip netns, ethtool, /dev/net/tun) it also measures Linux over a
# veth pair at MTU 1500 with offloads off and synack on a TUN device, each in
# namespaces it creates and deletes; otherwise those rows say why they were
# skipped. The forward section (scripts/bench_forward.sh) runs synack forward
# next to the kernel routing the same path, also in its own namespaces. All
# traffic stays on loopback or inside those namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "bench.sh: unknown argument '$1' (use --quick)" >&2; exit 2 ;;
esac
build=${SYNACK_BENCH_BUILD:-build/release}
bin="$build/bench"
for b in micro_bench engine_bench bulk_bench lifecycle_bench latency_bench scale_bench linux_bench \
  tun_rate_bench synflood_bench; do
  if [[ ! -x "$bin/$b" ]]; then
    echo "bench.sh: $bin/$b not built (make bench, or cmake -DSYNACK_BENCH=ON and build)" >&2
    exit 1
  fi
done
synack="$build/tools/synack/synack"

q=() min_time=0.3
if ((quick)); then q=(--quick) min_time=0.01; fi
# Google Benchmark ≥ 1.8 wants a unit suffix on --benchmark_min_time; 1.7 (Debian 12) a number.
if "$bin/micro_bench" --help 2>&1 | grep -q "benchmark_min_time=<integer>x OR <float>s"; then
  min_time="${min_time}s"
fi

work=$(mktemp -d)
rows="$work/rows.jsonl"
: >"$rows"
ns_list=()
serve_pid=
cleanup() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  for ns in "${ns_list[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "bench: $*" >&2; }
skip() { printf '{"id":"%s","value":null,"unit":"","note":"%s"}\n' "$1" "$2" >>"$rows"; }
start=$(date +%s)
rounds=${SYNACK_BENCH_ROUNDS:-3}
((quick)) && rounds=${SYNACK_BENCH_ROUNDS:-1}
peers="$build/bench/peers"

step "micro (Google Benchmark, min time $min_time)"
gb_filter=.
((quick)) && gb_filter='^BM_(Checksum|Memcpy|Parse|Emit|SegmentArrival|TimerWheel|DemuxLookup/1000$|StackReceive/1000$)'
"$bin/micro_bench" --benchmark_min_time="$min_time" --benchmark_format=json \
  --benchmark_filter="$gb_filter" >"$work/micro.json" 2>/dev/null
"$bin/engine_bench" --benchmark_min_time="$min_time" --benchmark_format=json \
  --benchmark_filter="$gb_filter" >"$work/engine.json" 2>/dev/null

for ((round = 1; round <= rounds; round++)); do
  step "round $round/$rounds: bulk (MTU 1500/9000/65535), lifecycle, ping-pong: synack, Linux loopback, lwIP, gVisor"
  "$bin/bulk_bench" "${q[@]}" >>"$rows"
  "$bin/lifecycle_bench" "${q[@]}" >>"$rows"
  "$bin/latency_bench" "${q[@]}" >>"$rows"
  "$bin/linux_bench" "${q[@]}" >>"$rows"
  for peer in lwip gvisor; do
    if [[ -x "$peers/${peer}_bench" ]]; then
      GOMAXPROCS=1 timeout 600 "$peers/${peer}_bench" "${q[@]}" >>"$rows" ||
        skip "bulk.$peer.1500" "${peer}_bench failed"
    elif ((round == 1)); then
      skip "bulk.$peer.1500" "not built (make bench, or -DSYNACK_BENCH_PEERS=ON; scripts/install-deps.sh --bench)"
    fi
  done
done

step "SYN flood: 100k spoofed SYNs per virtual second vs backlog 128"
"$bin/synflood_bench" "${q[@]}" >>"$rows"

step "memory and scale"
"$bin/scale_bench" --sizes >>"$rows"
"$bin/scale_bench" --n 1000 >>"$rows"
sizes=(10000 100000 1000000)
((quick)) && sizes=(10000)
for n in "${sizes[@]}"; do
  "$bin/scale_bench" --n "$n" --time-wait --open-seconds 90 >>"$rows" || skip "scale.synack.established.$n" "scale_bench failed"
done

bytes=$((1 << 30))
((quick)) && bytes=$((64 << 20))
can_ns=1
why=""
if [[ $(id -u) -ne 0 ]]; then can_ns=0 why="not root"
elif ! ip netns list >/dev/null 2>&1; then can_ns=0 why="ip netns unavailable"
elif ! command -v ethtool >/dev/null; then can_ns=0 why="ethtool missing"
fi

step "Linux over a veth pair (MTU 1500, tso/gso/gro off)"
if ((can_ns)); then
  a="synack-bench-a-$$" b="synack-bench-b-$$"
  ns_list+=("$a" "$b")
  ip netns add "$a" && ip netns add "$b"
  ip link add veth-sb0 netns "$a" type veth peer name veth-sb1 netns "$b"
  ip -n "$a" addr add 10.79.0.1/24 dev veth-sb0
  ip -n "$b" addr add 10.79.0.2/24 dev veth-sb1
  for pair in "$a veth-sb0" "$b veth-sb1"; do
    set -- $pair
    ip -n "$1" link set "$2" mtu 1500 up
    ip -n "$1" link set lo up
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
  done
  ip netns exec "$b" timeout 120 "$bin/linux_bench" --serve 5201 10.79.0.2 &
  serve_pid=$!
  ip netns exec "$a" timeout 150 "$bin/linux_bench" --send 10.79.0.2 5201 "$bytes" \
    bulk.linux.veth1500 >>"$rows" || skip bulk.linux.veth1500 "veth run failed"
  wait "$serve_pid" || true
  serve_pid=
  ip netns del "$a"; ip netns del "$b"
else
  skip bulk.linux.veth1500 "skipped: $why"
fi

step "TUN: Linux kernel → synack (discard) and synack → kernel (HTTP)"
if ((can_ns)) && [[ -c /dev/net/tun && -x "$synack" ]] && command -v curl >/dev/null; then
  t="synack-bench-t-$$"
  ns_list+=("$t")
  ip netns add "$t"
  ip -n "$t" link set lo up
  wait_dev() {
    for _ in $(seq 1 100); do
      ip -n "$t" addr show sbtun0 2>/dev/null | grep -q 10.78.0.1 && return 0
      sleep 0.1
    done
    return 1
  }
  # The ceiling: raw packets per second through a TUN device, no TCP.
  raw_packets=2000000 raw_seconds=15
  ((quick)) && raw_packets=100000 raw_seconds=3
  ip netns exec "$t" timeout 60 "$bin/tun_rate_bench" --packets "$raw_packets" \
    --seconds "$raw_seconds" >>"$rows" || skip tun.raw.kernel_to_user "tun_rate_bench failed"
  "$synack" serve --netns "$t" --tun sbtun0 --addr 10.78.0.2/24 --discard --port 9 \
    --connections 1 --max-time 120 2>"$work/serve1.log" &
  serve_pid=$!
  if wait_dev; then
    ip netns exec "$t" timeout 150 "$bin/linux_bench" --send 10.78.0.2 9 "$bytes" \
      tun.kernel_to_synack >>"$rows" || skip tun.kernel_to_synack "run failed"
  else
    skip tun.kernel_to_synack "TUN device did not come up"
  fi
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  "$synack" serve --netns "$t" --tun sbtun0 --addr 10.78.0.2/24 --http-bytes "$bytes" \
    --connections 1 --max-time 120 2>"$work/serve2.log" &
  serve_pid=$!
  if wait_dev; then
    out=$(ip netns exec "$t" curl -s --max-time 120 -o /dev/null \
      -w '%{size_download} %{time_total}' http://10.78.0.2/bench || true)
    python3 - "$out" "$bytes" >>"$rows" <<'PY'
import json, sys
size, secs = (float(x) for x in (sys.argv[1].split() or ["0", "0"]))
row = {"id": "tun.synack_to_kernel", "unit": "Gbit/s", "bytes": size, "seconds": secs}
row["value"] = size * 8 / secs / 1e9 if secs > 0 and size > 0 else None
if size < float(sys.argv[2]): row["note"] = f"incomplete: {int(size)} bytes"
print(json.dumps(row))
PY
  else
    skip tun.synack_to_kernel "TUN device did not come up"
  fi
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=
  ip netns del "$t"
else
  why=${why:-"no /dev/net/tun, synack CLI or curl"}
  skip tun.raw.kernel_to_user "skipped: $why"
  skip tun.raw.user_to_kernel "skipped: $why"
  skip tun.kernel_to_synack "skipped: $why"
  skip tun.synack_to_kernel "skipped: $why"
fi

step "forward: synack forward next to the kernel routing the same path"
if ((can_ns)) && [[ -c /dev/net/tun && -x "$synack" ]] && command -v python3 >/dev/null; then
  fbytes=$((1 << 30)) fconns=5000
  ((quick)) && fbytes=$((64 << 20)) fconns=500
  timeout 280 scripts/bench_forward.sh "$synack" "$fbytes" "$fconns" >>"$rows" ||
    skip forward.synack.bulk "bench_forward.sh failed"
else
  why=${why:-"no /dev/net/tun, synack CLI or python3"}
  for id in forward.synack.bulk forward.kernel.bulk forward.synack.conn_rate \
    forward.kernel.conn_rate; do
    skip "$id" "skipped: $why"
  done
fi

elapsed=$(($(date +%s) - start))
mkdir -p bench/results
suffix=""
((quick)) && suffix=-quick
out=${SYNACK_BENCH_OUT:-bench/results/$(date -u +%F)$suffix.json}
python3 bench/table.py --rows "$rows" --gbench "$work/micro.json" "$work/engine.json" \
  --quick "$quick" --elapsed "$elapsed" --rounds "$rounds" --out "$out"
