#!/usr/bin/python3
"""Crafted SCTP for tests on kernels without SCTP (scapy, Debian's
python3-scapy; run with /usr/bin/python3).

  sctp_peer.py send SRC DST SPORT DPORT CHUNK [bad-crc|bad-len]
      send one packet with one chunk: init init-ack cookie-echo cookie-ack
      data shutdown shutdown-ack shutdown-complete abort; with SCTP_PEER_AFTER
      set to a file name, it waits (at most 10 s) for that file first
  sctp_peer.py sniff IFACE SECONDS [READY_FILE]
      print the first SCTP packet seen: "SRC:SPORT > DST:DPORT CHUNK crc-ok|crc-bad";
      READY_FILE is created once the capture socket is open
"""
import os
import sys
import time

from scapy.all import (IP, SCTP, SCTPChunkAbort, SCTPChunkCookieAck,
                       SCTPChunkCookieEcho, SCTPChunkData, SCTPChunkInit,
                       SCTPChunkInitAck, SCTPChunkShutdown,
                       SCTPChunkShutdownAck, SCTPChunkShutdownComplete,
                       conf, raw, send, sniff)

conf.verb = 0
CHUNKS = {
    "init": lambda: SCTPChunkInit(init_tag=0x1111, a_rwnd=65535, n_out_streams=1,
                                  n_in_streams=1, init_tsn=1),
    "init-ack": lambda: SCTPChunkInitAck(init_tag=0x2222, a_rwnd=65535,
                                         n_out_streams=1, n_in_streams=1, init_tsn=1),
    "cookie-echo": lambda: SCTPChunkCookieEcho(cookie=b"cookie!!"),
    "cookie-ack": lambda: SCTPChunkCookieAck(),
    "data": lambda: SCTPChunkData(tsn=1, data=b"hello sctp"),
    "shutdown": lambda: SCTPChunkShutdown(),
    "shutdown-ack": lambda: SCTPChunkShutdownAck(),
    "shutdown-complete": lambda: SCTPChunkShutdownComplete(),
    "abort": lambda: SCTPChunkAbort(),
}
NAMES = {0: "data", 1: "init", 2: "init-ack", 6: "abort", 7: "shutdown",
         8: "shutdown-ack", 10: "cookie-echo", 11: "cookie-ack",
         14: "shutdown-complete"}


def do_send(src, dst, sport, dport, chunk, mangle=None):
    pkt = IP(src=src, dst=dst) / SCTP(sport=int(sport), dport=int(dport),
                                      tag=0x1111) / CHUNKS[chunk]()
    data = bytearray(raw(pkt))
    if mangle == "bad-crc":
        data[28] ^= 0xff
    elif mangle == "bad-len":
        data[34:36] = (4000).to_bytes(2, "big")   # chunk length past the end
        pkt2 = IP(bytes(data))
        del pkt2[SCTP].chksum                     # a valid CRC over it
        data = bytearray(raw(pkt2))
    after = os.environ.get("SCTP_PEER_AFTER")
    deadline = time.monotonic() + 10
    while after and not os.path.exists(after) and time.monotonic() < deadline:
        time.sleep(0.01)
    send(IP(bytes(data)))


def crc_ok(pkt):
    got = pkt[SCTP].chksum
    p = pkt[IP].copy()
    del p[SCTP].chksum
    return IP(raw(p))[SCTP].chksum == got


def do_sniff(iface, secs, ready=None):
    def started():
        if ready:
            open(ready, "w").close()
    pkts = sniff(iface=iface, timeout=float(secs), count=1,
                 started_callback=started,
                 lfilter=lambda p: p.haslayer(SCTP) and p.haslayer(IP))
    for p in pkts:
        chunk_type = raw(p[SCTP])[12]
        print("%s:%d > %s:%d %s %s" % (p[IP].src, p[SCTP].sport, p[IP].dst,
              p[SCTP].dport, NAMES.get(chunk_type, str(chunk_type)),
              "crc-ok" if crc_ok(p) else "crc-bad"), flush=True)


if sys.argv[1] == "send":
    do_send(*sys.argv[2:7], *(sys.argv[7:8] or [None]))
else:
    do_sniff(*sys.argv[2:5])
