"""Client.call_many (tt_call_many, issue 19): every request's own envelope in input order, bad
items answered in place without a network call, progress on the calling thread, refused
options, and an exception from the progress callback cancelling the batch."""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Tuple

import pytest

import taptalk

PHONE = "6281212345678"
SEND_PATH = "/api/v1/message/send_whatsapp"


def sends(count: int, prefix: str = "m") -> List[Dict[str, Any]]:
    return [{"phone": PHONE, "messageType": "text", "body": f"{prefix}{i}"}
            for i in range(count)]


def stored(sandbox: Any) -> Dict[str, str]:
    """Stored SendTalk messages: id -> body."""
    return {m["id"]: m["body"]
            for m in sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]}


def test_results_come_back_in_input_order_and_bad_items_cost_nothing(client, sandbox):
    requests = sends(50)
    requests[7] = {"phone": PHONE, "messageType": "text"}  # no body
    requests[20] = {"phone": "0812", "messageType": "text", "body": "x"}  # a bad phone
    progress: List[Tuple[int, int]] = []
    data = client.call_many("sendtalk_send_whatsapp", requests, concurrency=8,
                            progress=lambda done, total: progress.append((done, total)))
    assert (data["total"], data["succeeded"], data["failed"]) == (50, 48, 2)
    results = data["results"]
    assert (results[7]["error"]["code"], results[7]["error"]["field"]) == ("40002", "body")
    assert (results[20]["error"]["code"], results[20]["error"]["field"]) == ("40002", "phone")
    bodies = stored(sandbox)
    assert len(bodies) == 48 and len(sandbox.requests(SEND_PATH)) == 48
    for i, result in enumerate(results):
        if i not in (7, 20):
            assert result["status"] == 200 and bodies[result["data"]["id"]] == f"m{i}"
    assert progress == [(i, 50) for i in range(1, 51)]
    # The wire: each request exactly as given, in the vendor's names.
    assert sorted((r["body"] for r in sandbox.requests(SEND_PATH)),
                  key=lambda b: int(b["body"][1:])) == [
        r for i, r in enumerate(requests) if i not in (7, 20)]


def test_progress_runs_on_the_calling_thread_also_off_the_main_thread(client, sandbox):
    seen: Dict[str, Any] = {}

    def batch() -> None:
        me = threading.get_ident()
        threads = set()
        seen["data"] = client.call_many(
            "sendtalk_check_whatsapp_phone", [{"phone": PHONE}] * 12, concurrency=4,
            progress=lambda done, total: threads.add(threading.get_ident() == me))
        seen["threads"] = threads

    worker = threading.Thread(target=batch)
    worker.start()
    worker.join()
    assert seen["threads"] == {True}
    assert seen["data"]["succeeded"] == 12


def test_a_refused_batch_raises_or_answers_its_envelope(client, sandbox):
    with pytest.raises(taptalk.ConfigError) as refused:
        client.call_many("sendtalk_send_whatsapp", sends(2), concurrency=0)
    assert (refused.value.code, refused.value.field) == ("90003", "concurrency")
    with pytest.raises(taptalk.ConfigError):
        client.call_many("sendtalk_send_whatsapp", sends(2), concurrency=257)
    with pytest.raises(taptalk.UsageError) as unknown:
        client.call_many("sendtalk_no_such_operation", sends(2))
    assert unknown.value.code == "90001"
    raw = client.call_many("sendtalk_send_whatsapp", sends(2), rate_per_second=-1, raw=True)
    assert raw["error"]["code"] == "90003" and raw["error"]["field"] == "rate_per_second"
    with pytest.raises(TypeError):
        client.call_many("sendtalk_send_whatsapp", {"phone": PHONE})  # type: ignore
    # A request that is not an object is answered in its place.
    data = client.call_many("sendtalk_check_whatsapp_phone", [{"phone": PHONE}, "no"])
    assert data["results"][1]["error"]["code"] == "90002"
    assert sandbox.requests(SEND_PATH) == []


def test_a_progress_callback_that_raises_cancels_the_batch(client, sandbox):
    sandbox.settings(latency_ms=200)

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Stop()

    with pytest.raises(Stop) as stopped:
        client.call_many("sendtalk_send_whatsapp", sends(60), concurrency=2, progress=progress)
    results = stopped.value.envelope["data"]["results"]  # type: ignore[attr-defined]
    assert len(results) == 60 and stopped.value.maybe_delivered is True  # type: ignore
    done = [r for r in results if r["status"] == 200]
    not_sent = [r for r in results if r["error"]["code"] == "91012"]
    assert len(done) >= 3 and not_sent, "the batch was cut short"
    assert all(r["data"] == {"maybe_sent": False} for r in not_sent)
    # The requests in flight when the batch was cut were written, then cancelled: 91010, may
    # have been delivered. Whether the sandbox stored them yet is a race, and their answer
    # says exactly that; so: every success stored, nothing twice, nothing answered "not sent".
    maybe = [i for i, r in enumerate(results) if r["error"]["code"] == "91010"]
    assert len(done) + len(maybe) + len(not_sent) == 60, results
    assert all(results[i]["data"]["cause"] == "91012" for i in maybe)
    bodies = sorted(stored(sandbox).values())
    assert len(bodies) == len(set(bodies)), "a send was delivered twice"
    succeeded = {f"m{i}" for i, r in enumerate(results) if r["status"] == 200}
    assert succeeded <= set(bodies) <= succeeded | {f"m{i}" for i in maybe}


def test_a_closed_client_answers_90005(sandbox):
    client = taptalk.Client(**sandbox.config())
    client.close()
    with pytest.raises(taptalk.ClientClosedError):
        client.call_many("sendtalk_send_whatsapp", sends(1))
    assert client.call_many("sendtalk_send_whatsapp", sends(1), raw=True)["error"]["code"] \
        == "90005"
