#!/usr/bin/env python3
"""Turns the benchmark rows into ONE table and bench/results/<date>.json.

Input: JSON rows from the bench programs (one object per line, see
bench/bench_common.hpp) and Google Benchmark JSON files. Called by
scripts/bench.sh; docs/benchmarks.md explains every row.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess


def load_rows(path):
    """Rows by id. scripts/bench.sh runs the in-process programs several rounds:
    for an id seen more than once the row of the median value is kept (the
    lower middle one for an even count), with every round's value in "runs"."""
    seen = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                seen.setdefault(r["id"], []).append(r)
    rows = {}
    for key, rs in seen.items():
        if len(rs) == 1:
            rows[key] = rs[0]
            continue
        measured = sorted((r for r in rs if r.get("value") is not None), key=lambda r: r["value"])
        pick = dict(measured[(len(measured) - 1) // 2] if measured else rs[-1])
        pick["runs"] = [r.get("value") for r in rs]
        rows[key] = pick
    return rows


def load_gbench(paths):
    out, context = {}, None
    for p in paths:
        try:
            with open(p) as f:
                d = json.load(f)
        except (OSError, ValueError):
            continue
        context = context or d.get("context")
        for b in d.get("benchmarks", []):
            out[b["name"]] = b
    return out, context


def gb_ns(gb, name):
    b = gb.get(name)
    if not b:
        return None
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def gb_gbytes(gb, name):
    b = gb.get(name)
    return b["bytes_per_second"] / 1e9 if b and "bytes_per_second" in b else None


def val(rows, key, field="value"):
    r = rows.get(key)
    return None if r is None else r.get(field)


def per_cpu(rows, key):
    """The rate of row `key` per CPU second instead of per wall second: on a
    shared machine the wall clock also counts the time other processes had the
    CPU; the CPU time of the benchmark process does not."""
    r = rows.get(key) or {}
    v, wall, cpu = r.get("value"), r.get("seconds"), r.get("cpu_seconds")
    return v * wall / cpu if v is not None and wall and cpu else None


def build_table(rows, gb):
    """(section, name, synack, unit, reference, reference name, target, gVisor,
    lwIP) tuples.

    ratio = synack / reference (and synack / gVisor, synack / lwIP, the peers
    measured in the same run, bench/peers); for times and bytes lower is
    better, for rates higher is better (docs/benchmarks.md)."""
    t = []

    def add(*a, peers=(None, None)):
        t.append(a + tuple(peers))

    def peers(key, field="value"):
        return (val(rows, key.format(stack="gvisor"), field), val(rows, key.format(stack="lwip"), field))

    def peers_cpu(key):
        return (per_cpu(rows, key.format(stack="gvisor")), per_cpu(rows, key.format(stack="lwip")))
    s = "micro"
    add(s, "checksum 1500 B", gb_gbytes(gb, "BM_Checksum/1500"), "GB/s",
        gb_gbytes(gb, "BM_Memcpy/1500"), "memcpy", "")
    add(s, "checksum 64 KiB", gb_gbytes(gb, "BM_Checksum/65536"), "GB/s",
        gb_gbytes(gb, "BM_Memcpy/65536"), "memcpy", "")
    add(s, "parse IPv4+TCP 1500 B (with checksums)", gb_ns(gb, "BM_ParseIpv4Tcp"), "ns", None, "", "")
    add(s, "parse headers only", gb_ns(gb, "BM_ParseHeaders"), "ns", None, "", "")
    add(s, "emit IPv4+TCP 1500 B", gb_ns(gb, "BM_EmitIpv4Tcp"), "ns", None, "", "")
    add(s, "segment arrival (ESTABLISHED, 1448 B)", gb_ns(gb, "BM_SegmentArrival"), "ns", None, "", "")
    add(s, "timer wheel insert+cancel", gb_ns(gb, "BM_TimerWheel/insert_cancel"), "ns", None, "", "")
    add(s, "timer wheel insert+expire", gb_ns(gb, "BM_TimerWheel/expire"), "ns", None, "", "")
    add(s, "demux lookup, 1k connections", gb_ns(gb, "BM_DemuxLookup/1000"), "ns", None, "", "")
    add(s, "demux lookup, 1M connections", gb_ns(gb, "BM_DemuxLookup/1000000"), "ns",
        gb_ns(gb, "BM_DemuxLookup/1000"), "1k", "")
    add(s, "Stack::receive data seg, 1k conns", gb_ns(gb, "BM_StackReceive/1000"), "ns", None, "", "")
    add(s, "Stack::receive data seg, 100k conns", gb_ns(gb, "BM_StackReceive/100000"), "ns",
        gb_ns(gb, "BM_StackReceive/1000"), "1k", "")
    s = "bulk"
    veth = val(rows, "bulk.linux.veth1500")
    lo = val(rows, "bulk.linux.loopback")
    add(s, "MTU 1500, one core", val(rows, "bulk.synack.1500"), "Gbit/s", veth, "Linux veth 1500",
        "≥ 25 Gbit/s", peers=peers("bulk.{stack}.1500"))
    add(s, "MTU 9000", val(rows, "bulk.synack.9000"), "Gbit/s", lo, "Linux loopback", "",
        peers=peers("bulk.{stack}.9000"))
    add(s, "MTU 65535", val(rows, "bulk.synack.65535"), "Gbit/s", lo, "Linux loopback",
        "≥ Linux loopback", peers=peers("bulk.{stack}.65535"))
    for m in (1500, 9000, 65535):
        add(s, f"ns per data segment, MTU {m}", val(rows, f"bulk.synack.{m}", "ns_per_segment"),
            "ns", None, "", "", peers=peers(f"bulk.{{stack}}.{m}", "ns_per_segment"))
    add(s, "MTU 1500, per CPU second", per_cpu(rows, "bulk.synack.1500"), "Gbit/s", None, "", "",
        peers=peers_cpu("bulk.{stack}.1500"))
    add(s, "MTU 65535, per CPU second", per_cpu(rows, "bulk.synack.65535"), "Gbit/s",
        per_cpu(rows, "bulk.linux.loopback"), "Linux loopback", "", peers=peers_cpu("bulk.{stack}.65535"))
    # The honest-method check: a real wire with delayed ACKs carries ~2 (RFC 5681 §4.2).
    for m in (1500, 9000, 65535):
        ref_id, ref_name = {1500: ("bulk.linux.veth1500", "Linux veth 1500"),
                            65535: ("bulk.linux.loopback", "Linux loopback")}.get(m, ("", ""))
        ref = val(rows, ref_id, "segments_per_ack")
        add(s, f"data segments per ACK, MTU {m}", val(rows, f"bulk.synack.{m}", "segments_per_ack"),
            "seg/ACK", ref, ref_name if ref is not None else "", "≈ 2 (RFC 5681)",
            peers=peers(f"bulk.{{stack}}.{m}", "segments_per_ack"))
    s = "lifecycle"
    add(s, "connect+req+resp+close, one core", val(rows, "lifecycle.synack"), "conn/s",
        val(rows, "lifecycle.linux"), "Linux loopback", "≥ 1,000,000",
        peers=peers("lifecycle.{stack}"))
    add(s, "the same per CPU second", per_cpu(rows, "lifecycle.synack"), "conn/s",
        per_cpu(rows, "lifecycle.linux"), "Linux loopback", "", peers=peers_cpu("lifecycle.{stack}"))
    s = "attack"
    sf = rows.get("synflood.synack.legit_completed") or {}
    add(s, "SYN flood 100k/s, backlog 128: legit handshakes done",
        val(rows, "synflood.synack.legit_completed"), "%", None, "", "≥ 99 %")
    grow = (sf["rss_end_mib"] - sf["rss_quarter_mib"]
            if sf.get("rss_end_mib") is not None and sf.get("rss_quarter_mib") is not None else None)
    add(s, "SYN flood: RSS growth after the first quarter", grow, "MiB", None, "", "≈ 0 (flat)")
    s = "latency"
    add(s, "1-byte ping-pong p50", val(rows, "pingpong.synack.p50"), "ns",
        val(rows, "pingpong.linux.p50"), "Linux loopback", "≤ 500 ns",
        peers=peers("pingpong.{stack}.p50"))
    add(s, "1-byte ping-pong p99", val(rows, "pingpong.synack.p99"), "ns",
        val(rows, "pingpong.linux.p99"), "Linux loopback", "", peers=peers("pingpong.{stack}.p99"))
    s = "memory"
    add(s, "sizeof(tcp::Connection)", val(rows, "sizeof.tcp_connection"), "B", None, "", "≤ 256 B")
    add(s, "sizeof(tcp::TimeWaitEntry)", val(rows, "sizeof.time_wait_entry"), "B", None, "", "≤ 64 B")
    for n in (10000, 100000, 1000000):
        k = f"{n // 1000}k" if n < 1000000 else "1M"
        got = val(rows, f"scale.synack.established.{n}", "connections")
        if got is not None and got != n:
            k += f" (reached {got // 1000}k)"
        add(s, f"idle ESTABLISHED, {k} (RSS/conn)", val(rows, f"scale.synack.established.{n}"),
            "B", None, "", "≤ 256 B")
        tw = rows.get(f"scale.synack.time_wait.{n}") or {}
        after = (tw["rss_before_close"] / tw["connections"]
                 if tw.get("rss_before_close") and tw.get("connections") else None)
        add(s, f"ESTABLISHED after one 64 B segment, {k}", after, "B", None, "", "")
        add(s, f"TIME-WAIT, {k} (RSS/conn)", val(rows, f"scale.synack.time_wait.{n}"), "B",
            None, "", "≤ 64 B")
    big = max((n for n in (10000, 100000, 1000000)
               if val(rows, f"scale.synack.segment_ns.{n}") is not None), default=None)
    add(s, "per-segment cost, 1k connections", val(rows, "scale.synack.segment_ns.1000"), "ns",
        None, "", "")
    if big:
        k = f"{big // 1000}k" if big < 1000000 else "1M"
        got = val(rows, f"scale.synack.segment_ns.{big}", "connections")
        if got is not None and got != big:
            k += f" (reached {got // 1000}k)"
        add(s, f"per-segment cost, {k} connections", val(rows, f"scale.synack.segment_ns.{big}"),
            "ns", val(rows, "scale.synack.segment_ns.1000"), "1k", "≤ 1.5× 1k")
    s = "tun"
    add(s, "Linux → synack over TUN (discard)", val(rows, "tun.kernel_to_synack"), "Gbit/s",
        veth, "Linux veth 1500", "")
    add(s, "synack → Linux over TUN (HTTP)", val(rows, "tun.synack_to_kernel"), "Gbit/s",
        veth, "Linux veth 1500", "")
    add(s, "raw TUN read rate, kernel → user (no TCP)", val(rows, "tun.raw.kernel_to_user"),
        "Mpps", None, "", "~0.5 Mpps/core")
    add(s, "raw TUN write rate, user → kernel (no TCP)", val(rows, "tun.raw.user_to_kernel"),
        "Mpps", None, "", "")
    # TCP over TUN in packets/s: full-sized segments carry 1448 payload bytes
    # (MTU 1500 − 40 − 12 timestamp option bytes).
    def mpps(gbit):
        return gbit * 1e9 / 8 / 1448 / 1e6 if gbit is not None else None
    add(s, "Linux → synack over TUN, data segments", mpps(val(rows, "tun.kernel_to_synack")),
        "Mpps", val(rows, "tun.raw.kernel_to_user"), "raw TUN read", "≥ 80 % raw TUN")
    add(s, "synack → Linux over TUN, data segments", mpps(val(rows, "tun.synack_to_kernel")),
        "Mpps", val(rows, "tun.raw.user_to_kernel"), "raw TUN write", "≥ 80 % raw TUN")
    s = "forward"
    add(s, "bulk through synack forward, client → server", val(rows, "forward.synack.bulk"),
        "Gbit/s", val(rows, "forward.kernel.bulk"), "kernel forwarding", "≥ 0.8× kernel")
    add(s, "connect+close through synack forward", val(rows, "forward.synack.conn_rate"),
        "conn/s", val(rows, "forward.kernel.conn_rate"), "kernel forwarding", "≥ 1× kernel")
    return t


def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def notes_for(rows, table):
    notes = []
    for r in rows.values():
        if r.get("value") is None and r.get("note"):
            notes.append(f"{r['id']}: {r['note']}")
        elif r.get("note"):
            notes.append(f"{r['id']}: {r['note']}")
        if r.get("complete") is False:
            notes.append(f"{r['id']}: stopped at the time limit after {r.get('bytes')} bytes")
        if r.get("failed"):
            notes.append(f"{r['id']}: {r['failed']} iterations failed")
    return notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--gbench", nargs="*", default=[])
    ap.add_argument("--quick", type=int, default=0)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = load_rows(a.rows)
    gb, context = load_gbench(a.gbench)
    table = build_table(rows, gb)

    head = ("section", "benchmark", "synack", "unit", "reference", "ratio", "vs", "gVisor",
            "s/gV", "lwIP", "s/lwIP", "target")
    lines = []

    def ratio(v, ref):
        return f"{v / ref:.2f}" if v is not None and ref else ""

    for sec, name, v, unit, ref, refname, target, gv, lw in table:
        lines.append((sec, name, fmt(v), unit, fmt(ref) if ref is not None else "", ratio(v, ref),
                      refname, fmt(gv) if gv is not None else "", ratio(v, gv),
                      fmt(lw) if lw is not None else "", ratio(v, lw), target))
    w = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(head)]
    right = {2, 4, 5, 7, 8, 9, 10}
    def show(cells):
        return "  ".join(c.rjust(w[i]) if i in right else c.ljust(w[i]) for i, c in enumerate(cells))
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = []
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print()
    print(f"synack benchmarks — {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"commit {commit}, {os.cpu_count()} CPUs, load {' '.join(load)}"
          f"{', QUICK (rough numbers)' if a.quick else ''}, {a.elapsed} s, "
          f"in-process rows: median of {a.rounds} round{'s' if a.rounds != 1 else ''}")
    print(show(head))
    print(show(tuple("-" * x for x in w)))
    last = None
    for l in lines:
        if last is not None and l[0] != last:
            print()
        last = l[0]
        print(show(l))
    notes = notes_for(rows, table)
    if notes:
        print("\nnotes:")
        for n in notes:
            print(f"  {n}")
    print("ratio = synack / reference, s/gV = synack / gVisor netstack, s/lwIP = synack / lwIP "
          "(rates: higher is better; ns and bytes: lower is better)")

    doc = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "quick": bool(a.quick),
        "elapsed_seconds": a.elapsed,
        "rounds": a.rounds,
        "host": {"cpus": os.cpu_count(), "kernel": platform.release(), "loadavg": load},
        "table": [dict(zip(("section", "benchmark", "synack", "unit", "reference",
                            "reference_name", "target", "gvisor", "lwip"), r)) for r in table],
        "rows": list(rows.values()),
        "google_benchmark": {"context": context, "benchmarks": list(gb.values())},
    }
    for r, t in zip(doc["table"], table):
        r["ratio"] = t[2] / t[4] if t[2] is not None and t[4] else None
        r["ratio_gvisor"] = t[2] / t[7] if t[2] is not None and t[7] else None
        r["ratio_lwip"] = t[2] / t[8] if t[2] is not None and t[8] else None
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"written {a.out}")


if __name__ == "__main__":
    main()
