"""The Python half of bench/cancel.sh: how long after a Ctrl-C (a real SIGINT) a blocking call
raises KeyboardInterrupt, and how long after task.cancel() an AsyncClient call raises
CancelledError where it is awaited.

    python cancel.py reply|between|connect BASE_URL ROUNDS AFTER_MS

Each round makes one call and interrupts it AFTER_MS plus a random 0-50 ms into it (the
SIGINT comes from another thread of this process, with os.kill, as a terminal's Ctrl-C comes
from outside); the time from the signal (or the cancel) to the exception in the caller is
measured.
Prints: CANCEL<TAB>situation<TAB>api<TAB>runs<TAB>median_us<TAB>max_us<TAB>codes
"""
import asyncio
import os
import random
import signal
import socket
import statistics
import sys
import threading
import time

import taptalk

PHONE = "6281212345678"

# Ctrl-C raises KeyboardInterrupt here even when this was started as a background job: a
# shell without job control (`cmd &`, CI runners, nohup scripts) starts those with SIGINT
# ignored, Python then leaves it ignored, and the Ctrl-C rows would wait for nothing.
signal.signal(signal.SIGINT, signal.default_int_handler)


def full_listener():
    """A listener with a full accept queue: a connect to it waits (kept open by the caller)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    kept = [listener]
    for _ in range(3):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(listener.getsockname())
        kept.append(s)
    return "http://%s:%d" % listener.getsockname(), kept


def client_for(cls, url):
    return cls(sendtalk={"base_url": url, "api_key": "sandbox-sendtalk-api-key"},
               timeout=60, connect_timeout=60,
               retry={"max_attempts": 10, "base_delay_ms": 60000, "max_delay_ms": 60000,
                      "deadline_ms": 600000})


def the_call(namespace, mode):
    if mode == "between":
        return namespace.get_status(id="m1")
    if mode == "connect":
        return namespace.send_whatsapp(phone=PHONE, message_type="text", body="x")
    return namespace.check_whatsapp_phone(phone=PHONE)


def ctrl_c(url, mode, rounds, after):
    client = client_for(taptalk.Client, url)
    samples, codes = [], set()
    for _ in range(rounds):
        sent = {}

        def interrupt():
            time.sleep(after + random.uniform(0, 0.05))
            sent["at"] = time.monotonic()
            os.kill(os.getpid(), signal.SIGINT)

        thread = threading.Thread(target=interrupt)
        thread.start()
        try:
            the_call(client.sendtalk, mode)
            raise SystemExit("the call came back before the Ctrl-C")
        except KeyboardInterrupt as caught:
            samples.append(time.monotonic() - sent["at"])
            codes.add(caught.envelope["error"]["code"])
        thread.join()
    return samples, codes


def task_cancel(url, mode, rounds, after):
    async def main():
        samples, codes = [], set()
        async with client_for(taptalk.AsyncClient, url) as client:
            for _ in range(rounds):
                seen = {}

                async def call():
                    try:
                        await the_call(client.sendtalk, mode)
                    except asyncio.CancelledError as cancelled:
                        seen["at"] = time.monotonic()
                        seen["code"] = cancelled.envelope["error"]["code"]
                        raise
                task = asyncio.ensure_future(call())
                await asyncio.sleep(after + random.uniform(0, 0.05))
                cancelled_at = time.monotonic()
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                samples.append(seen["at"] - cancelled_at)
                codes.add(seen["code"])
        return samples, codes
    return asyncio.run(main())


def main():
    mode, url, rounds, after_ms = sys.argv[1:5]
    kept = []
    if mode == "connect":
        url, kept = full_listener()
    situation = {"reply": "waiting on the reply", "between": "between attempts",
                 "connect": "connecting"}[mode]
    for api, measure in (("Python, Ctrl-C (SIGINT)", ctrl_c),
                         ("Python AsyncClient, task.cancel()", task_cancel)):
        samples, codes = measure(url, mode, int(rounds), int(after_ms) / 1000)
        print("\t".join(["CANCEL", situation, api, str(len(samples)),
                         str(int(statistics.median(samples) * 1e6)),
                         str(int(max(samples) * 1e6)), ",".join(sorted(codes))]), flush=True)
    del kept


if __name__ == "__main__":
    main()
