#!/usr/bin/env python3
"""Sending one WhatsApp message to many numbers with ``call_many``, with a progress bar:

    python3 examples/python/send_many.py [COUNT] [--async]

Without credentials it starts the offline sandbox (target/debug/taptalk-sandbox, or
$TAPTALK_SANDBOX) with 20 ms of latency on every answer, and sends COUNT (default 500)
messages to made-up numbers. With TAPTALK_SENDTALK_API_KEY and TAPTALK_PHONES (a
comma-separated list) it sends to those numbers through the real SendTalk API instead.
``--async`` does the same with ``taptalk.AsyncClient`` (the bar is then drawn by the event
loop).

The batch runs 32 requests at a time over one client's keep-alive connections. Nothing is
sent twice: a send that may have reached the server is never repeated, and its result says so
(91010); this script lists those at the end, to check before sending them again. Ctrl-C
stops the batch at once: requests not started are answered "not sent".
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

try:
    import taptalk
except ImportError as error:
    if "No module named" not in str(error):
        raise
    sys.path.insert(0, os.path.join(REPO, "bindings", "python"))  # this checkout's package
    import taptalk


class ProgressBar:
    """A text bar redrawn in place: ``[#########...........]  230/500  46%  410/s``."""

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.started = time.monotonic()
        self.last_drawn = -1.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last_drawn < 0.1:
            return  # at most ten redraws a second
        self.last_drawn = now
        filled = self.width * done // max(total, 1)
        rate = done / max(now - self.started, 1e-9)
        sys.stdout.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                         f"{done:>{len(str(total))}}/{total} {100 * done // max(total, 1):3d}% "
                         f"{rate:6.0f}/s")
        if done == total:
            sys.stdout.write("\n")
        sys.stdout.flush()


def start_sandbox() -> Tuple[subprocess.Popen, str]:
    """Starts taptalk-sandbox on a free port (20 ms latency) and returns it with its URL."""
    binary = os.environ.get("TAPTALK_SANDBOX") or next(
        (path for path in (os.path.join(REPO, "target", profile, "taptalk-sandbox")
                           for profile in ("debug", "release")) if os.path.exists(path)),
        None)
    if binary is None:
        sys.exit("The sandbox is not built: run `cargo build -p taptalk-sandbox` first.")
    process = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--latency-ms", "20"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    prefix = "taptalk-sandbox listening on "
    if not first.startswith(prefix):
        process.kill()
        sys.exit(f"The sandbox did not start: {first!r}")
    return process, first[len(prefix):]


def report(requests: List[Dict[str, Any]], data: Dict[str, Any], seconds: float) -> None:
    print(f"Sent {data['succeeded']} of {data['total']} in {seconds:.1f} s "
          f"({data['total'] / max(seconds, 1e-9):.0f} messages/s), {data['failed']} failed.")
    unknown: List[str] = []
    for request, result in zip(requests, data["results"]):
        code = result["error"]["code"]
        if code == "91010":
            unknown.append(request["phone"])  # may have gone out: check, never resend blindly
        elif code:
            error = taptalk.error_from_envelope(result)
            print(f"  {request['phone']}: {type(error).__name__} {error}")
    if unknown:
        print(f"Outcome unknown (check before resending): {', '.join(unknown)}")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--async"]
    use_async = "--async" in sys.argv[1:]
    count = int(args[0]) if args else 500
    sandbox: Optional[subprocess.Popen] = None
    key = os.environ.get("TAPTALK_SENDTALK_API_KEY")
    if key and os.environ.get("TAPTALK_PHONES"):
        config: Dict[str, Any] = {"sendtalk": {"api_key": key}}
        phones = os.environ["TAPTALK_PHONES"].split(",")
    else:
        sandbox, url = start_sandbox()
        config = {"sendtalk": {"base_url": url, "api_key": "sandbox-sendtalk-api-key"}}
        phones = [f"62812{i:08d}" for i in range(count)]
    requests = [{"phone": phone, "messageType": "text",
                 "body": "Your order has shipped. Reply STOP to opt out."} for phone in phones]
    print(f"Sending {len(requests)} WhatsApp messages, 32 at a time"
          f"{' (AsyncClient)' if use_async else ''}:")
    started = time.monotonic()
    try:
        if use_async:
            async def send_all() -> Dict[str, Any]:
                async with taptalk.AsyncClient(**config) as client:
                    return await client.call_many("sendtalk_send_whatsapp", requests,
                                                  concurrency=32, progress=ProgressBar())
            data = asyncio.run(send_all())
        else:
            with taptalk.Client(**config) as client:
                data = client.call_many("sendtalk_send_whatsapp", requests, concurrency=32,
                                        progress=ProgressBar())
        report(requests, data, time.monotonic() - started)
    except KeyboardInterrupt as interrupt:
        batch = getattr(interrupt, "envelope", None) or {"data": {"results": []}}
        written = sum(1 for r in batch["data"]["results"] if r["error"]["code"] != "91012")
        print(f"\nStopped: {written} requests had been sent or were being sent; the rest "
              "were not sent.")
        sys.exit(130)
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait()


if __name__ == "__main__":
    main()
