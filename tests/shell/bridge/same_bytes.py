#!/usr/bin/env python3
"""Checks that every retransmission in a capture carries the bytes first sent at its
sequence numbers (a lossy egress capture keeps the lost original, so both are there).

Reads `tshark -T fields -e tcp.stream -e tcp.srcport -e tcp.seq -e tcp.payload` on stdin
(relative sequence numbers, payload in hex). Prints "segments=N retransmitted=M" and exits
1 at the first byte that differs.
"""
import sys


def main():
    seen = {}  # (stream, srcport) -> {offset: byte}
    segments = overlaps = 0
    for line in sys.stdin:
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 4 or not cols[3]:
            continue
        stream, port, seq, payload = cols[0], cols[1], int(cols[2]), bytes.fromhex(cols[3].replace(":", ""))
        segments += 1
        data = seen.setdefault((stream, port), {})
        repeated = False
        for i, b in enumerate(payload):
            old = data.get(seq + i)
            if old is None:
                data[seq + i] = b
            else:
                repeated = True
                if old != b:
                    print(f"stream {stream} port {port}: byte at seq {seq + i} was {old:#04x}, retransmitted as {b:#04x}")
                    sys.exit(1)
        overlaps += repeated
    print(f"segments={segments} retransmitted={overlaps}")


if __name__ == "__main__":
    main()
