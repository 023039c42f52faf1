"""Closing a client: from inside its own call (a log handler), while other calls run, and
what a closed client answers (90005, the same envelope in every binding; ``raw=True``
returns it instead of raising).

The close-from-a-handler cases run in a child interpreter with a timeout: before the fix
they deadlocked, and a deadlock must fail the test, not hang the suite."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any, Dict

import pytest

import taptalk
from conftest import HERE, PACKAGE_ROOT

PHONE = "6281212345678"
SEND = "/api/v1/message/send_whatsapp"
CLOSED = {"status": 400, "error": {"code": "90005", "message": "The client is closed",
                                   "field": ""}, "data": {}}

# What every child script starts with: the package and the test helpers on the path, a
# local server whose get_status waits until the script releases it, and a client on it.
PRELUDE = textwrap.dedent(f"""
    import json, logging, sys, threading
    sys.path[:0] = [{PACKAGE_ROOT!r}, {HERE!r}]
    import taptalk
    from conftest import FixedServer, envelope_bytes

    arrived, release = threading.Event(), threading.Event()

    def answer(method, path, query, body):
        if path.endswith("/get_status"):
            arrived.set()
            release.wait(30)
            return 200, {{}}, envelope_bytes({{"status": "sent"}})
        return 200, {{}}, envelope_bytes({{"success": True, "id": "m1"}})

    server = FixedServer(answer)
    client = taptalk.Client(sendtalk={{"base_url": server.url, "api_key": "k"}},
                            retry={{"max_attempts": 1}})

    class CloseOnSendLines(logging.Handler):
        # What an application might do on a fatal line: close the client, here from
        # inside the very call that logs.
        def emit(self, record):
            if record.getMessage().startswith("sendtalk_send_whatsapp"):
                client.close()
                seen.append(("closed in handler", client.closed))

    seen = []
    logger = logging.getLogger("taptalk")
    logger.addHandler(CloseOnSendLines())
    logger.setLevel(logging.INFO)
    taptalk.enable_logging(logging.INFO)
""")


def run_child(body: str) -> Dict[str, Any]:
    """Runs PRELUDE + body in a fresh interpreter; the body prints one JSON line."""
    try:
        done = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        done = None
    if done is None:
        pytest.fail("the child hung for 60 s: a close() waiting for its own call?")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_close_from_a_log_handler_inside_the_call_does_not_hang() -> None:
    result = run_child("""
        sent = client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                             body="hi")
        try:
            client.sendtalk.get_status(id="m1")
            later = None
        except taptalk.ClientClosedError as error:
            later = [error.code, error.status, error.message]
        print(json.dumps({"sent": sent, "seen": seen, "closed": client.closed,
                          "freed": client._handle is None, "later": later,
                          "requests": [r[1] for r in server.requests]}))
    """)
    # The call that logged ran to its real answer; the close took effect when it returned.
    assert result == {
        "sent": {"success": True, "id": "m1"},
        "seen": [["closed in handler", True]],
        "closed": True,
        "freed": True,
        "later": ["90005", 400, "The client is closed"],
        "requests": ["/api/v1/message/send_whatsapp"],
    }


def test_a_close_from_a_handler_waits_for_the_other_threads_calls() -> None:
    result = run_child("""
        outcome = {}

        def slow_read():
            outcome["read"] = client.sendtalk.get_status(id="m1")

        reader = threading.Thread(target=slow_read)
        reader.start()
        assert arrived.wait(30), "the read never reached the server"
        sent = client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                             body="hi")
        # Closed, but not freed: the read on the other thread still holds the handle.
        state = {"closed": client.closed, "freed": client._handle is None}
        refused = client.call("sendtalk_get_status", {"id": "m2"}, raw=True)
        release.set()
        reader.join(30)
        print(json.dumps({"sent": sent, "seen": seen, "while_reading": state,
                          "refused": refused, "read": outcome.get("read"),
                          "alive": reader.is_alive(), "freed": client._handle is None,
                          "requests": [r[1] for r in server.requests]}))
    """)
    assert result == {
        "sent": {"success": True, "id": "m1"},
        "seen": [["closed in handler", True]],
        "while_reading": {"closed": True, "freed": False},
        "refused": CLOSED,
        "read": {"status": "sent"},
        "alive": False,
        "freed": True,
        "requests": ["/api/v1/message/get_status", "/api/v1/message/send_whatsapp"],
    }


def test_a_closed_client_answers_90005_everywhere_and_sends_nothing(sandbox) -> None:
    client = taptalk.Client(**sandbox.config())
    client.close()
    with pytest.raises(taptalk.ClientClosedError) as caught:
        client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi")
    assert isinstance(caught.value, taptalk.UsageError)
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "90005", 400, "The client is closed")
    assert caught.value.envelope == CLOSED
    # raw=True never raises for a failed call, a closed client included (as Java's callRaw
    # and Swift's callRaw): every raw form answers the same envelope.
    assert client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi",
                                         raw=True) == CLOSED
    assert client.call("sendtalk_get_status", {"id": "x"}, raw=True) == CLOSED
    assert client.with_retry(max_attempts=1).onetalk.update_case(case_id="c",
                                                                 raw=True) == CLOSED
    assert client.envelope("sendtalk_get_status", {"id": "x"}) == CLOSED
    assert client.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone",
                          body={"phone": PHONE}, raw=True) == CLOSED
    with pytest.raises(taptalk.ClientClosedError):
        client.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone",
                       body={"phone": PHONE})
    with pytest.raises(taptalk.ClientClosedError):
        next(client.onetalk.iter_updated_cases(since_timestamp=0))
    assert sandbox.control("GET", "/_sandbox/requests")["requests"] == []
