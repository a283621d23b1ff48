#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Re-encapsulates an Ethernet pcap (IPv4 only) as raw IP (LINKTYPE_RAW, 101)
# or BSD loopback (DLT_NULL, 0: a 4-byte AF_INET in little-endian order),
# keeping every packet and timestamp. Usage: relink.py raw|null IN OUT
import struct, sys

kind, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
magic, vmaj, vmin, tz, sig, snap, link = struct.unpack("<IHHiIII", data[:24])
assert magic in (0xa1b2c3d4, 0xa1b23c4d) and link == 1, "need a little-endian Ethernet pcap"
out = [struct.pack("<IHHiIII", magic, vmaj, vmin, tz, sig, snap, 101 if kind == "raw" else 0)]
at = 24
while at + 16 <= len(data):
    sec, frac, incl, orig = struct.unpack("<IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    if frame[12:14] != b"\x08\x00":
        continue
    body = frame[14:] if kind == "raw" else struct.pack("<I", 2) + frame[14:]
    delta = len(body) - len(frame)
    out.append(struct.pack("<IIII", sec, frac, len(body), orig + delta) + body)
open(dst, "wb").write(b"".join(out))
