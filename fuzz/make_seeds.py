#!/usr/bin/env python3
"""Writes the seed corpora of the stateful fuzz targets (run by hand; the files
are checked in): fuzz/corpus/{stack_receive,engine_sanity,drill_parser,http_parser}/.
Each seed is a small program in the target's input format (see the comment at
the top of each target). Files named regress_* are fuzzer finds kept as
regression seeds; this script leaves them alone."""
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent / "corpus"


def u8(v):
    return struct.pack(">B", v & 0xFF)


def u16(v):
    return struct.pack(">H", v & 0xFFFF)


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def write(target, name, data):
    d = root / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# ---- stack_receive: ops 0 raw, 1 segment, 2 ICMP error, 3 echo, 4 time, 5 app
PEER0, PORT40000, PORT80_MODE = 0, 1, 3 << 1
REL = 1 | 16 | 32  # dst = the port we answered from, seq/ack relative to our last segment


def seg_raw(flags, seq, ack, mss=None, payload=b"", frag=None):
    mode = PORT80_MODE | (64 if frag else 0)
    out = u8(1) + u8(PEER0) + u8(PORT40000) + u8(mode) + u8(flags) + u32(seq) + u32(ack) + u16(65535)
    out += (u8(1) + u16(mss)) if mss else u8(0)
    out += u16(len(payload)) + payload
    return out + (frag or b"")


def seg_rel(flags, payload=b"", dseq=0, dack=0, opts=b"\0", frag=None):
    mode = REL | (64 if frag else 0)
    out = u8(1) + u8(PEER0) + u8(PORT40000) + u8(mode) + u8(flags) + u16(dseq) + u16(dack) + u16(65535)
    out += opts + u16(len(payload)) + payload
    return out + (frag or b"")


def time(ms, long=False):
    return u8(4) + u16(ms) + u8(1 if long else 0)


def app(what, *args):
    return u8(5) + u8(what) + b"".join(args)


SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
hs = seg_raw(SYN, 1000, 0, mss=1460) + seg_rel(ACK)
write("stack_receive", "handshake_data_close",
      u8(0) + hs + seg_rel(PSH | ACK, b"hello, world\n" * 8) + app(0, u8(0), u16(4096), u8(0)) +
      app(1, u8(0), u16(3000)) + seg_rel(ACK) + seg_rel(FIN | ACK) + app(3, u8(0)) + time(2000, True))
write("stack_receive", "handshake_ts_sack",
      u8(4 | 8) + seg_raw(SYN, 5000, 0, mss=536) + seg_rel(ACK) +
      seg_rel(PSH | ACK, b"x" * 400, dseq=800) + seg_rel(PSH | ACK, b"y" * 800) + time(300))
write("stack_receive", "syn_flood_cookies",
      u8(32) + b"".join(seg_raw(SYN, 7 * i, 0, mss=1460) for i in range(8)) + seg_rel(ACK) + time(1000))
write("stack_receive", "fragmented_segment",
      u8(0) + seg_raw(SYN, 1000, 0, mss=1460) +
      seg_rel(PSH | ACK, b"f" * 200, frag=u8(1) + u8(0) + u8(0) + u8(4) + u8(3) + u8(1)) + time(100))
write("stack_receive", "rst_and_challenge",
      u8(1) + hs + seg_rel(RST, dseq=10) + seg_rel(RST) + seg_rel(SYN, dseq=5) + time(1000, True))
write("stack_receive", "icmp_errors",
      u8(0) + time(1) + u8(2) + u8(0) + u8(40) + u8(0) + u8(1) + u8(4) + u16(68) +
      u8(2) + u8(0) + u8(12) + u8(0) + u8(1) + u8(3) + u16(0) + u8(3) + u8(8) + b"pingpong" + u8(0) + u32(0x10001))
write("stack_receive", "raw_fixed_packet",
      u8(0) + u8(0) + u8(3) + u16(40) +
      bytes.fromhex("4500002800010000400600000a0000010a000002") +
      bytes.fromhex("9c40005000000001000000005002ffff00000000"))
write("stack_receive", "time_wait_and_reuse",
      u8(0) + hs + app(6, u8(0)) + seg_rel(FIN | ACK) + app(3, u8(0)) + seg_rel(ACK) +
      seg_raw(SYN, 900000, 0, mss=1460) + time(65000, True))

# ---- engine_sanity: first byte config (bit 7 passive); ops 0 seg, 1 time, 2 send, 3 recv, 4 user, 5 drain


def eseg(flags, mode=1 | 8, dseq=None, dack=None, payload_len=0, opts=b"\0", seq=None, ack=None):
    out = u8(0) + u8(mode) + u8(flags)
    out += u32(seq) if (mode & 3) == 0 else (b"" if (mode & 3) == 1 else u16(dseq or 0))
    out += u32(ack) if (mode & 24) == 0 else (b"" if (mode & 8) else u16(dack or 0))
    return out + u16(65535) + opts + u16(payload_len)


synack = eseg(SYN | ACK, mode=0 | 8, seq=7000, ack=0, opts=u8(1) + u16(1460))
write("engine_sanity", "active_transfer",
      u8(16 | 32) + u8(5) + synack + u8(2) + u16(5000) + u8(5) + eseg(ACK, payload_len=1000) +
      u8(3) + u16(4000) + eseg(ACK, mode=1 | 8 | 4) + u8(1) + u16(300) + u8(0) + u8(4) + u8(0) +
      eseg(FIN | ACK, mode=1 | 8 | 4) + u8(1) + u16(60) + u8(1))
write("engine_sanity", "passive_out_of_order",
      u8(128 | 4) + u8(0) + u32(42) + u32(0) + u16(65535) + u8(0) + u16(0) + u8(5) +
      eseg(ACK, mode=1 | 8 | 4) + eseg(PSH | ACK, mode=2 | 8 | 4, dseq=1000, payload_len=500) +
      eseg(PSH | ACK, mode=2 | 8 | 4, dseq=500, payload_len=500) +
      eseg(PSH | ACK, mode=1 | 8 | 4, payload_len=500) + u8(3) + u16(8000) + u8(1) + u16(1000) + u8(0))
write("engine_sanity", "sack_loss_recovery",
      u8(32 | 16 | 8) + u8(5) + eseg(SYN | ACK, mode=0 | 8, seq=1, ack=0, opts=u8(1 | 4 | 8) + u16(1000) + u32(1) + u32(0)) +
      u8(2) + u16(20000) + u8(5) +
      b"".join(eseg(ACK, mode=1 | 8, opts=u8(16) + u8(0) + u16(1000 * i) + u16(1000)) for i in range(2, 6)) +
      u8(1) + u16(1500) + u8(0) + u8(5))
write("engine_sanity", "rst_syn_in_window",
      u8(0) + u8(5) + synack + eseg(ACK, mode=1 | 8 | 4) + eseg(RST, mode=2 | 8, dseq=5) +
      eseg(SYN, mode=1 | 8) + eseg(RST, mode=1 | 8) + u8(5))

# ---- drill_parser: packetdrill scripts (written for this corpus)
write("drill_parser", "passive_open.pkt", """--tolerance_usecs=10000
0.000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
+.1 < . 1:1(0) ack 1 win 257
+0 accept(3, ..., ...) = 4
+0 write(4, ..., 1000) = 1000
+0 > P. 1:1001(1000) ack 1
+.1 < . 1:1(0) ack 1001 win 257 <nop,nop,sack 1:2>
+0 close(4) = 0
+0 > F. 1001:1001(0) ack 1
""")
write("drill_parser", "active_open_ifdef.pkt", """--ip_version=ipv4
#ifdef FreeBSD
0 `sysctl -w net.inet.tcp.sack.enable=1`
#else
0 `echo linux`
#endif
/* block comment */ +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>
+.05 < S. 0:0(0) ack 1 win 65535 <mss 1460>
+0 > . 1:1(0) ack 1
+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
+0 %{ assert tcpi_state == 4 }%
+1.5~+2 < R 1:1(0) win 0
""")
write("drill_parser", "options_and_icmp.pkt", """--mtu=1500
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0
+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
+0 < [1:1001(1000)] icmp unreachable frag_needed mtu 576
+0 < . 1:1(0) ack 1 win 0 <eol>
+0 read(3, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)
+0 poll([{fd=3, events=POLLIN, revents=POLLIN}], 1, 0) = 1
""")

# ---- http_parser: first byte side/mode, second piece size, then the bytes
write("http_parser", "get_keepalive", b"\x02\x10GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
write("http_parser", "get_close_file", b"\x04\x00GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n")
write("http_parser", "traversal", b"\x04\x02GET /../../etc/passwd HTTP/1.0\r\n\r\n")
write("http_parser", "post_bad", b"\x00\x01POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
write("http_parser", "response_ok", b"\x01\x04HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
write("http_parser", "response_short", b"\x01\x00HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999\r\n\r\nab")
write("http_parser", "response_garbage", b"\x01\x00HTTP/1.1 2")
