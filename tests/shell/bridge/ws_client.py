#!/usr/bin/env python3
"""A WebSocket client from the `websockets` library (python3-websockets) for the bridge test.

    ws_client.py URL

Sends text and binary messages (short, fragmented, and 70 KB ones) to an echo server and
checks each echo, sends a ping and waits for its pong, then closes with code 1000 and
checks the server answered 1000. Prints one line per step; exit 1 on the first mismatch.
Every wait is bounded.
"""
import asyncio
import os
import sys

import websockets

STEP = 15  # seconds per step at most


async def echo(ws, message, what):
    await asyncio.wait_for(ws.send(message), STEP)
    got = await asyncio.wait_for(ws.recv(), STEP)
    if isinstance(message, (list, tuple)):
        message = (b"" if isinstance(message[0], bytes) else "").join(message)
    if type(got) is not type(message) or got != message:
        sys.exit(f"FAIL {what}: echo differs ({type(got).__name__} of {len(got)}, sent {len(message)})")
    print(f"ok {what}: {len(message)} {'bytes' if isinstance(message, bytes) else 'chars'} echoed")


async def main(url):
    big_text = "".join(chr(0x41 + (i % 26)) for i in range(70_000))
    big_binary = os.urandom(70_000)
    async with websockets.connect(url, open_timeout=STEP, close_timeout=STEP, max_size=2**20,
                                  compression=None) as ws:
        await echo(ws, "hello, tcpsim", "text")
        await echo(ws, "héllo ✓ utf-8", "utf-8 text")
        await echo(ws, bytes(range(256)), "binary")
        await echo(ws, ["frag", "mented ", "text"], "fragmented text")
        await echo(ws, [b"\x00\x01", b"\x02" * 1000, b"\xff"], "fragmented binary")
        await echo(ws, big_text, "70 KB text")
        await echo(ws, big_binary, "70 KB binary")
        await echo(ws, [big_binary[:30_000], big_binary[30_000:]], "70 KB binary in 2 fragments")
        pong = await asyncio.wait_for(ws.ping(b"are you there"), STEP)
        await asyncio.wait_for(pong, STEP)
        print("ok ping: pong received")
        await asyncio.wait_for(ws.close(code=1000, reason="done"), STEP)
        if ws.close_code != 1000:
            sys.exit(f"FAIL close: the server answered {ws.close_code}, want 1000")
        print(f"ok close: code {ws.close_code} both ways")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(sys.argv[1]), 60))
