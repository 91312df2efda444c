#!/usr/bin/env python3
"""Checks a bridge capture for TCP option negotiation, both ways.

    syn_options.py CLIENT_IP SERVER_IP MSS   < tshark -T fields output

Input columns (tab-separated), one line per frame:
  ip.src/ipv6.src, tcp.flags, tcp.len, tcp.options.mss_val, tcp.options.sack_perm,
  tcp.options.timestamp.tsval, tcp.options.wscale.shift, tcp.options.sack_le,
  tcp.window_size_scalefactor

Checks (each failure printed; exit 1 if any):
  - the SYN (from CLIENT) and the SYN-ACK (from SERVER) both offer MSS, SACK-permitted,
    timestamps and window scaling;
  - MSS honoured: no data segment from either side is longer than the MSS the other
    offered (MSS is the expected value of each, e.g. 1460 for IPv4);
  - timestamps honoured: every segment after the handshake carries a timestamp;
  - window scaling honoured: tshark knows the scale factor of every later segment;
  - a bulk sender's largest segment is exactly the MSS less the 12-byte timestamp option;
Prints a one-line summary with the largest segment each way and whether SACK blocks were seen.
"""
import sys


def main():
    client, server, mss = sys.argv[1], sys.argv[2], int(sys.argv[3])
    problems = []
    syn = synack = None
    largest = {client: 0, server: 0}
    sack_seen = {client: False, server: False}
    offered = {}
    rows = 0
    for line in sys.stdin:
        cols = line.rstrip("\n").split("\t")
        cols += [""] * (9 - len(cols))
        src, flags, length, mss_val, sack_perm, tsval, wscale, sack_le, scale = cols[:9]
        if src not in largest:
            continue
        rows += 1
        f = int(flags, 16)
        is_syn = bool(f & 0x02)
        if is_syn:
            opts = {"mss": mss_val, "sack": sack_perm, "ts": tsval, "ws": wscale}
            missing = [k for k, v in opts.items() if v == ""]
            kind = "SYN-ACK" if f & 0x10 else "SYN"
            if missing:
                problems.append(f"{kind} from {src} lacks {', '.join(missing)}")
            offered[src] = int(mss_val) if mss_val else None
            if kind == "SYN":
                syn = src
            else:
                synack = src
            continue
        if f & 0x04:
            continue  # a RST need carry nothing
        if tsval == "":
            problems.append(f"segment from {src} (flags {flags}, len {length}) has no timestamp")
        if scale in ("", "-1", "-2"):
            problems.append(f"segment from {src}: window scale factor unknown ({scale or 'none'})")
        n = int(length or 0)
        largest[src] = max(largest[src], n)
        if sack_le:
            sack_seen[src] = True
    if syn != client:
        problems.append(f"no SYN from {client}")
    if synack != server:
        problems.append(f"no SYN-ACK from {server}")
    for src, other in ((client, server), (server, client)):
        limit = offered.get(other)
        if limit and largest[src] > limit:
            problems.append(f"{src} sent {largest[src]} bytes in one segment, over the MSS {limit} that {other} offered")
        # A bulk sender fills its segments: the MSS less the 12 bytes of timestamp option.
        if limit and largest[src] > 1000 and largest[src] != limit - 12:
            problems.append(f"{src}'s largest segment is {largest[src]} bytes, want {limit - 12} (MSS {limit} less timestamps)")
    for src in (client, server):
        if offered.get(src) is not None and offered[src] != mss:
            problems.append(f"{src} offered MSS {offered[src]}, expected {mss}")
    for p in problems[:20]:
        print("problem:", p)
    print(
        f"frames={rows} largest {client}={largest[client]} {server}={largest[server]} "
        f"sack_blocks {client}={'yes' if sack_seen[client] else 'no'} "
        f"{server}={'yes' if sack_seen[server] else 'no'}"
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
