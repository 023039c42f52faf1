"""One row of bench/many: COUNT SendTalk sends to the sandbox, CONCURRENCY at a time, by one
contender, in this process alone (so CPU time and peak RSS are the row's own).

    python many.py CONTENDER BASE_URL API_KEY COUNT CONCURRENCY

CONTENDER: taptalk-call-many (Client.call_many, concurrency CONCURRENCY), taptalk-async
(AsyncClient, asyncio.Semaphore(CONCURRENCY)), httpx-async (httpx.AsyncClient, the same
semaphore, a pool of CONCURRENCY connections), requests-threads (requests.Session with a pool
of CONCURRENCY connections, ThreadPoolExecutor(CONCURRENCY)), raw-rust (the reference:
sandbox/examples/load.rs, built by bench/many).

Every send carries its own body ("<contender> <i>"), so the sandbox can count duplicates.
Each contender warms up (CONCURRENCY sends), then the sandbox is reset (its stored messages
and request log; the latency stays) and the timed run starts. Every reply is read whole, its
JSON parsed and `status`/`data.success` checked, as taptalk does for its caller.

Prints: ROW<TAB>name<TAB>count<TAB>concurrency<TAB>seconds<TAB>cpu_seconds<TAB>peak_rss_kb<TAB>failed
"""
import asyncio
import os
import resource
import sys
import time
import urllib.request

PATH = "/api/v1/message/send_whatsapp"
PHONE = "6281212345678"


def request(tag, i):
    return {"phone": PHONE, "messageType": "text", "body": f"{tag} {i}"}


def ok(envelope):
    return envelope.get("status") == 200 and (envelope.get("data") or {}).get("success") is True


def reset(base):
    urllib.request.urlopen(urllib.request.Request(base + "/_sandbox/reset", data=b"{}",
                                                  method="POST")).read()


class Timed:
    """Times the second phase: warm-up (not timed), sandbox reset, then the timed sends."""

    def __init__(self, base):
        self.base = base
        self.result = None

    def warmed(self, failed_warm_up):
        if failed_warm_up:
            raise SystemExit("the warm-up failed")
        reset(self.base)
        self.cpu, self.started = cpu_seconds(), time.perf_counter()

    def done(self, failed):
        self.result = (time.perf_counter() - self.started, cpu_seconds() - self.cpu, failed)


def taptalk_call_many(base, key, tag, count, concurrency, timed):
    import taptalk
    client = taptalk.Client(sendtalk={"base_url": base, "api_key": key})

    def batch(prefix, n):
        data = client.call_many("sendtalk_send_whatsapp",
                                [request(prefix, i) for i in range(n)], concurrency=concurrency)
        return sum(1 for r in data["results"] if not ok(r))
    timed.warmed(batch("warm-up", concurrency))
    timed.done(batch(tag, count))
    return f"taptalk call_many (concurrency {concurrency})"


def taptalk_async(base, key, tag, count, concurrency, timed):
    import taptalk

    async def run():
        semaphore = asyncio.Semaphore(concurrency)
        async with taptalk.AsyncClient(sendtalk={"base_url": base, "api_key": key}) as client:
            async def one(prefix, i):
                async with semaphore:
                    data = await client.sendtalk.send_whatsapp(
                        phone=PHONE, message_type="text", body=f"{prefix} {i}")
                    return data.get("success") is True

            async def batch(prefix, n):
                results = await asyncio.gather(*(one(prefix, i) for i in range(n)))
                return results.count(False)
            timed.warmed(await batch("warm-up", concurrency))
            timed.done(await batch(tag, count))
    asyncio.run(run())
    return f"taptalk AsyncClient, Semaphore({concurrency})"


def httpx_async(base, key, tag, count, concurrency, timed):
    import httpx

    async def run():
        semaphore = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = {"API-Key": key, "Accept": "application/json"}
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
            async def one(prefix, i):
                async with semaphore:
                    reply = await client.post(PATH, json=request(prefix, i))
                    return ok(reply.json())

            async def batch(prefix, n):
                results = await asyncio.gather(*(one(prefix, i) for i in range(n)))
                return results.count(False)
            timed.warmed(await batch("warm-up", concurrency))
            timed.done(await batch(tag, count))
    asyncio.run(run())
    return f"httpx.AsyncClient, Semaphore({concurrency})"


def requests_threads(base, key, tag, count, concurrency, timed):
    import requests
    from concurrent.futures import ThreadPoolExecutor
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    # requests keeps 10 connections per host by default; with 64 threads the rest would be
    # opened and dropped on every call. A pool as large as the thread count is what a
    # careful user configures.
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=concurrency))
    session.headers.update({"API-Key": key, "Accept": "application/json"})
    url = base + PATH

    def one(prefix, i):
        return ok(session.post(url, json=request(prefix, i)).json())

    with ThreadPoolExecutor(concurrency) as pool:
        def batch(prefix, n):
            return list(pool.map(lambda i: one(prefix, i), range(n))).count(False)
        timed.warmed(batch("warm-up", concurrency))
        timed.done(batch(tag, count))
    return f"requests + ThreadPoolExecutor({concurrency})"


def raw_rust(base, key, tag, count, concurrency, timed):
    """The reference: sandbox/examples/load.rs (Rust threads, one kept-alive connection each,
    hand-written HTTP/1.1, no parsing beyond the status line and Content-Length): what the
    sandbox and this machine allow right now. It resets the sandbox itself and has no
    warm-up; its CPU and peak RSS are the child process's."""
    import subprocess
    load = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target",
                        "release", "examples", "load")
    cpu = children_cpu_seconds()
    out = subprocess.run([load, "--url", base, "--requests", str(count), "--concurrency",
                          str(concurrency), "--latency-ms", os.environ.get("MANY_LATENCY_MS", "50")],
                         check=True, capture_output=True, text=True).stdout
    row = [line for line in out.splitlines() if line.startswith(f"| {concurrency} |")][-1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    timed.sends = int(cells[2])  # its threads share the sends out evenly, rounding up
    timed.result = (float(cells[3]), children_cpu_seconds() - cpu, int(cells[6]))
    timed.peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return f"reference: raw HTTP from Rust threads ({concurrency})"


CONTENDERS = {
    "taptalk-call-many": taptalk_call_many,
    "taptalk-async": taptalk_async,
    "httpx-async": httpx_async,
    "requests-threads": requests_threads,
    "raw-rust": raw_rust,
}


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def main():
    contender, base, key, count, concurrency = sys.argv[1:6]
    timed = Timed(base)
    name = CONTENDERS[contender](base, key, contender, int(count), int(concurrency), timed)
    seconds, cpu, failed = timed.result
    peak_kb = getattr(timed, "peak_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    count = str(getattr(timed, "sends", count))
    print("\t".join(["ROW", name, count, concurrency, f"{seconds:.4f}", f"{cpu:.4f}",
                     str(peak_kb), str(failed)]), flush=True)


if __name__ == "__main__":
    main()
