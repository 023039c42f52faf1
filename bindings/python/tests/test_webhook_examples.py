"""The Flask and FastAPI webhook receivers in examples/python, run on their real servers
(werkzeug's, uvicorn) and sent the vendor's sample payloads over HTTP: each event handled
once after a 200, a repeat skipped by its key, a wrong secret answered 401."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Iterator, List, Tuple

import pytest

from conftest import REPO

flask = pytest.importorskip("flask")
fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
from werkzeug.serving import make_server  # noqa: E402  (comes with Flask)

SAMPLES = os.path.join(REPO, "tests", "data", "webhooks")
SECRET = "example-chatbot-secret"


def load(name: str) -> Any:
    """Imports examples/python/<name>.py afresh, as `flask --app` / uvicorn would."""
    path = os.path.join(REPO, "examples", "python", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def post(url: str, body: bytes, headers: dict) -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sample(name: str) -> bytes:
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


@pytest.fixture
def flask_receiver(monkeypatch) -> Iterator[Tuple[str, Any]]:
    monkeypatch.setenv("TAPTALK_CHATBOT_SECRET", SECRET)
    module = load("webhook_flask")
    server = make_server("127.0.0.1", 0, module.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", module
    server.shutdown()


@pytest.fixture
def fastapi_receiver(monkeypatch) -> Iterator[Tuple[str, Any]]:
    monkeypatch.setenv("TAPTALK_CHATBOT_SECRET", SECRET)
    module = load("webhook_fastapi")
    config = uvicorn.Config(module.app, host="127.0.0.1", port=0, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not (server.started and server.servers) and time.monotonic() < deadline:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", module
    server.should_exit = True
    thread.join(timeout=5)


def handled(module: Any, count: int) -> List[Any]:
    if hasattr(module, "wait_for"):
        return module.wait_for(count)
    deadline = time.monotonic() + 10
    while len(module.handled) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(module.handled)


def exercise(url: str, module: Any) -> None:
    json_headers = {"Content-Type": "application/json"}
    with_secret = dict(json_headers, **{"X-Secret-Key": SECRET})
    status = sample("onetalk_integration_message_status.json")
    assert post(url + "/taptalk/webhook", status, json_headers) == (200, b"")
    # The same event again (TapTalk retried): answered 200, not handled twice.
    assert post(url + "/taptalk/webhook", status, json_headers)[0] == 200
    assert post(url + "/taptalk/webhook", sample("onetalk_case_resolved.json"),
                json_headers)[0] == 200
    assert post(url + "/taptalk/chatbot", sample("chatbot_text.json"), with_secret)[0] == 200
    code, body = post(url + "/taptalk/chatbot", sample("chatbot_text.json"),
                      dict(json_headers, **{"X-Secret-Key": "forged"}))
    assert code == 401 and b"93002" in body and b"forged" not in body
    assert post(url + "/taptalk/chatbot", sample("chatbot_text.json"), json_headers)[0] == 401
    assert post(url + "/taptalk/webhook", b"{\"type\": ", json_headers)[0] == 400
    events = handled(module, 3)
    time.sleep(0.2)  # a fourth (the repeat) would have been handled by now
    assert [type(e).__name__ for e in module.handled] == \
        ["MessageStatus", "CaseResolved", "ChatbotMessage"]
    assert events[0].trx_id == "000000-0000-0000-0000-000000"
    assert events[2].message.text == "Hello world" and events[2].verified


def test_the_flask_receiver_on_werkzeugs_server(flask_receiver):
    exercise(*flask_receiver)


def test_the_fastapi_receiver_on_uvicorn(fastapi_receiver):
    exercise(*fastapi_receiver)
