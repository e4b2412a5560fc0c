#!/usr/bin/env python3
"""Send one JSON request to a Tandem control socket and print the reply
(docs/control-protocol.md): ctlsend.py SOCKET '{"cmd": "status"}'."""
import json
import socket
import struct
import sys


def main():
    path, body = sys.argv[1], sys.argv[2].encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(struct.pack("!HHI", 1, 0, len(body)) + body)
    while True:
        hdr = b""
        while len(hdr) < 8:
            chunk = s.recv(8 - len(hdr))
            if not chunk:
                raise SystemExit("connection closed")
            hdr += chunk
        typ, flags, length = struct.unpack("!HHI", hdr)
        data = b""
        while len(data) < length:
            data += s.recv(length - len(data))
        print(json.dumps(json.loads(data), sort_keys=True))
        if not flags & 1:
            break


main()
