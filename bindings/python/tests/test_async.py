"""taptalk.AsyncClient (issue 19): the same operations, errors and cursor as Client, each
awaited; hundreds of calls wait at once while the event loop keeps running; cancelling a task
cancels its native call through the core, and what that means for a send already written."""

from __future__ import annotations

import asyncio
import inspect
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple

import pytest

import taptalk
from taptalk import _native, _waiting

from conftest import PACKAGE_ROOT, envelope_bytes

PHONE = "6281212345678"
SEND_PATH = "/api/v1/message/send_whatsapp"
CHECK_PATH = "/api/v1/message/check_whatsapp_phone"
HELPERS = {"onetalk": {"iter_updated_cases"}}


def run(coroutine: Any) -> Any:
    """Runs a test's coroutine; a hang guard (not a measurement) ends a stuck one."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


async def wait_for_requests(sandbox: Any, path: str, count: int) -> None:
    """Until the sandbox has logged `count` requests to `path` (read off the loop)."""
    loop = asyncio.get_running_loop()
    while len(await loop.run_in_executor(None, sandbox.requests, path)) < count:
        await asyncio.sleep(0.02)


def stored_bodies(sandbox: Any) -> List[str]:
    return [m["body"] for m in sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]]


def test_the_async_namespaces_are_the_operations_of_the_library_each_awaited(sandbox):
    client = taptalk.AsyncClient(**sandbox.config())
    sync = taptalk.Client(**sandbox.config())
    table = _native.library().operation_table
    for product in ("powertalk", "sendtalk", "onetalk"):
        namespace, blocking = getattr(client, product), getattr(sync, product)
        methods = {n for n in dir(namespace) if not n.startswith("_")
                   and callable(getattr(namespace, n))}
        wanted = {row["name"].split("_", 1)[1] for row in table if row["product"] == product}
        assert methods - HELPERS.get(product, set()) == wanted, product
        for name in wanted:
            method = getattr(namespace, name)
            assert inspect.iscoroutinefunction(method), f"{product}.{name} is not awaited"
            # The blocking method itself, awaited: same arguments, checks and docs.
            assert method.__wrapped__ is getattr(type(blocking), name)
            assert inspect.signature(method) == inspect.signature(getattr(blocking, name))
    assert isinstance(client.onetalk.iter_updated_cases(since_timestamp=0),
                      taptalk.AsyncUpdatedCases)
    assert client.operations == sync.operations
    sync.close()
    run(client.aclose())


def test_calls_errors_and_raw_requests_answer_as_the_blocking_client(sandbox):
    async def main() -> None:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            sent = await client.sendtalk.send_whatsapp(phone=PHONE, message_type="otp",
                                                       body="Your code is 1234")
            status = await client.sendtalk.get_status(id=sent["id"])
            assert status["status"] in ("pending", "sent")
            with pytest.raises(taptalk.NotFoundError) as missing:
                await client.sendtalk.get_status(id="no-such-id")
            assert missing.value.code == "40401"
            with pytest.raises(taptalk.ValidationError) as invalid:
                await client.sendtalk.send_whatsapp(phone="+62", message_type="text", body="x")
            assert invalid.value.field == "phone"
            raw = await client.sendtalk.get_status(id="no-such-id", raw=True)
            assert raw["error"]["code"] == "40401"
            checked = await client.request("sendtalk", "POST", CHECK_PATH,
                                           body={"phone": PHONE})
            assert checked["isRegistered"] is True
            with pytest.raises(taptalk.UsageError):
                await client.call("sendtalk_no_such_operation", {})
            # Every operation by name answers what the blocking client answers.
            with taptalk.Client(**sandbox.config()) as sync:
                for name in client.operations:
                    bad = {"unknown field": 1}
                    assert await client.envelope(name, bad) == sync.envelope(name, bad), name
        # The wire: the send went out once, in the vendor's field names.
        assert [r["body"] for r in sandbox.requests(SEND_PATH)] == [
            {"phone": PHONE, "messageType": "otp", "body": "Your code is 1234"}]
    run(main())


class Gate:
    """An HTTP server whose every answer waits until `release` is set; it counts the
    requests waiting. A listen queue large enough for hundreds of connections at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.waiting = 0
        self.lock = threading.Lock()
        gate = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gate.lock:
                    gate.waiting += 1
                gate.release.wait(30)
                body = envelope_bytes({"isRegistered": True, "message": "ok"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_ticker_keeps_ticking_while_300_calls_wait_on_the_server():
    # The server answers nothing until the ticker has ticked 20 times with all 300 calls
    # waiting on it at once: if any call held the event loop, the ticker could not tick,
    # nothing would be released, and the test would hang (ended by the guard in run()).
    gate = Gate()

    async def main() -> Tuple[int, List[Any]]:
        async with taptalk.AsyncClient(sendtalk={"base_url": gate.url, "api_key": "k"},
                                       max_concurrency=300) as client:
            calls = [asyncio.ensure_future(client.sendtalk.check_whatsapp_phone(phone=PHONE))
                     for _ in range(300)]
            ticks = 0
            while ticks < 20 or gate.waiting < 300:
                await asyncio.sleep(0.005)
                ticks += 1
                assert not any(c.done() for c in calls), "answered before the release"
            gate.release.set()
            return ticks, await asyncio.gather(*calls)

    try:
        ticks, results = run(main())
    finally:
        gate.close()
    assert ticks >= 20 and gate.waiting == 300
    assert results == [{"isRegistered": True, "message": "ok"}] * 300


def test_cancelling_a_task_awaiting_a_send_already_written(sandbox):
    sandbox.settings(latency_ms=30000)

    async def main() -> Any:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            seen: Dict[str, Any] = {}

            async def send() -> None:
                try:
                    await client.sendtalk.send_whatsapp(phone=PHONE, message_type="text",
                                                        body="cancelled")
                except asyncio.CancelledError as cancelled:  # where the await is
                    seen["maybe_delivered"] = cancelled.maybe_delivered  # type: ignore
                    seen["envelope"] = cancelled.envelope  # type: ignore
                    raise

            task = asyncio.ensure_future(send())
            await wait_for_requests(sandbox, SEND_PATH, 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return seen

    seen = run(main())
    assert seen["maybe_delivered"] is True
    assert seen["envelope"]["error"]["code"] == "91010"
    assert seen["envelope"]["data"] == {"attempts": 1, "cause": "91012"}
    # It had reached the server, once, and was never repeated.
    assert stored_bodies(sandbox) == ["cancelled"]
    assert len(sandbox.requests(SEND_PATH)) == 1


def test_a_read_cancelled_by_wait_for_and_the_client_goes_on(sandbox):
    sandbox.settings(latency_ms=30000)

    async def main() -> Any:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            read = asyncio.ensure_future(client.sendtalk.check_whatsapp_phone(phone=PHONE))
            await wait_for_requests(sandbox, CHECK_PATH, 1)
            read.cancel()
            try:
                await read
            except asyncio.CancelledError as cancelled:
                caught = cancelled
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: sandbox.settings(latency_ms=0))
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.sendtalk.check_whatsapp_phone(phone="0"), 0)
            return caught, await client.sendtalk.check_whatsapp_phone(phone=PHONE)

    caught, after = run(main())
    envelope = getattr(caught, "envelope", None)
    if envelope is not None:  # Python 3.11+ hands the task's own CancelledError on
        assert envelope["error"]["code"] == "91012" and envelope["data"]["maybe_sent"]
    assert after["isRegistered"] is True
    assert len(sandbox.requests(CHECK_PATH)) == 2


def test_a_call_cancelled_before_a_worker_took_it_sent_nothing(sandbox):
    sandbox.settings(latency_ms=30000)

    async def main() -> Any:
        async with taptalk.AsyncClient(**sandbox.config(), max_concurrency=1) as client:
            first = asyncio.ensure_future(client.sendtalk.check_whatsapp_phone(phone=PHONE))
            await wait_for_requests(sandbox, CHECK_PATH, 1)
            seen: Dict[str, Any] = {}

            async def queued() -> None:
                try:
                    await client.sendtalk.send_whatsapp(phone=PHONE, message_type="text",
                                                        body="never")
                except asyncio.CancelledError as cancelled:
                    seen.update(envelope=cancelled.envelope,  # type: ignore
                                maybe_delivered=cancelled.maybe_delivered)  # type: ignore
                    raise

            second = asyncio.ensure_future(queued())
            await asyncio.sleep(0.05)
            second.cancel()
            with pytest.raises(asyncio.CancelledError):
                await second
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            return seen

    seen = run(main())
    assert seen == {"envelope": _waiting.NOT_SENT, "maybe_delivered": False}
    assert sandbox.requests(SEND_PATH) == []
    # NOT_SENT is word for word what the core answers a call whose handle was cancelled
    # before it began.
    library = _native.library()
    with taptalk.Client(**sandbox.config()) as sync:
        handle = library.cancel_new()
        library.cancel(handle)
        reply = sync._native(lambda h, _c, _r: library.call(
            "sendtalk_send_whatsapp", h,
            b'{"phone": "6281212345678", "messageType": "text", "body": "x"}', None, handle))
        library.cancel_free(handle)
    assert reply == _waiting.NOT_SENT


def test_call_many_reports_progress_on_the_loop_and_answers_in_order(sandbox):
    async def main() -> Any:
        loop_thread = threading.get_ident()
        progress: List[Tuple[int, int, bool]] = []
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            requests = [{"phone": PHONE, "messageType": "text", "body": f"m{i}"}
                        for i in range(40)]
            requests[3] = {"phone": PHONE, "messageType": "text"}  # no body: refused here
            data = await client.call_many(
                "sendtalk_send_whatsapp", requests, concurrency=8,
                progress=lambda done, total: progress.append(
                    (done, total, threading.get_ident() == loop_thread)))
        return data, progress

    data, progress = run(main())
    assert (data["total"], data["succeeded"], data["failed"]) == (40, 39, 1)
    assert data["results"][3]["error"]["code"] == "40002"
    assert progress == [(i, 40, True) for i in range(1, 41)]
    stored = {m["id"]: m["body"] for m in
              sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]}
    for i, result in enumerate(data["results"]):
        if i != 3:
            assert stored[result["data"]["id"]] == f"m{i}"
    assert len(stored) == 39


def test_cancelling_a_batch_answers_every_item_and_sends_none_twice(sandbox):
    sandbox.settings(latency_ms=30000)

    async def main() -> Dict[str, Any]:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            seen: Dict[str, Any] = {}

            async def batch() -> None:
                try:
                    await client.call_many("sendtalk_send_whatsapp", [
                        {"phone": PHONE, "messageType": "text", "body": f"b{i}"}
                        for i in range(30)], concurrency=5)
                except asyncio.CancelledError as cancelled:
                    seen.update(envelope=cancelled.envelope,  # type: ignore
                                maybe_delivered=cancelled.maybe_delivered)  # type: ignore
                    raise

            task = asyncio.ensure_future(batch())
            await wait_for_requests(sandbox, SEND_PATH, 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return seen

    seen = run(main())
    results = seen["envelope"]["data"]["results"]
    written = [i for i, r in enumerate(results) if r["error"]["code"] == "91010"]
    not_sent = [r for r in results if r["error"]["code"] == "91012"]
    assert len(written) == 5 and len(not_sent) == 25
    assert all(r["data"] == {"maybe_sent": False} for r in not_sent)
    assert sorted(stored_bodies(sandbox)) == sorted(f"b{i}" for i in written)
    assert seen["maybe_delivered"] is True


def test_the_case_cursor_is_an_async_iterator(sandbox):
    with taptalk.Client(**sandbox.config()) as sync:
        opened = [sync.onetalk.send_whatsapp(channel_id="ch1", phone=f"62812000000{i:02d}",
                                             message_type="text", body="hi",
                                             with_case=True)["caseID"] for i in range(7)]
        expected = [case["id"] for case in sync.onetalk.iter_updated_cases(
            since_timestamp=0, page_size=3)]

    async def main() -> Any:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            cases = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=3)
            ids = [case["id"] async for case in cases]
            return ids, cases.has_more, cases.cursor, cases.pages_fetched

    ids, more, cursor, pages = run(main())
    assert sorted(ids) == sorted(opened) and ids == expected
    assert more is False and cursor > 0 and pages >= 3


def test_aclose_waits_for_running_calls_and_later_calls_are_refused(sandbox):
    sandbox.settings(latency_ms=300)

    async def main() -> Any:
        client = taptalk.AsyncClient(**sandbox.config())
        running = asyncio.ensure_future(client.sendtalk.check_whatsapp_phone(phone=PHONE))
        await wait_for_requests(sandbox, CHECK_PATH, 1)
        await client.aclose()  # returns once the running call is back from the library
        assert client.closed
        first = await running
        with pytest.raises(taptalk.ClientClosedError):
            await client.sendtalk.check_whatsapp_phone(phone=PHONE)
        raw = await client.call("sendtalk_check_whatsapp_phone", {"phone": PHONE}, raw=True)
        await client.aclose()  # twice is harmless
        return first, raw, repr(client)

    first, raw, text = run(main())
    assert first["isRegistered"] is True
    assert raw["status"] == 400 and raw["error"]["code"] == "90005"
    assert text == "<taptalk.AsyncClient closed: onetalk, powertalk, sendtalk>"


def test_with_retry_views_use_their_own_retry_settings(sandbox):
    # A 503 without an envelope: a read is retried after it, unless retries are off.
    unavailable = {"path": CHECK_PATH, "kind": "status", "status": 503,
                   "body": "Service Unavailable", "count": 1}
    sandbox.fault(**unavailable)

    async def main() -> Any:
        async with taptalk.AsyncClient(**sandbox.config()) as client:
            with pytest.raises(taptalk.HTTPStatusError):
                await client.with_retry(max_attempts=1).sendtalk.check_whatsapp_phone(
                    phone=PHONE)
            sandbox.fault(**unavailable)
            return await client.sendtalk.check_whatsapp_phone(phone=PHONE)

    assert run(main())["isRegistered"] is True
    assert len(sandbox.requests(CHECK_PATH)) == 3  # one, then one retried once


def test_the_package_has_no_runtime_dependency():
    # AsyncClient is asyncio and threads from the standard library: nothing to install.
    with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"), encoding="utf-8") as f:
        assert "\ndependencies" not in f.read()
