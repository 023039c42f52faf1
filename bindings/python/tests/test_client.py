"""Client lifecycle (close, context manager, finalizer) and threads sharing one client."""

from __future__ import annotations

import gc
import inspect
import pydoc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import taptalk

PHONE = "6281212345678"


def test_context_manager_closes_the_client(sandbox):
    with taptalk.Client(**sandbox.config()) as client:
        assert not client.closed
        assert client.sendtalk.send_whatsapp(phone=PHONE, message_type="text",
                                             body="hi")["success"]
    assert client.closed
    with pytest.raises(taptalk.ClientClosedError):
        client.sendtalk.get_status(id="x")
    client.close()  # twice is harmless


def test_context_manager_closes_on_an_exception(sandbox):
    with pytest.raises(taptalk.NotFoundError):
        with taptalk.Client(**sandbox.config()) as client:
            client.sendtalk.get_status(id="missing")
    assert client.closed


def test_repr_never_shows_keys(sandbox):
    client = taptalk.Client(**sandbox.config())
    text = repr(client)
    assert "sandbox-sendtalk-api-key" not in text and "secret" not in text
    assert "open" in text and "sendtalk" in text
    client.close()
    assert "closed" in repr(client)


def test_a_dropped_client_is_freed_by_its_finalizer(sandbox):
    for _ in range(50):
        client = taptalk.Client(**sandbox.config())
        client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi")
        del client
    gc.collect()


def test_threads_send_in_parallel_on_one_client(sandbox):
    calls_per_thread, threads = 40, 8
    with taptalk.Client(**sandbox.config()) as client:
        def work(n):
            ids = []
            for i in range(calls_per_thread):
                sent = client.sendtalk.send_whatsapp(phone=PHONE, message_type="text",
                                                     body=f"t{n}-{i}")
                ids.append(sent["id"])
                with pytest.raises(taptalk.ValidationError):
                    client.sendtalk.send_whatsapp(phone="x", message_type="text", body="b")
            return ids

        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(work, range(threads)))
    ids = [i for batch in results for i in batch]
    assert len(set(ids)) == threads * calls_per_thread
    stored = sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]
    assert len(stored) == threads * calls_per_thread


def test_calls_overlap_because_the_gil_is_released(sandbox):
    # Four calls that each wait 400 ms on the server finish together, not one after another.
    delay, count = 400, 4
    sandbox.fault(path="/api/v1/message/get_status", kind="delay", delay_ms=delay,
                  count=count)
    with taptalk.Client(**sandbox.config()) as client:
        barrier = threading.Barrier(count)

        def slow_call(_):
            barrier.wait()
            with pytest.raises(taptalk.NotFoundError):
                client.sendtalk.get_status(id="missing")

        started = time.monotonic()
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(slow_call, range(count)))
        elapsed = time.monotonic() - started
    assert elapsed < count * delay / 1000 * 0.6, elapsed


def test_close_waits_for_calls_in_flight(sandbox):
    sandbox.fault(path="/api/v1/message/get_status", kind="delay", delay_ms=300)
    client = taptalk.Client(**sandbox.config())
    outcome = {}

    def call():
        try:
            client.sendtalk.get_status(id="missing")
        except taptalk.TapTalkError as error:
            outcome["error"] = error

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.1)
    client.close()  # must not free the native client under the running call
    worker.join()
    assert isinstance(outcome["error"], taptalk.NotFoundError)
    assert client.closed


def test_timeouts_are_given_in_seconds(sandbox):
    sandbox.fault(path="/api/v1/message/get_status", kind="delay", delay_ms=700)
    with taptalk.Client(**sandbox.config(), timeout=0.3, retry={"max_attempts": 1}) as client:
        started = time.monotonic()
        with pytest.raises(taptalk.TapTalkTimeout) as caught:
            client.sendtalk.get_status(id="missing")
        assert time.monotonic() - started < 0.65
    assert "300 ms" in caught.value.message
    with pytest.raises(TypeError):
        taptalk.Client(timeout="5")  # type: ignore[arg-type]


def test_user_agent_and_version(sandbox):
    assert taptalk.library_version.count(".") == 2
    assert taptalk.ABI_VERSION == 1
    with taptalk.Client(**sandbox.config(), user_agent="my-app/2") as client:
        client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi")


def test_help_lists_the_namespaces_and_the_tls_verifier_option():
    text = pydoc.render_doc(taptalk.Client, renderer=pydoc.plaintext)
    properties = text.split("Readonly properties defined here:", 1)
    assert len(properties) == 2, text
    listed = properties[1]
    table = taptalk._native.library().operation_table
    for product in ("powertalk", "sendtalk", "onetalk"):
        assert f"\n |  {product}\n" in listed, f"help(Client) does not list {product}"
        doc = inspect.getdoc(inspect.getattr_static(taptalk.Client, product)) or ""
        for row in table:
            if row["product"] == product:
                assert row["name"].split("_", 1)[1] in doc, (product, row["name"])
    flat = " ".join(word for word in text.split() if word != "|")  # pydoc's margin
    assert '{"verifier": "platform"}' in flat and "taptalk.set_tls_verifier" in flat
