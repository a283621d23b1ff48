#!/usr/bin/env python3
"""Writes the seed corpus fuzz/corpus/{wire_ipv4,wire_tcp}/ (run by hand; the
files are checked in). Seeds: the golden Linux packets of
tests/data/linux_golden.txt plus hand-made edge cases (IP options, fragments,
SACK blocks, unknown options, each malformed-option class). Files named
regress_* are fuzzer finds kept by hand as regression seeds; this script
leaves them alone."""
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent
golden = {}
for line in (root.parent / "tests/data/linux_golden.txt").read_text().splitlines():
    if line and not line.startswith("#"):
        name, hexbytes = line.split()
        golden[name] = bytes.fromhex(hexbytes)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f">{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp(opts=b"", payload=b"", flags=0x02, seq=1000, ack=0):
    opts += b"\0" * (-len(opts) % 4)
    doff = (20 + len(opts)) // 4
    hdr = struct.pack(">HHIIBBHHH", 5000, 80, seq, ack, doff << 4, flags, 65535, 0, 0)
    return hdr + opts + payload


def ipv4(seg, ip_opts=b"", frag=0x4000, src="10.0.0.1", dst="10.0.0.2"):
    ip_opts += b"\0" * (-len(ip_opts) % 4)
    ihl = 5 + len(ip_opts) // 4
    s = bytes(map(int, src.split(".")))
    d = bytes(map(int, dst.split(".")))
    pseudo = s + d + struct.pack(">BBH", 0, 6, len(seg))
    seg = seg[:16] + struct.pack(">H", csum(pseudo + seg)) + seg[18:]
    hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(seg), 1, frag, 64, 6, 0, s, d)
    hdr += ip_opts
    hdr = hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:]
    return hdr + seg


syn_opts = bytes.fromhex("020405b4" "0402" "080a0000000100000000" "01" "030307")
sack = bytes.fromhex("0101" "0522") + b"".join(struct.pack(">II", 100 * k, 100 * k + 50) for k in range(4))
segments = {
    "syn_all_options": tcp(syn_opts),
    "synfin_payload": tcp(syn_opts, b"hello", flags=0x03),
    "no_flags": tcp(flags=0x00),
    "ack_sack4": tcp(sack, flags=0x10, ack=1),
    "unknown_option": tcp(bytes.fromhex("fd04beef" "0303ff"), flags=0x10),
    "eol_then_junk": tcp(bytes.fromhex("020405b4" "00" "0200"), flags=0x10),
    "bad_opt_len0": tcp(bytes.fromhex("0200")),
    "bad_opt_len1": tcp(bytes.fromhex("0201")),
    "bad_opt_past_end": tcp(bytes.fromhex("01010108")),
    "bad_opt_no_room": tcp(bytes.fromhex("08")),
}
for name, pkt in golden.items():
    segments["linux_" + name] = pkt[(pkt[0] & 15) * 4:]

packets = {"linux_" + n: p for n, p in golden.items()}
packets.update({
    "syn_all_options": ipv4(segments["syn_all_options"]),
    "ack_sack4": ipv4(segments["ack_sack4"]),
    "synfin_payload": ipv4(segments["synfin_payload"]),
    "ip_options": ipv4(segments["syn_all_options"], ip_opts=bytes.fromhex("0101940400000000")),
    "fragment_mf": ipv4(segments["syn_all_options"], frag=0x2000),
    "truncated": golden["data"][:60],
    "bad_opt_len0": ipv4(segments["bad_opt_len0"]),
    "ihl4": b"\x44" + golden["syn"][1:],
})

for target, items in (("wire_tcp", segments), ("wire_ipv4", packets)):
    d = root / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for name, b in items.items():
        (d / name).write_bytes(b)
    print(target, len(items), "files")
