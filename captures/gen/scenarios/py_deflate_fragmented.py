"""py_deflate_fragmented: Python `websockets` client <-> Python `websockets` server,
both with websockets' default compression (permessage-deflate, context
takeover, 12-bit windows), where the client also sends FRAGMENTED messages.

Usage: /usr/bin/python3 py_deflate_fragmented.py server|client|data HOST PORT
("data" prints MESSAGES as JSON, for deflate_expected.mjs; no HOST PORT.)

websockets 10.4 sends a message given as an (async) iterable in fragments:
the first item in a text/binary frame with FIN=0 and RSV1 set, every other
item in a continuation frame with FIN=0 (RSV1 clear), then an EMPTY
continuation frame with FIN=1 that ends the message. Compressed, every
fragment ends with a sync flush (00 00 ff ff); the closing empty fragment
compresses to a single byte 00 (an empty stored block 00 00 00 ff ff less
the stripped 00 00 ff ff tail).

The client sends these messages (MESSAGES) and the server echoes each one
as a single frame:
  1-3  text   "ping pong " * 10, three times (context takeover: 2 and 3 are tiny)
  4    text   fragmented, 4 chunks from an async generator, 40 ms apart
  5    binary bytes(range(256)) * 4
  6    binary fragmented, 2 chunks (100 bytes 0x00, 100 bytes 0x01)
  7    text   "bye?"
then closes with 1000 "done"; the server echoes the close and closes TCP.
"""
import asyncio
import base64
import json
import sys

REPEAT = "ping pong " * 10
FRAGMENTS = ["Fragmented ", "message from websockets 10.4: ", "ünïcödé ✓ " * 3, "(the end)"]
BINARY_FRAGMENTS = [bytes(100), b"\x01" * 100]
# Each entry: a str or bytes (one frame), or a list (fragments).
MESSAGES = [
    REPEAT,
    REPEAT,
    REPEAT,
    FRAGMENTS,
    bytes(range(256)) * 4,
    BINARY_FRAGMENTS,
    "bye?",
]


def whole(message):
    """The message as the receiver reassembles it."""
    if isinstance(message, list):
        return ("" if isinstance(message[0], str) else b"").join(message)
    return message


def log(role, *args):
    print(f"[py_deflate_fragmented {role}]", *args, file=sys.stderr, flush=True)


async def server(host, port):
    import websockets

    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        log("server", "negotiated extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        count = 0
        try:
            async for message in ws:
                assert message == whole(MESSAGES[count]), (count, message)
                count += 1
                await asyncio.sleep(0.04)
                await ws.send(message)
        finally:
            await ws.wait_closed()
            log("server", "closed", ws.close_code, ws.close_reason, f"after {count} messages")
            if not done.done():
                done.set_result((ws.close_code, count))

    async with websockets.serve(handler, host, port, ping_interval=None):
        print("READY", flush=True)
        code, count = await done
    assert code == 1000, code
    assert count == len(MESSAGES), count


async def chunks(items):
    """Async iterable of the fragments, 40 ms apart (one TCP segment each)."""
    for i, item in enumerate(items):
        if i:
            await asyncio.sleep(0.04)
        yield item


async def client(host, port):
    import websockets

    netloc = f"[{host}]" if ":" in host else host
    async with websockets.connect(f"ws://{netloc}:{port}/fragmented", ping_interval=None) as ws:
        log("client", "negotiated extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        await asyncio.sleep(0.04)
        for message in MESSAGES:
            await ws.send(chunks(message) if isinstance(message, list) else message)
            echo = await ws.recv()
            assert echo == whole(message), (echo, message)
            await asyncio.sleep(0.04)
        await ws.close(1000, "done")
        log("client", "closed", ws.close_code, ws.close_reason)
        assert ws.close_code == 1000, ws.close_code


def data():
    def form(m):
        m = whole(m)
        if isinstance(m, str):
            return {"type": "text", "text": m}
        return {"type": "binary", "base64": base64.b64encode(m).decode("ascii")}

    json.dump({"client": [form(m) for m in MESSAGES], "server": [form(m) for m in MESSAGES]}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1:] == ["data"]:
        data()
        sys.exit(0)
    if len(sys.argv) != 4 or sys.argv[1] not in ("server", "client"):
        sys.exit("usage: py_deflate_fragmented.py server|client HOST PORT | data")
    role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    main = server if role == "server" else client
    asyncio.run(asyncio.wait_for(main(host, port), timeout=8))
