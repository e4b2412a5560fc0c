#!/usr/bin/env python3
"""Peers for tandem-checkd's integration tests, each on ADDR:PORT:

  hang:PORT     TCP: accept and never answer
  endless:PORT  TCP: answer an HTTP request with a body that never ends
  reset:PORT    TCP: read the request, then reset the connection
  smtp:PORT     TCP: an SMTP server (220 greeting, 250 to HELO, 221 to QUIT)
  dns:PORT      UDP: answer every query with one A record, 10.0.0.5
  udp:PORT      UDP: answer every datagram with "pong:" + the datagram

usage: hc_peer.py ADDR KIND:PORT... (runs until killed; at most --time s)
"""
import socket
import struct
import sys
import threading
import time


def tcp_server(addr, port, handler):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(128)
    held = []

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=handler, args=(c, held), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def hang(c, held):
    held.append(c)          # keep it open, say nothing
    if len(held) > 200:     # bounded: the oldest go
        held.pop(0).close()


def endless(c, held):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        chunk = b"x" * 65536
        deadline = time.time() + 30
        while time.time() < deadline:
            c.sendall(chunk)
    except OSError:
        pass
    c.close()


def reset(c, held):
    try:
        c.recv(4096)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    c.close()


def smtp(c, held):
    try:
        c.sendall(b"220-peer.test ESMTP\r\n220 ready\r\n")
        f = c.makefile("rb")
        for line in f:
            cmd = line.strip().upper()
            if cmd.startswith(b"HELO") or cmd.startswith(b"EHLO"):
                c.sendall(b"250 peer.test\r\n")
            elif cmd.startswith(b"QUIT"):
                c.sendall(b"221 bye\r\n")
                break
            else:
                c.sendall(b"500 what\r\n")
    except OSError:
        pass
    c.close()


def udp_server(addr, port, answer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))

    def loop():
        while True:
            data, peer = s.recvfrom(4096)
            r = answer(data)
            if r is not None:
                s.sendto(r, peer)
    threading.Thread(target=loop, daemon=True).start()


def dns_answer(q):
    if len(q) < 12:
        return None
    qid = q[:2]
    end = 12
    while end < len(q) and q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    hdr = qid + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
    ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([10, 0, 0, 5])
    return hdr + question + ans


def main():
    addr = sys.argv[1]
    limit = 300
    for arg in sys.argv[2:]:
        kind, port = arg.split(":")
        port = int(port)
        if kind in ("hang", "endless", "reset", "smtp"):
            tcp_server(addr, port, globals()[kind])
        elif kind == "dns":
            udp_server(addr, port, dns_answer)
        elif kind == "udp":
            udp_server(addr, port, lambda d: b"pong:" + d)
    print("ready", flush=True)
    time.sleep(limit)


if __name__ == "__main__":
    main()
