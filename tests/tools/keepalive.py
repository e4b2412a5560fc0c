#!/usr/bin/env python3
"""Two HTTP/1.1 requests on one TCP connection, PAUSE seconds apart; prints
the two bodies on one line. Used to check that an established connection
keeps working while the director changes (weight 0, failover)."""
import socket
import sys
import time


def request(sock, host):
    sock.sendall(b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit("connection closed")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit("connection closed")
        body += chunk
    return body.decode().strip()


def main():
    host, port, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    sock = socket.create_connection((host, port), timeout=10)
    first = request(sock, host)
    print(first, flush=True)
    time.sleep(pause)
    print(first, request(sock, host), flush=True)


main()
