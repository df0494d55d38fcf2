"""py_wss_tls13: Python `websockets` client <-> Python `websockets` server over
TLS 1.3 (wss://), the TLS session keys written by Python's own ssl module
(SSLContext.keylog_filename, OpenSSL's key log callback underneath).

Usage: /usr/bin/python3 py_wss_tls13.py server|client HOST PORT

Both sides use Debian's websockets (10.4) with its defaults, so
permessage-deflate is negotiated (context takeover, 12-bit windows) and every
data message is compressed (RSV1 on its first frame). TLS: both contexts allow
TLS 1.3 only and ALPN "http/1.1" only; the client sends SNI "wss.test" (its URI
is wss://wss.test/py, PORT omitted when 443, connected to HOST) and verifies
the server's certificate (CN and subjectAltName wss.test) against that same
certificate. Both check the version and ALPN they agreed on.

Conversation (client C, server S):
  1  C -> S  text   TEXT                                S -> C  echo
  2  C -> S  binary BINARY (64 bytes 0..63)             S -> C  echo
  3  C -> S  text   fragmented: the FRAGMENTS, one frame each (an async
             iterable, 40 ms apart), then websockets' empty final
             continuation frame                         S -> C  echo, one frame
  4  C -> S  ping   "py-client-ping"                    S -> C  pong (automatic)
     S -> C  ping   "py-server-ping"                    C -> S  pong (automatic)
  5  C -> S  close  CLOSE_CODE CLOSE_REASON             S -> C  the same close
The server starts closing first: its TLS close_notify right after its Close
frame; then the client's close_notify, and the client's FIN before the
server's (asyncio's TLS shutdown waits for the peer's close_notify).

Files (set by captures/gen/record.sh, in the environment):
  WSDISSECT_TLS_CERT, WSDISSECT_TLS_KEY  the server's certificate and key (PEM)
  WSDISSECT_KEYLOG          the client context's keylog_filename
  WSDISSECT_KEYLOG_SERVER   the server context's keylog_filename
Python's ssl module writes a comment line "# TLS secrets log file, generated
by OpenSSL / Python" at the top of a new key log file, then the secrets.
"""
import asyncio
import os
import ssl
import sys

SNI = "wss.test"
ALPN = "http/1.1"
TEXT = "Hello from Python websockets over TLS 1.3!"
BINARY = bytes(range(64))
FRAGMENTS = ["Fragmented over wss: ", "part two, ", "part three. ", "The end."]
CLIENT_PING = b"py-client-ping"
SERVER_PING = b"py-server-ping"
CLOSE_CODE = 4000
CLOSE_REASON = "py done"


def log(role, *args):
    print(f"[py_wss_tls13 {role}]", *args, file=sys.stderr, flush=True)


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set (run the scenario through captures/gen/record.sh)")
    return value


def agreed(role, ws):
    ssl_object = ws.transport.get_extra_info("ssl_object")
    got = (ssl_object.version(), ssl_object.cipher()[0], ssl_object.selected_alpn_protocol())
    log(role, "TLS:", got)
    assert got[0] == "TLSv1.3", got
    assert got[2] == ALPN, got


async def server(host, port):
    import websockets

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(env("WSDISSECT_TLS_CERT"), env("WSDISSECT_TLS_KEY"))
    context.set_alpn_protocols([ALPN])
    context.keylog_filename = env("WSDISSECT_KEYLOG_SERVER")
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        agreed("server", ws)
        log("server", "extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"))
        count = 0
        try:
            async for message in ws:
                count += 1
                await asyncio.sleep(0.04)
                await ws.send(message)
                if count == 3:
                    await asyncio.sleep(0.2)  # the client's ping and its pong first
                    pong = await ws.ping(SERVER_PING)
                    await pong
        except websockets.ConnectionClosedError:
            pass  # a close code other than 1000 and 1001 ends the iteration with this error
        finally:
            await ws.wait_closed()
            log("server", "closed", ws.close_code, ws.close_reason, f"after {count} messages")
            if not done.done():
                done.set_result((ws.close_code, ws.close_reason, count))

    async with websockets.serve(handler, host, port, ssl=context, ping_interval=None):
        print("READY", flush=True)
        code, reason, count = await done
    assert (code, reason, count) == (CLOSE_CODE, CLOSE_REASON, 3), (code, reason, count)


async def chunks(items):
    for i, item in enumerate(items):
        if i:
            await asyncio.sleep(0.04)
        yield item


async def client(host, port):
    import websockets

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_verify_locations(env("WSDISSECT_TLS_CERT"))
    context.set_alpn_protocols([ALPN])
    context.keylog_filename = env("WSDISSECT_KEYLOG")
    uri = f"wss://{SNI}/py" if port == 443 else f"wss://{SNI}:{port}/py"
    async with websockets.connect(uri, ssl=context, host=host, port=port, server_hostname=SNI, ping_interval=None) as ws:
        agreed("client", ws)
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        log("client", "extensions:", extensions)
        assert extensions and extensions.startswith("permessage-deflate"), extensions
        await asyncio.sleep(0.04)
        for message in (TEXT, BINARY, FRAGMENTS):
            await ws.send(chunks(message) if isinstance(message, list) else message)
            echo = await ws.recv()
            expected = "".join(message) if isinstance(message, list) else message
            assert echo == expected, (echo, expected)
            await asyncio.sleep(0.04)
        pong = await ws.ping(CLIENT_PING)
        await pong
        # the server's ping comes next; websockets answers it by itself
        await asyncio.sleep(0.4)
        await ws.close(CLOSE_CODE, CLOSE_REASON)
        log("client", "closed", ws.close_code, ws.close_reason)
        assert (ws.close_code, ws.close_reason) == (CLOSE_CODE, CLOSE_REASON), (ws.close_code, ws.close_reason)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("server", "client"):
        sys.exit("usage: py_wss_tls13.py server|client HOST PORT")
    role, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    main = server if role == "server" else client
    asyncio.run(asyncio.wait_for(main(host, port), timeout=8))
