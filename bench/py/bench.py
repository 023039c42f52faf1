"""The Python contenders of bench/run: the same SendTalk send through taptalk, requests,
httpx and urllib3, each over one keep-alive client, the reply read whole and its JSON parsed.

    python bench.py CONTENDER BASE_URL API_KEY CALLS WARMUP [THREADS]

CONTENDER: taptalk, taptalk-validate, requests, httpx, urllib3. With THREADS > 1 (taptalk
only) every thread shares one client and makes CALLS/THREADS calls; calls/s is aggregate.
BENCH_CA=FILE trusts that CA for an https:// BASE_URL (taptalk: tls.ca_file; requests:
verify; httpx: verify; urllib3: ca_certs), and the row's name ends in ", HTTPS".
BENCH_SUFFIX=TEXT is appended to the row's name (bench/run's ", by name" rows).
Prints: RESULT<TAB>name<TAB>calls<TAB>threads<TAB>median_ns<TAB>p99_ns<TAB>calls_per_s
"""
import json
import os
import sys
import threading
import time

PATH = "/api/v1/message/send_whatsapp"
BODY = {"phone": "6281212345678", "messageType": "text", "body": "Hello from the benchmark"}
BODY_BYTES = json.dumps(BODY, separators=(",", ":")).encode()
CA = os.environ.get("BENCH_CA") or None
TLS = {"tls": {"ca_file": CA}} if CA else {}


def check(envelope):
    if envelope.get("status") != 200:
        raise SystemExit(f"unexpected reply: {envelope!r}")


def taptalk_call(base, key):
    import taptalk
    client = taptalk.Client(sendtalk={"base_url": base, "api_key": key}, **TLS)
    send = client.sendtalk.send_whatsapp

    def call():
        data = send(phone=BODY["phone"], message_type="text", body=BODY["body"])
        if not data.get("success"):
            raise SystemExit(f"unexpected data: {data!r}")
    return call, "taptalk (Python)"


def taptalk_validate_call(base, key):
    import taptalk
    client = taptalk.Client(sendtalk={"base_url": base, "api_key": key})
    send = client.sendtalk.send_whatsapp

    def call():
        try:
            send(phone=BODY["phone"], message_type="fax", body=BODY["body"])
        except taptalk.ValidationError:
            return
        raise SystemExit("validation did not fail")
    return call, "taptalk Python, validation only"


def requests_call(base, key):
    import requests
    session = requests.Session()
    # Per request: a Session's verify loses to REQUESTS_CA_BUNDLE in the environment.
    verify = CA or True
    url = base + PATH
    headers = {"API-Key": key, "Content-Type": "application/json", "Accept": "application/json"}

    def call():
        check(session.post(url, data=BODY_BYTES, headers=headers, verify=verify).json())
    return call, "requests.Session (Python)"


def httpx_call(base, key):
    import httpx
    client = httpx.Client(headers={"API-Key": key, "Accept": "application/json"},
                          verify=CA or True)
    url = base + PATH

    def call():
        check(client.post(url, content=BODY_BYTES,
                          headers={"Content-Type": "application/json"}).json())
    return call, "httpx.Client (Python)"


def urllib3_call(base, key):
    import urllib3
    pool = urllib3.PoolManager(maxsize=4, **({"ca_certs": CA} if CA else {}))
    url = base + PATH
    headers = {"API-Key": key, "Content-Type": "application/json", "Accept": "application/json"}

    def call():
        check(json.loads(pool.request("POST", url, body=BODY_BYTES, headers=headers).data))
    return call, "urllib3.PoolManager (Python)"


CONTENDERS = {
    "taptalk": taptalk_call,
    "taptalk-validate": taptalk_validate_call,
    "requests": requests_call,
    "httpx": httpx_call,
    "urllib3": urllib3_call,
}


def run(call, calls, samples):
    clock = time.perf_counter_ns
    append = samples.append
    for _ in range(calls):
        t = clock()
        call()
        append(clock() - t)


def main(argv):
    if len(argv) not in (6, 7) or argv[1] not in CONTENDERS:
        raise SystemExit(__doc__)
    contender, base, key = argv[1], argv[2], argv[3]
    calls, warmup = int(argv[4]), int(argv[5])
    threads = int(argv[6]) if len(argv) == 7 else 1
    call, name = CONTENDERS[contender](base, key)
    for _ in range(warmup):
        call()
    per_thread = max(1, calls // threads)
    samples = [[] for _ in range(threads)]
    workers = [threading.Thread(target=run, args=(call, per_thread, samples[i]))
               for i in range(threads)]
    start = time.perf_counter_ns()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter_ns() - start
    merged = sorted(s for part in samples for s in part)
    if len(merged) != per_thread * threads:
        raise SystemExit("a worker thread failed")
    if threads > 1:
        name = f"taptalk (Python, {threads} threads)"
    if CA:
        name += ", HTTPS"
    name += os.environ.get("BENCH_SUFFIX", "")
    n = len(merged)
    p99 = merged[min(n - 1, n * 99 // 100)]
    print(f"RESULT\t{name}\t{n}\t{threads}\t{merged[n // 2]}\t{p99}\t{n * 1e9 / wall:.0f}",
          flush=True)


if __name__ == "__main__":
    main(sys.argv)
