"""A leak check: many calls (successes and every kind of error) with stable RSS.

A plain pytest run makes 20,000 calls (about 10 s with debug builds); scripts/test-python.sh
(the README's test command) sets TAPTALK_LEAK_CALLS=100000, the full check (about a minute). A fifth of the calls return a
~4 KB envelope (from a fixed-reply server in another process, so its own allocations do not
count), so leaking it would add tens of MB.
"""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time

import pytest

import taptalk

from conftest import HERE

CALLS = int(os.environ.get("TAPTALK_LEAK_CALLS", "20000"))
ALLOWED_GROWTH_MB = 4.0


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


SERVER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from conftest import FixedServer, envelope_bytes
big = envelope_bytes({"cases": [], "hasMore": False, "lastTimestamp": 0, "pad": "x" * 4000})
server = FixedServer(lambda method, path, query, body: (200, {}, big))
print(server.url, flush=True)
sys.stdin.read()
"""


@pytest.fixture
def big_reply_server():
    process = subprocess.Popen([sys.executable, "-c", SERVER, HERE], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_rss_is_stable_over_many_calls(sandbox, big_reply_server, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = taptalk.Client(**sandbox.config(), retry={"max_attempts": 1})
    refused = taptalk.Client(sendtalk={"base_url": f"http://127.0.0.1:{closed_port}",
                                       "api_key": "k"}, retry={"max_attempts": 1})
    big = taptalk.Client(onetalk={"base_url": big_reply_server, "api_key": "k"},
                         retry={"max_attempts": 1})
    message_id = client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                               body="hi")["id"]
    counts = {"ok": 0, "error": 0}

    def one_round(i: int) -> None:
        kind = i % 5
        try:
            if kind == 0:
                client.sendtalk.send_whatsapp(phone="+62 812", message_type="text", body="x")
            elif kind == 1:
                client.sendtalk.get_status(id=message_id)
            elif kind == 2:
                client.sendtalk.get_status(id="missing")
            elif kind == 3:
                page = big.onetalk.get_updated_cases(since_timestamp=0)
                assert len(page["pad"]) == 4000
            else:
                envelope = client.onetalk.update_case(case_id="", raw=True)
                assert envelope["error"]["code"] == "40002"
            counts["ok"] += 1
        except taptalk.TapTalkError:
            counts["error"] += 1
        if i % 1000 == 999:
            # Rarer paths: refused connections, config errors, client create/free.
            with pytest.raises(taptalk.ConnectError):
                refused.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                               body="x")
            with pytest.raises(taptalk.ConfigError):
                taptalk.Client(sendtalk={"api_key": "k", "bad": 1})
            taptalk.Client(**sandbox.config()).close()

    warmup = min(2000, CALLS // 5)
    for i in range(warmup):
        one_round(i)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    for i in range(CALLS):
        one_round(i)
    elapsed = time.perf_counter() - started
    gc.collect()
    after = rss_mb()
    client.close()
    refused.close()
    big.close()
    with capsys.disabled():
        print(f"\n  leak check: {CALLS} calls ({counts['ok']} ok, {counts['error']} errors) "
              f"in {elapsed:.1f} s; RSS {before:.1f} MB -> {after:.1f} MB")
    assert counts["ok"] > 0 and counts["error"] > 0
    assert after - before < ALLOWED_GROWTH_MB, (before, after)
