#!/usr/bin/env python3
"""Writes the seed corpus fuzz/corpus/{wire_ipv4,wire_tcp,wire_ipv6}/ (run by
hand; the files are checked in). Seeds: the golden Linux packets of
tests/data/linux_golden.txt and linux_golden_ipv6.txt plus hand-made edge
cases (IP options, fragments, SACK blocks, unknown options, each
malformed-option class; IPv6 extension-header chains and each refusal). Files named
regress_* are fuzzer finds kept by hand as regression seeds; this script
leaves them alone."""
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent


def read_golden(name):
    out = {}
    for line in (root.parent / "tests/data" / name).read_text().splitlines():
        if line and not line.startswith("#"):
            key, hexbytes = line.split()
            out[key] = bytes.fromhex(hexbytes)
    return out


golden = read_golden("linux_golden.txt")
golden6 = read_golden("linux_golden_ipv6.txt")


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

A6 = bytes.fromhex("fd000000000000000000000000000001")
B6 = bytes.fromhex("fd000000000000000000000000000002")


def ipv6(first, payload, src=A6, dst=B6):
    return struct.pack(">IHBB", 6 << 28, len(payload), first, 64) + src + dst + payload


def tcp6(seg, src=A6, dst=B6):
    pseudo = src + dst + struct.pack(">IxxxB", len(seg), 6)
    return seg[:16] + struct.pack(">H", csum(pseudo + seg)) + seg[18:]


syn6 = tcp6(tcp(syn_opts))
h = bytes.fromhex
packets6 = {"linux_" + n: p for n, p in golden6.items()}
packets6.update({
    "syn_plain": ipv6(6, syn6),
    "hbh_dstopts_tcp": ipv6(0, h("3c00 0104 00000000 0600 1e02 abcd 0000") + syn6),
    "hbh_not_first": ipv6(60, h("0000 0104 00000000 0600 0104 00000000") + syn6),
    "option_action_10": ipv6(60, h("0600 0100 be02 0000") + syn6),
    "jumbo_option": ipv6(0, h("0600 c204 00000000") + syn6),
    "option_past_end": ipv6(60, h("0600 1e05 00000000") + syn6),
    "padding_14": ipv6(60, h("0601 010c 000000000000000000000000") + syn6),
    "routing0_segs1": ipv6(43, h("0602 0001 00000000") + bytes(16) + syn6),
    "routing0_segs0": ipv6(43, h("0602 0000 00000000") + bytes(16) + syn6),
    "atomic_fragment": ipv6(44, h("0600 0000 01020304") + syn6),
    "fragment_middle": ipv6(44, h("0600 05a9 01020304") + bytes(16)),
    "fragment_odd": ipv6(44, h("0600 05a9 01020304") + bytes(12)),
    "first_fragment_cut": ipv6(44, h("0600 0001 00000007") + bytes(8)),
    "chain_9": ipv6(60, h("3c00 0104 00000000") * 8 + h("0600 0104 00000000") + syn6),
    "ext_truncated": ipv6(0, h("0601 0104 00000000")),
    "next_header_253": ipv6(253, b"synack"),
    "payload_past_buffer": ipv6(6, syn6)[:-1],
})

for target, items in (("wire_tcp", segments), ("wire_ipv4", packets), ("wire_ipv6", packets6)):
    d = root / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for name, b in items.items():
        (d / name).write_bytes(b)
    print(target, len(items), "files")
