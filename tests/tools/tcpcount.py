#!/usr/bin/env python3
"""A TCP byte counter for bulk-transfer tests.
  tcpcount.py serve PORT SECONDS   accept connections; read each to EOF,
                                   answer the byte count, close
  tcpcount.py send HOST PORT BYTES send BYTES, half-close, print the answer
"""
import socket
import sys
import time


def serve(port, secs):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))              # IPv4 and IPv6
    srv.listen(16)
    srv.settimeout(1)
    end = time.time() + secs
    while time.time() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        conn.settimeout(30)
        total = 0
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                total += len(data)
            conn.sendall(b"%d\n" % total)
        except OSError:
            pass
        conn.close()


def send(host, port, nbytes):
    s = socket.create_connection((host, port), timeout=20)  # v4 or v6
    chunk = b"x" * 65536
    left = nbytes
    while left > 0:
        left -= s.send(chunk[:min(left, len(chunk))])
    s.shutdown(socket.SHUT_WR)
    print(s.recv(100).decode().strip())


if sys.argv[1] == "serve":
    serve(int(sys.argv[2]), float(sys.argv[3]))
else:
    send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
