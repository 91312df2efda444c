#!/usr/bin/env python3
"""Prints a capture's TCP flag sequence compactly, e.g. "S SA A FPA FA A" with runs as A*12.

Reads `tshark -T fields -e tcp.flags` output (hex values, one per line) on stdin.
Letters: S=SYN F=FIN R=RST P=PSH A=ACK.
"""
import sys

names = []
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    v = int(line, 16)
    s = "".join(ch for bit, ch in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x10, "A")) if v & bit)
    names.append(s or "-")
out = []
i = 0
while i < len(names):
    j = i
    while j < len(names) and names[j] == names[i]:
        j += 1
    n = j - i
    out.append(names[i] if n == 1 else f"{names[i]}*{n}")
    i = j
print(" ".join(out))
