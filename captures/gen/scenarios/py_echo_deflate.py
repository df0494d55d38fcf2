"""py_echo_deflate: Python `websockets` client <-> Python `websockets` server.

Usage: /usr/bin/python3 py_echo_deflate.py server|client HOST PORT

Both sides keep websockets' defaults, so permessage-deflate is negotiated
(with context takeover) and every data frame is compressed (RSV1 set).
The client sends these messages and the server echoes each one:
  1. text   "hello " * 12 (repetitive: compresses well)
  2. text   a small JSON document with a repeated field
  3. text   message 1 again (with context takeover it shrinks to a few bytes)
  4. binary 1000 zero bytes
  5. text   "bye?" (short: compression barely helps)
then closes with 1000 "done"; the server echoes the close and closes TCP.
"""
import asyncio
import sys

import websockets

REPEAT = "hello " * 12
MESSAGES = [
    REPEAT,
    '{"type":"tick","seq":1,"data":"abcabcabcabcabcabcabcabcabcabcabcabc"}',
    REPEAT,
    bytes(1000),
    "bye?",
]


def log(role, *args):
    print(f"[py_echo_deflate {role}]", *args, file=sys.stderr, flush=True)


async def server(host, port):
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        log("server", "negotiated extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        try:
            async for message in ws:
                await ws.send(message)
        finally:
            # the handler returns once the closing handshake is complete
            await ws.wait_closed()
            log("server", "closed", ws.close_code, ws.close_reason)
            if not done.done():
                done.set_result(ws.close_code)

    async with websockets.serve(handler, host, port, ping_interval=None):
        print("READY", flush=True)
        code = await done
    assert code == 1000, code


async def client(host, port):
    netloc = f"[{host}]" if ":" in host else host
    async with websockets.connect(f"ws://{netloc}:{port}/deflate", ping_interval=None) as ws:
        log("client", "negotiated extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        await asyncio.sleep(0.04)
        for message in MESSAGES:
            await ws.send(message)
            echo = await ws.recv()
            assert echo == message, (echo, message)
            await asyncio.sleep(0.04)
        await ws.close(1000, "done")
        log("client", "closed", ws.close_code, ws.close_reason)
        assert ws.close_code == 1000, ws.close_code


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("server", "client"):
        sys.exit("usage: py_echo_deflate.py server|client HOST PORT")
    role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    main = server if role == "server" else client
    asyncio.run(asyncio.wait_for(main(host, port), timeout=8))
