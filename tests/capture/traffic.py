#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Real Linux TCP connections on 127.0.0.1 for make_captures.sh to record, one
# per situation, each on its own server port so the conversations are easy to
# tell apart: 5001 client closes first, 5002 server closes first, 5003 client
# aborts with RST (SO_LINGER 0), 5004 refused (SYN answered by RST),
# 5005 a bulk transfer (2 MiB) then close.
import socket, struct, sys, threading, time

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"

def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, port))
    s.listen(4)
    return s

def recv_all(c):
    n = 0
    while True:
        try:
            b = c.recv(65536)
        except ConnectionResetError:
            return n
        if not b:
            return n
        n += len(b)

def client_closes_first():
    srv = listener(5001)
    def serve():
        c, _ = srv.accept()
        c.recv(2000)
        c.sendall(b"r" * 100)
        recv_all(c)          # until the client's FIN
        time.sleep(0.02)
        c.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection((HOST, 5001))
    c.sendall(b"q" * 1000)
    c.recv(100)
    c.shutdown(socket.SHUT_WR)
    recv_all(c)
    c.close(); t.join(); srv.close()

def server_closes_first():
    srv = listener(5002)
    def serve():
        c, _ = srv.accept()
        c.sendall(b"hello\n")
        c.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection((HOST, 5002))
    recv_all(c)
    time.sleep(0.02)
    c.close(); t.join(); srv.close()

def reset():
    srv = listener(5003)
    def serve():
        c, _ = srv.accept()
        recv_all(c)
        c.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection((HOST, 5003))
    c.sendall(b"x" * 10)
    time.sleep(0.02)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close(); t.join(); srv.close()

def refused():
    try:
        socket.create_connection((HOST, 5004), timeout=1)
    except ConnectionRefusedError:
        pass

def bulk():
    srv = listener(5005)
    def serve():
        c, _ = srv.accept()
        recv_all(c)
        c.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection((HOST, 5005))
    c.sendall(b"b" * (2 * 1024 * 1024))
    c.shutdown(socket.SHUT_WR)
    recv_all(c)
    c.close(); t.join(); srv.close()

for step in sys.argv[2:] or ["1", "2", "3", "4", "5"]:
    {"1": client_closes_first, "2": server_closes_first, "3": reset, "4": refused, "5": bulk}[step]()
    time.sleep(0.05)
