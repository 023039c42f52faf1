"""Sending at scale through a job queue (issue 18): the example
``examples/python/celery_sending/sending.py`` itself, run as users run it: a Celery worker
(prefork pool, four processes) on a real Redis broker started here, whose tasks send through
the example's module-level client. 2,000 tasks; every task's reply is checked against its own
request (the message the sandbox stored under the returned id has that task's phone and
body), and every message was delivered exactly once (counted in the sandbox).

Against the library before the fork fix (``33ea74f``), six runs: 2, 4, 18, 31, 606 and 8 of the
2,000 replies belonged to another task (and up to 2 tasks failed: two processes read one
connection and one found it closed). After it: 0, and no task failed.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import subprocess
import sys
import time
from typing import Iterator

import pytest

from conftest import PACKAGE_ROOT, REPO, SANDBOX_KEYS, Sandbox
from servers import Redis, stop

EXAMPLE = os.path.join(REPO, "examples", "python", "celery_sending")
TASKS = 2000
POOL = 4


@pytest.fixture
def redis() -> Iterator[Redis]:
    server = Redis()
    yield server
    server.stop()


def start_worker(env: dict, log_path: str) -> subprocess.Popen:
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "sending", "worker", "--pool", "prefork",
             "--concurrency", str(POOL), "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=EXAMPLE, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log_path) as f:
            text = f.read()
        if " ready." in text:
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise AssertionError(f"the Celery worker did not start:\n{text}")


def test_celery_prefork_workers_send_2000_messages_each_once(sandbox: Sandbox, redis: Redis,
                                                            tmp_path, monkeypatch) -> None:
    settings = {"CELERY_BROKER_URL": redis.url,
                "TAPTALK_SENDTALK_API_KEY": SANDBOX_KEYS["sendtalk_api_key"],
                "TAPTALK_SENDTALK_BASE_URL": sandbox.url}
    env = dict(os.environ, **settings,
               PYTHONPATH=os.pathsep.join([PACKAGE_ROOT, EXAMPLE]))
    log_path = str(tmp_path / "worker.log")
    worker = start_worker(env, log_path)
    try:
        # This process is the producer: it imports the same module, as an app would.
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        monkeypatch.syspath_prepend(EXAMPLE)
        sending = importlib.import_module("sending")
        # Unlike an app's, this producer outlives its Redis: a result object collected after
        # Redis stopped must give up at once instead of reconnecting 20 times (per object).
        sending.app.conf.result_backend_transport_options = {"retry_policy":
                                                             {"max_retries": 0}}
        requests = [(f"62812{n:08d}", f"Order {n} has shipped") for n in range(TASKS)]
        results = sending.send_many(requests, timeout=600)
        sending.client.close()
        # Celery's result objects unsubscribe from Redis when collected: while it still runs
        # (after it, each would retry for ever and hold up the interpreter's exit).
        gc.collect()
        sending.app.close()
    finally:
        stop(worker)
        sys.modules.pop("sending", None)
    with open(log_path) as f:
        worker_log = f.read()

    # Every task's reply belongs to its own request.
    stored = {m["id"]: m for m in sandbox.control("GET", "/_sandbox/sendtalk/messages")
              ["messages"]}
    assert len(results) == TASKS
    wrong, failed = [], []
    for (phone, body), result in zip(requests, results):
        if isinstance(result, Exception):
            failed.append((phone, body, repr(result)))
            continue
        message = stored.get(result.get("id"))
        if (result.get("success") is not True or message is None
                or (message["phone"], message["body"]) != (phone, body)):
            wrong.append((phone, body, result))
    print(f"celery: {len(wrong)} of {TASKS} replies belonged to another task, "
          f"{len(failed)} tasks failed")
    assert (wrong, failed) == ([], []), (f"{len(wrong)} replies belonged to another task, "
                                         f"{len(failed)} tasks failed, e.g. {wrong[:2]} "
                                         f"{failed[:2]}\n{worker_log[-3000:]}")
    # Every message delivered exactly once: 2,000 stored, 2,000 distinct, 2,000 sends
    # on the wire, none failed, none repeated.
    assert len(stored) == TASKS
    assert sorted((m["phone"], m["body"]) for m in stored.values()) == sorted(requests)
    sends = sandbox.requests("/api/v1/message/send_whatsapp")
    assert len(sends) == TASKS and all(e["processed"] for e in sends)
    # The key check ran in the worker's main process before the pool was forked; no pool
    # process sent anything over the connection it left in that process's pool.
    checks = sandbox.requests("/api/v1/message/get_status")
    assert len(checks) == 1
    assert checks[0]["connection"] not in {e["connection"] for e in sends}
    # The pool's four processes all sent (the worker logs which one ran each task).
    ran = re.findall(r"/(ForkPoolWorker-\d+)\] Task sending\.send_whatsapp\[[^]]+\] succeeded",
                     worker_log)
    assert len(ran) == TASKS and len(set(ran)) == POOL, sorted(set(ran))
