#!/usr/bin/env python3
"""A TCP server on the kernel's stack for the bridge tests (runs inside the namespace).

    kernel_server.py echo PORT READY RESULT
        Accepts one connection, sends back every byte as it arrives, and closes once the
        peer has closed its side (the peer closes first).
    kernel_server.py reply PORT READY RESULT N REPLY
        Accepts one connection, reads N bytes, sends REPLY bytes of a fixed pattern, and
        closes first (before the peer's FIN).

Listens on [::] (IPv4 too). Writes READY once listening; RESULT gets one line:
"received=N received_sha256=HEX sent=M sent_sha256=HEX peer_closed_first=yes|no".
Gives up after 30 s.
"""
import hashlib
import socket
import sys


def pattern(n):
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


def main():
    mode, port, ready, result = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(1)
    srv.settimeout(30)
    with open(ready, "w") as f:
        f.write("listening\n")
    conn, _ = srv.accept()
    conn.settimeout(30)
    got = hashlib.sha256()
    sent = hashlib.sha256()
    nin = nout = 0
    peer_first = "no"
    if mode == "echo":
        while True:
            data = conn.recv(65536)
            if not data:
                peer_first = "yes"
                break
            got.update(data)
            nin += len(data)
            conn.sendall(data)
            sent.update(data)
            nout += len(data)
        conn.close()
    elif mode == "reply":
        want, reply = int(sys.argv[5]), int(sys.argv[6])
        while nin < want:
            data = conn.recv(min(65536, want - nin))
            if not data:
                peer_first = "yes"
                break
            got.update(data)
            nin += len(data)
        body = pattern(reply)
        conn.sendall(body)
        sent.update(body)
        nout = len(body)
        conn.close()
    else:
        sys.exit("unknown mode " + mode)
    with open(result, "w") as f:
        f.write(
            f"received={nin} received_sha256={got.hexdigest()} sent={nout} "
            f"sent_sha256={sent.hexdigest()} peer_closed_first={peer_first}\n"
        )


if __name__ == "__main__":
    main()
