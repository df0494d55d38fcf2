"""py_interop_client: Python `websockets` (asyncio) client for py_client_ws_server.

Usage: /usr/bin/python3 py_interop_client.py client HOST PORT

Talks to ws_interop.mjs (Node `ws` server). The client keeps websockets'
defaults, so it offers permessage-deflate (the ws server declines it) and
sends its own User-Agent. Conversation:
  C -> S  text   "hello from python websockets"   S -> C  echo
  C -> S  binary 00 01 .. 0f (16 bytes)            S -> C  echo
  C -> S  ping   "py-ping"                         S -> C  pong "py-ping"
  C -> S  text   "ünïcödé ✓"                       S -> C  echo
  C -> S  close  1000 "done"                       S -> C  close 1000 "done"
"""
import asyncio
import sys

import websockets

MESSAGES = ["hello from python websockets", bytes(range(16))]
LAST = "ünïcödé ✓"


def log(*args):
    print("[py_interop_client]", *args, file=sys.stderr, flush=True)


async def main(host, port):
    netloc = f"[{host}]" if ":" in host else host
    uri = f"ws://{netloc}:{port}/interop"
    # ping_interval=None: no keepalive ping at a random moment (would only
    # fire after 20 s anyway). Everything else is websockets' default.
    async with websockets.connect(uri, ping_interval=None) as ws:
        log("negotiated extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        await asyncio.sleep(0.04)
        for message in MESSAGES:
            await ws.send(message)
            echo = await ws.recv()
            assert echo == message, (echo, message)
            await asyncio.sleep(0.04)
        pong_waiter = await ws.ping(b"py-ping")
        await pong_waiter
        await asyncio.sleep(0.04)
        await ws.send(LAST)
        echo = await ws.recv()
        assert echo == LAST, echo
        await asyncio.sleep(0.04)
        await ws.close(1000, "done")
        log("closed", ws.close_code, ws.close_reason)
        assert ws.close_code == 1000, ws.close_code


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "client":
        sys.exit("usage: py_interop_client.py client HOST PORT")
    asyncio.run(asyncio.wait_for(main(sys.argv[2], int(sys.argv[3])), timeout=8))
