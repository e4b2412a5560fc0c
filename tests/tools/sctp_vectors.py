#!/usr/bin/python3
"""Write the SCTP fuzz seeds (tests/fuzz/corpus/sctp/) with scapy: one
association, client 10.0.0.2:40000 -> VIP 10.0.0.100:3868, from INIT to
SHUTDOWN-COMPLETE, plus an ABORT and bundles. Each seed is the SCTP packet
(common header and chunks) with scapy's CRC32c; with -c, print them as C
arrays for tests/unit/test_sctp.c instead."""
import os
import sys

from scapy.layers.inet import IP
from scapy.layers.sctp import (SCTP, SCTPChunkAbort, SCTPChunkCookieAck,
                               SCTPChunkCookieEcho, SCTPChunkData,
                               SCTPChunkInit, SCTPChunkInitAck,
                               SCTPChunkParamStateCookie, SCTPChunkSACK,
                               SCTPChunkShutdown, SCTPChunkShutdownAck,
                               SCTPChunkShutdownComplete)

CLIENT, VIP = "10.0.0.2", "10.0.0.100"
CTAG, STAG = 0x11223344, 0x55667788
COOKIE = bytes(range(16))


def c2s(tag, *chunks, dport=3868):
    """Client to service, verification tag `tag`."""
    p = SCTP(sport=40000, dport=dport, tag=tag)
    for ch in chunks:
        p = p / ch
    return IP(src=CLIENT, dst=VIP) / p


def s2c(tag, *chunks):
    p = SCTP(sport=3868, dport=40000, tag=tag)
    for ch in chunks:
        p = p / ch
    return IP(src=VIP, dst=CLIENT) / p


PACKETS = [
    ("init", c2s(0, SCTPChunkInit(init_tag=CTAG, a_rwnd=106496,
                                  n_out_streams=10, n_in_streams=65535,
                                  init_tsn=1000))),
    ("init_ack", s2c(CTAG, SCTPChunkInitAck(
        init_tag=STAG, a_rwnd=106496, n_out_streams=10, n_in_streams=10,
        init_tsn=5000, params=[SCTPChunkParamStateCookie(cookie=COOKIE)]))),
    ("cookie_echo", c2s(STAG, SCTPChunkCookieEcho(cookie=COOKIE))),
    ("cookie_ack", s2c(CTAG, SCTPChunkCookieAck())),
    ("data", c2s(STAG, SCTPChunkData(tsn=1000, stream_id=0, stream_seq=0,
                                     proto_id=0, data=b"hello"))),
    # The same DATA after NAT to a real server on port 8080.
    ("data_dnat", c2s(STAG, SCTPChunkData(tsn=1000, stream_id=0,
                                          stream_seq=0, proto_id=0,
                                          data=b"hello"), dport=8080)),
    ("sack", s2c(CTAG, SCTPChunkSACK(cumul_tsn_ack=1000, a_rwnd=106496))),
    ("shutdown", c2s(STAG, SCTPChunkShutdown(cumul_tsn_ack=5000))),
    ("shutdown_ack", s2c(CTAG, SCTPChunkShutdownAck())),
    ("shutdown_complete", c2s(STAG, SCTPChunkShutdownComplete())),
    ("abort", c2s(STAG, SCTPChunkAbort())),
    ("cookie_echo_data", c2s(STAG, SCTPChunkCookieEcho(cookie=COOKIE),
                             SCTPChunkData(tsn=1000, data=b"hi"))),
    ("cookie_ack_abort", s2c(CTAG, SCTPChunkCookieAck(), SCTPChunkAbort())),
]


def sctp_bytes(pkt):
    raw = bytes(pkt)
    return raw[(raw[0] & 0xf) * 4:]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "-c":
        for name, pkt in PACKETS:
            b = sctp_bytes(pkt)
            print("static const uint8_t pkt_%s[%d] = {" % (name, len(b)))
            for i in range(0, len(b), 12):
                print("\t" + " ".join("0x%02x," % x for x in b[i:i + 12]))
            print("};")
        return
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "../fuzz/corpus/sctp")
    os.makedirs(out, exist_ok=True)
    for name, pkt in PACKETS:
        with open(os.path.join(out, name), "wb") as f:
            f.write(sctp_bytes(pkt))


if __name__ == "__main__":
    main()
