#!/usr/bin/env python3
"""Probe a UDP echo service every PERIOD ms for SECONDS and report the
longest silence between two replies (the outage a failover causes), as
milliseconds on one line: "gap_ms replies sent".

  udp_probe.py ADDR PORT SECONDS [PERIOD_MS]
"""
import select
import socket
import sys
import time


def main():
    addr, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    period = float(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.001
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    end = time.monotonic() + secs
    nxt = time.monotonic()
    seq = sent = got = 0
    last = None
    gap = 0.0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now >= nxt:
            try:
                s.sendto(b"%d" % seq, (addr, port))
                sent += 1
            except OSError:
                pass
            seq += 1
            nxt += period
        r, _, _ = select.select([s], [], [], max(0.0, min(nxt, end) - time.monotonic()))
        if r:
            while True:
                try:
                    s.recv(2048)
                except BlockingIOError:
                    break
                t = time.monotonic()
                got += 1
                if last is not None and t - last > gap:
                    gap = t - last
                last = t
    print("%.1f %d %d" % (gap * 1000, got, sent))


if __name__ == "__main__":
    main()
