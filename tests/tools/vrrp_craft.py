#!/usr/bin/env python3
"""Send hand-made VRRP adverts, good or broken on purpose, as whole
Ethernet frames on an AF_PACKET socket (tests only, inside a lab
namespace). Every field can be set; defaults give a valid v3 advert.

  vrrp_craft.py --iface eth0 --src 10.0.0.3 --vrid 51 --prio 254 \
      [--version 3] [--type 1] [--ttl 255] [--count N] [--addrs A,B]
      [--interval CS] [--bad-csum] [--truncate N] [--dst 224.0.0.18]
      [--dst-mac 01:00:5e:00:00:12] [--repeat N] [--pass PW]
"""
import argparse
import ipaddress
import socket
import struct


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def advert(a):
    addrs = [ipaddress.ip_address(x).packed for x in a.addrs.split(",")]
    count = len(addrs) if a.count is None else a.count
    if a.version == 2:
        b4, b5 = (1 if a.pw else 0), a.interval // 100
    else:
        b4, b5 = (a.interval >> 8) & 0xF, a.interval & 0xFF
    body = bytes([(a.version << 4) | a.type, a.vrid, a.prio, count, b4, b5, 0, 0])
    body += b"".join(addrs)
    if a.version == 2:
        body += (a.pw or "").encode().ljust(8, b"\0")[:8]
    src = ipaddress.ip_address(a.src).packed
    dst = ipaddress.ip_address(a.dst).packed
    ph = src + dst + bytes([0, 112]) + struct.pack("!H", len(body)) if a.version == 3 else b""
    c = csum(ph + body)
    if a.bad_csum:
        c ^= 0x5555
    body = body[:6] + struct.pack("!H", c) + body[8:]
    if a.truncate is not None:
        body = body[: a.truncate]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(body), 0, 0, a.ttl, 112, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + body


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", default="224.0.0.18")
    p.add_argument("--dst-mac", default="01:00:5e:00:00:12")
    p.add_argument("--vrid", type=int, default=51)
    p.add_argument("--prio", type=int, default=254)
    p.add_argument("--version", type=int, default=3)
    p.add_argument("--type", type=int, default=1)
    p.add_argument("--ttl", type=int, default=255)
    p.add_argument("--count", type=int)
    p.add_argument("--addrs", default="10.0.0.100")
    p.add_argument("--interval", type=int, default=100, help="centiseconds")
    p.add_argument("--bad-csum", action="store_true")
    p.add_argument("--truncate", type=int)
    p.add_argument("--pass", dest="pw")
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    mac = s.getsockname()[4]
    frame = bytes.fromhex(a.dst_mac.replace(":", "")) + mac + b"\x08\x00" + advert(a)
    sent = 0
    for _ in range(a.repeat):
        try:
            s.send(frame)
            sent += 1
        except BlockingIOError:
            pass
        except OSError as e:
            if e.errno != 105:  # ENOBUFS under a flood: try the next
                raise
    print(sent)


if __name__ == "__main__":
    main()
