"""How long one call takes from Python: against the sandbox, against a fixed-reply server
(a minimal asyncio server in another process that answers every request with the same
bytes), and with no network at all (a request refused by local validation).

usage: python bindings/python/tests/bench_call.py [CALLS]
       (TAPTALK_LIBRARY / TAPTALK_SANDBOX pick the builds; defaults: target/debug)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from conftest import Sandbox, sandbox_binary  # noqa: E402

import taptalk  # noqa: E402

FIXED_SERVER = r'''
import asyncio, json, sys
body = json.dumps({"status": 200, "error": {"code": "", "message": "", "field": ""},
                   "data": {"success": True, "message": "The message has been added to queue",
                            "reason": "", "id": "f26ccf7a-d867-b3a4-d333-117ec668718d"}}).encode()
reply = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
         + str(len(body)).encode() + b"\r\n\r\n" + body)

async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            writer.write(reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
'''


def measure(label: str, call, calls: int) -> None:
    for _ in range(min(500, calls)):
        call()
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls // 5):
            call()
        rounds.append((time.perf_counter() - started) / (calls // 5))
    print(f"  {label:<44} median {statistics.median(rounds) * 1e6:7.0f} us/call "
          f"(best {min(rounds) * 1e6:.0f})")


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    print(f"taptalk {taptalk.library_version} from {taptalk.library_path}")
    binary = sandbox_binary()
    assert binary, "build the sandbox: cargo build -p taptalk-sandbox"
    print(f"sandbox {binary}")
    sandbox = Sandbox(binary)
    fixed = subprocess.Popen([sys.executable, "-c", FIXED_SERVER], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert fixed.stdout is not None
        fixed_url = f"http://127.0.0.1:{fixed.stdout.readline().strip()}"
        on_sandbox = taptalk.Client(**sandbox.config())
        on_fixed = taptalk.Client(sendtalk={"base_url": fixed_url, "api_key": "k"})
        sent = on_sandbox.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                                 body="hi")

        def local_error() -> None:
            try:
                on_fixed.sendtalk.send_whatsapp(phone="+62", message_type="text", body="x")
            except taptalk.ValidationError:
                pass

        measure("sandbox: sendtalk.get_status", lambda: on_sandbox.sendtalk.get_status(
            id=sent["id"]), calls)
        measure("sandbox: sendtalk.send_whatsapp", lambda: on_sandbox.sendtalk.send_whatsapp(
            phone="6281212345678", message_type="text", body="hi"), calls)
        measure("fixed-reply server: sendtalk.send_whatsapp",
                lambda: on_fixed.sendtalk.send_whatsapp(phone="6281212345678",
                                                        message_type="text", body="hi"),
                calls)
        measure("no network: local ValidationError", local_error, calls * 4)
        on_sandbox.close()
        on_fixed.close()
    finally:
        sandbox.stop()
        fixed.terminate()
        fixed.wait()


if __name__ == "__main__":
    main()
