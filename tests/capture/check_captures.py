#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# `synack draw` against tshark on captures: for every *.pcap/*.pcapng in DIR,
# the conversations `synack draw --list` prints must be tshark's tcp.stream
# numbers with the same packet counts, and every conversation must draw as
# text, SVG and HTML (exit 0, its endpoints in the drawing).
#   check_captures.py SYNACK DIR            the committed captures
#   check_captures.py SYNACK --record       records fresh ones first with
#                                           make_captures.sh (root, namespaces;
#                                           lossy.pcap through SYNACK serve's TUN)
import collections, os, pathlib, re, shutil, subprocess, sys, tempfile

synack, where = sys.argv[1], sys.argv[2]
here = pathlib.Path(__file__).resolve().parent
tmp = None
if where == "--record":
    if os.geteuid() != 0:
        print("SKIP check_captures --record: needs root (namespaces, tcpdump)")
        sys.exit(0)
    tmp = tempfile.mkdtemp(prefix="synack-captures-")
    subprocess.run([str(here / "make_captures.sh"), tmp, synack], check=True)
    where = tmp
if not shutil.which("tshark"):
    print("SKIP check_captures: tshark not installed")
    sys.exit(0)

failures = []
files = sorted(p for p in pathlib.Path(where).iterdir() if p.suffix in (".pcap", ".pcapng"))
for f in files:
    out = subprocess.run(["tshark", "-r", str(f), "-T", "fields", "-e", "tcp.stream"],
                         capture_output=True, text=True, check=True).stdout
    want = collections.Counter(int(x) for x in out.split())
    listing = subprocess.run([synack, "draw", "--list", str(f)], capture_output=True, text=True)
    if listing.returncode != 0:
        failures.append(f"{f.name}: --list exit {listing.returncode}: {listing.stderr.strip()}")
        continue
    got, host = {}, {}
    for line in listing.stdout.splitlines()[1:]:
        m = re.match(r"\s*(\d+)\s+([\d.]+):\d+ → \S+\s+(\d+)\s", line)
        if m:
            got[int(m.group(1))] = int(m.group(3))
            host[int(m.group(1))] = m.group(2)
    if got != dict(want):
        failures.append(f"{f.name}: synack {got} != tshark {dict(want)}")
    for stream in got:
        for fmt in ("text", "svg", "html"):
            r = subprocess.run([synack, "draw", str(f), "--stream", str(stream), "-f", fmt],
                               capture_output=True, text=True)
            if r.returncode != 0 or host[stream] not in r.stdout:
                failures.append(f"{f.name} stream {stream} {fmt}: exit {r.returncode} "
                                f"{r.stderr.strip()}")
    print(f"{f.name}: {len(got)} streams, {sum(got.values())} packets, as tshark")
if tmp:
    shutil.rmtree(tmp)
for x in failures:
    print("FAIL", x)
sys.exit(1 if failures or not files else 0)
