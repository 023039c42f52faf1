"""Ctrl-C during a blocking call (issue 19): a real SIGINT sent to a Python process waiting on
a slow sandbox raises KeyboardInterrupt without waiting for the server, cancels the native
call through the core, and carries what the call answered: a read or a connect cancelled
(91012, maybe_sent true/false), a send already written (91010, never repeated), a wait
between attempts, a batch (items not started answer "not sent"), a cursor page (the cursor
does not move). How soon it arrives is measured in bench/cancel.sh, not asserted here."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List

import pytest

import taptalk

from conftest import PACKAGE_ROOT, SANDBOX_KEYS, Sandbox, sandbox_binary

PHONE = "6281212345678"
SEND_PATH = "/api/v1/message/send_whatsapp"
CHECK_PATH = "/api/v1/message/check_whatsapp_phone"

# The child: one blocking call on its main thread, then what interrupted it, as JSON.
# Each child first makes Ctrl-C raise KeyboardInterrupt, as in a program started from a
# terminal: a shell without job control starts background commands (`cmd &`, as CI runners
# and nohup scripts do) with SIGINT ignored, a child inherits that, and Python then leaves it
# ignored, so the test would wait for a Ctrl-C that can never arrive.
SIGINT_AS_FROM_A_TERMINAL = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"

CHILD = SIGINT_AS_FROM_A_TERMINAL + r'''
import json, sys, urllib.request
import taptalk
scenario, url = sys.argv[1], sys.argv[2]
key = {"api_key": "%(sendtalk)s", "base_url": url}
client = taptalk.Client(sendtalk=key, onetalk={"api_key": "%(onetalk)s", "base_url": url},
                        timeout=60, connect_timeout=60,
                        retry={"max_attempts": 5, "base_delay_ms": 30000, "max_delay_ms": 30000})
phone = "6281212345678"
cases = None
if scenario == "cursor":
    cases = client.onetalk.iter_updated_cases(since_timestamp=0)
    state_before = cases.state
print("calling", flush=True)
try:
    if scenario in ("read", "connect", "between_attempts"):
        client.sendtalk.check_whatsapp_phone(phone=phone)
    elif scenario == "send":
        client.sendtalk.send_whatsapp(phone=phone, message_type="text", body="interrupted")
    elif scenario == "batch":
        client.call_many("sendtalk_send_whatsapp",
                         [{"phone": phone, "messageType": "text", "body": "b%%d" %% i}
                          for i in range(20)], concurrency=4)
    elif scenario == "cursor":
        next(cases)
    print(json.dumps({"finished": True}))
except KeyboardInterrupt as interrupt:
    out = {"maybe_delivered": interrupt.maybe_delivered, "envelope": interrupt.envelope}
    if scenario == "cursor":
        out["state_unchanged"] = cases.state == state_before
        # The sandbox answers at once again: the interrupted page is asked for again, and
        # its case comes exactly once.
        request = urllib.request.Request(url + "/_sandbox/settings", method="POST",
                                         data=b'{"latency_ms": 0}')
        urllib.request.urlopen(request).read()
        out["after"] = [case["id"] for case in cases]
    print(json.dumps(out))
''' % {"sendtalk": SANDBOX_KEYS["sendtalk_api_key"], "onetalk": SANDBOX_KEYS["onetalk_api_key"]}


# Fifty Ctrl-Cs (the signal sent from a thread of the process itself) while the waiting
# thread's slices are cut to 1 ms, so that many land where one slice ends and the next
# begins: every one must cancel the call and carry its answer.
REPEATED = SIGINT_AS_FROM_A_TERMINAL + r'''
import json, os, signal, sys, threading, time
import taptalk, taptalk._waiting
taptalk._waiting.SLICE = 0.001
client = taptalk.Client(sendtalk={"api_key": "%(sendtalk)s", "base_url": sys.argv[1]},
                        timeout=60)
report = {"interrupted": 0, "carried": 0, "codes": []}
for i in range(50):
    def interrupt():
        time.sleep(0.02 + (i %% 10) * 0.003)
        os.kill(os.getpid(), signal.SIGINT)
    thread = threading.Thread(target=interrupt)
    thread.start()
    try:
        client.sendtalk.check_whatsapp_phone(phone="6281212345678")
    except KeyboardInterrupt as interrupt:
        report["interrupted"] += 1
        if getattr(interrupt, "envelope", None) is not None:
            report["carried"] += 1
            report["codes"].append(interrupt.envelope["error"]["code"])
    thread.join()
print(json.dumps(report))
''' % {"sendtalk": SANDBOX_KEYS["sendtalk_api_key"]}


def interrupted(scenario: str, url: str, waiting: Callable[[], bool]) -> Dict[str, Any]:
    """Runs the child, sends it SIGINT once `waiting()` says its call is waiting (and a
    moment more), answers its report."""
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    child = subprocess.Popen([sys.executable, "-c", CHILD, scenario, url], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "calling"
        deadline = time.monotonic() + 20  # a hang guard, not a measurement
        while not waiting():
            assert time.monotonic() < deadline, "the child's call never got under way"
            time.sleep(0.02)
        time.sleep(0.2)
        child.send_signal(signal.SIGINT)
        # A hang guard, not a measurement: the server would answer after 30 s or more.
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def slow_sandbox():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("taptalk-sandbox is not built")
    sandbox = Sandbox(binary, "--latency-ms", "30000", "--delivery-delay-ms", "0")
    yield sandbox
    sandbox.stop()


def test_a_read_waiting_for_its_reply(slow_sandbox):
    report = interrupted("read", slow_sandbox.url,
                         lambda: len(slow_sandbox.requests(CHECK_PATH)) >= 1)
    envelope = report["envelope"]
    assert envelope["status"] == 499 and envelope["error"]["code"] == "91012", envelope
    assert envelope["data"] == {"maybe_sent": True}
    assert report["maybe_delivered"] is True
    assert len(slow_sandbox.requests(CHECK_PATH)) == 1


def test_a_send_already_written_is_outcome_unknown_and_never_repeated(slow_sandbox):
    report = interrupted("send", slow_sandbox.url,
                         lambda: len(slow_sandbox.requests(SEND_PATH)) >= 1)
    envelope = report["envelope"]
    assert envelope["error"]["code"] == "91010", envelope
    assert envelope["data"] == {"attempts": 1, "cause": "91012"}
    assert envelope["error"]["message"].startswith(
        "Outcome unknown: The call was cancelled after its request was sent")
    assert report["maybe_delivered"] is True
    # It did reach the server (the sandbox stores a send before its latency), once.
    assert [r["body"]["body"] for r in slow_sandbox.requests(SEND_PATH)] == ["interrupted"]
    assert [m["body"] for m in slow_sandbox.control("GET", "/_sandbox/sendtalk/messages")
            ["messages"]] == ["interrupted"]


def test_a_wait_between_attempts(slow_sandbox):
    slow_sandbox.settings(latency_ms=0)
    slow_sandbox.fault(path=CHECK_PATH, kind="status", status=503, count=10)
    report = interrupted("between_attempts", slow_sandbox.url,
                         lambda: len(slow_sandbox.requests(CHECK_PATH)) >= 1)
    envelope = report["envelope"]
    assert envelope["error"]["code"] == "91012", envelope
    assert envelope["data"] == {"maybe_sent": True}, "the first attempt reached the server"
    assert 1 <= len(slow_sandbox.requests(CHECK_PATH)) <= 5


def connecting_to(port: int, ours: List[socket.socket]) -> bool:
    """Whether a socket other than `ours` is in SYN_SENT to 127.0.0.1:`port` (Linux)."""
    mine = {"%04X" % s.getsockname()[1] for s in ours}
    with open("/proc/net/tcp", encoding="ascii") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(row[2] == "0100007F:%04X" % port and row[3] == "02"
               and row[1].split(":")[1] not in mine for row in rows)


def test_a_connect_that_waits_sent_nothing():
    # A listener whose accept queue is full: the connect waits, as to a silent host.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    queued: List[socket.socket] = []
    for _ in range(3):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(address)
        queued.append(s)
    try:
        report = interrupted("connect", "http://%s:%d" % address,
                             lambda: connecting_to(address[1], queued))
    finally:
        for s in queued:
            s.close()
        listener.close()
    envelope = report["envelope"]
    assert envelope["error"]["code"] == "91012", envelope
    assert envelope["data"] == {"maybe_sent": False}
    assert envelope["error"]["message"] == ("The call was cancelled before its request was "
                                            "sent; nothing reached the server")
    assert report["maybe_delivered"] is False


def test_a_batch_answers_every_item_and_sends_none_twice(slow_sandbox):
    report = interrupted("batch", slow_sandbox.url,
                         lambda: len(slow_sandbox.requests(SEND_PATH)) >= 4)
    data = report["envelope"]["data"]
    results = data["results"]
    assert data["total"] == 20 and len(results) == 20
    codes = [r["error"]["code"] for r in results]
    in_flight = [r for r in results if r["error"]["code"] == "91010"]
    not_sent = [r for r in results if r["error"]["code"] == "91012"]
    assert len(in_flight) + len(not_sent) == 20, codes
    assert all(r["data"] == {"maybe_sent": False} for r in not_sent)
    assert 1 <= len(in_flight) <= 4, codes  # concurrency 4: at most four were written
    stored = [m["body"] for m in slow_sandbox.control("GET", "/_sandbox/sendtalk/messages")
              ["messages"]]
    assert len(stored) == len(set(stored)) == len(in_flight)
    written = {f"b{i}" for i, r in enumerate(results) if r["error"]["code"] == "91010"}
    assert set(stored) == written
    assert report["maybe_delivered"] is True


def test_a_cursor_page_interrupted_moves_the_cursor_nowhere(slow_sandbox):
    slow_sandbox.settings(latency_ms=0)
    with taptalk.Client(**slow_sandbox.config()) as client:
        sent = client.onetalk.send_whatsapp(channel_id="ch1", phone=PHONE, message_type="text",
                                            body="hello", with_case=True)
    slow_sandbox.settings(latency_ms=30000)
    report = interrupted("cursor", slow_sandbox.url, lambda: len(slow_sandbox.requests(
        "/api/integration/v1/inbox/case/get_updated_list")) >= 1)
    assert report["envelope"]["error"]["code"] == "91012"
    assert report["state_unchanged"] is True
    assert report["after"] == [sent["caseID"]]


def test_every_ctrl_c_cancels_its_call_wherever_it_lands_in_the_wait(slow_sandbox):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    result = subprocess.run([sys.executable, "-c", REPEATED, slow_sandbox.url], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["interrupted"] == report["carried"] == 50, report
    assert set(report["codes"]) == {"91012"}
    assert len(slow_sandbox.requests(CHECK_PATH)) <= 50


def test_the_waiting_code_has_no_continue_inside_an_except_handler():
    # CPython 3.11 can run a signal handler on the jump back of a `continue` written inside
    # an `except` clause and raise its exception outside every `try` of that function
    # (about 3 signals in 100 landing in `except queue.Empty: continue` escaped the wait
    # loop's own handler: uncancelled, without envelope). So the waiting code never does.
    import ast
    with open(os.path.join(PACKAGE_ROOT, "taptalk", "_waiting.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = [node.lineno for handler in ast.walk(tree) if isinstance(handler, ast.ExceptHandler)
             for node in ast.walk(handler) if isinstance(node, (ast.Continue, ast.Break))]
    assert found == [], f"continue/break inside an except handler at lines {found}"


def test_only_the_main_thread_hands_its_calls_to_a_worker(client, caplog):
    # Python runs signal handlers on the main thread only: its calls run on a worker while
    # it waits; any other thread calls the library itself. The log lines of a call come
    # from the thread that runs it.
    caplog.set_level(logging.INFO, logger="taptalk")
    taptalk.enable_logging(logging.INFO)
    try:
        client.sendtalk.check_whatsapp_phone(phone=PHONE)
        worker = threading.Thread(target=client.sendtalk.check_whatsapp_phone,
                                  kwargs={"phone": PHONE}, name="caller")
        worker.start()
        worker.join()
    finally:
        taptalk.disable_logging()
    names = [r.threadName for r in caplog.records if r.name == "taptalk"]
    assert len(names) == 2, names
    assert names[0].startswith("taptalk-main-wait-") and names[1] == "caller", names


def test_a_forked_child_calls_from_its_main_thread(client, sandbox):
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    client.sendtalk.check_whatsapp_phone(phone=PHONE)  # the parent's workers exist now
    pid = os.fork()
    if pid == 0:  # the child: the parent's workers are not here; new ones must start
        code = 1
        try:
            data = client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="kid")
            code = 0 if data["success"] else 1
        finally:
            os._exit(code)
    deadline = time.monotonic() + 20  # a hang guard: a stale pool would wait forever
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child's call never came back")
        time.sleep(0.02)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert [r["body"]["body"] for r in sandbox.requests(SEND_PATH)] == ["kid"]
