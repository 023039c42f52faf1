"""Shared fixtures: the sandbox binary, a client on it, and a fixed-reply HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)  # bindings/python
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

import taptalk  # noqa: E402

SANDBOX_KEYS = {
    "powertalk_key_id": "sandbox-powertalk-key-id",
    "powertalk_key_secret": "sandbox-powertalk-key-secret",
    "sendtalk_api_key": "sandbox-sendtalk-api-key",
    "onetalk_api_key": "sandbox-onetalk-api-key",
}


def pytest_report_header(config: Any) -> str:
    return (f"taptalk {taptalk.__version__}: native library {taptalk.library_version} "
            f"from {taptalk.library_path}")


def sandbox_binary() -> Optional[str]:
    explicit = os.environ.get("TAPTALK_SANDBOX")
    if explicit:
        return explicit
    for profile in ("debug", "release"):
        path = os.path.join(REPO, "target", profile, "taptalk-sandbox")
        if os.path.exists(path):
            return path
    return None


class Sandbox:
    """A running taptalk-sandbox process and its control API."""

    def __init__(self, binary: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        prefix = "taptalk-sandbox listening on "
        if not first.startswith(prefix):
            self.process.kill()
            raise RuntimeError(f"unexpected first line from the sandbox: {first!r}")
        self.url = first[len(prefix):]
        # Keep reading stdout so the sandbox never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def config(self, **extra: Any) -> Dict[str, Any]:
        config: Dict[str, Any] = {
            "powertalk": {"base_url": self.url,
                          "server_key_id": SANDBOX_KEYS["powertalk_key_id"],
                          "server_key_secret": SANDBOX_KEYS["powertalk_key_secret"]},
            "sendtalk": {"base_url": self.url, "api_key": SANDBOX_KEYS["sendtalk_api_key"]},
            "onetalk": {"base_url": self.url, "api_key": SANDBOX_KEYS["onetalk_api_key"]},
        }
        config.update(extra)
        return config

    def control(self, method: str, path: str, body: Any = None) -> Dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            envelope = json.loads(reply.read())
        assert envelope["status"] == 200, envelope
        return envelope["data"]

    def reset(self) -> None:
        self.control("POST", "/_sandbox/reset")

    def settings(self, **settings: Any) -> None:
        self.control("POST", "/_sandbox/settings", settings)

    def fault(self, **fault: Any) -> None:
        self.control("POST", "/_sandbox/faults", fault)

    def requests(self, path: str) -> List[Dict[str, Any]]:
        return self.control("GET", "/_sandbox/requests?path=" + path)["requests"]


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[Sandbox]:
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("taptalk-sandbox is not built (cargo build -p taptalk-sandbox)")
    sandbox = Sandbox(binary, "--delivery-delay-ms", "50")
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(sandbox_process: Sandbox) -> Sandbox:
    sandbox_process.reset()
    return sandbox_process


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[taptalk.Client]:
    with taptalk.Client(**sandbox.config(), timeout=10) as client:
        yield client


# -- a fixed-reply server ------------------------------------------------------------------

Reply = Tuple[int, Dict[str, str], bytes]
Handler = Callable[[str, str, Dict[str, str], bytes], Reply]


def envelope_bytes(data: Any = None, status: int = 200, code: str = "", message: str = "",
                   field: str = "") -> bytes:
    return json.dumps({"status": status, "error": {"code": code, "message": message,
                                                   "field": field},
                       "data": {} if data is None else data}).encode()


class FixedServer:
    """A local HTTP server answering every request with ``handler``'s reply (by default
    one fixed success envelope). ``requests`` records (method, path, query, body)."""

    def __init__(self, handler: Optional[Handler] = None) -> None:
        fixed = envelope_bytes({"success": True, "message": "ok", "id": "fixed-id"})
        self.handler: Handler = handler or (lambda m, p, q, b: (200, {}, fixed))
        self.requests: List[Tuple[str, str, Dict[str, str], bytes]] = []
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                outer.requests.append((self.command, split.path, query, body))
                status, headers, payload = outer.handler(self.command, split.path, query, body)
                self.send_response(status)
                headers = dict(headers)
                headers.setdefault("Content-Type", "application/json")
                headers.setdefault("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()

            do_GET = _answer
            do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def config(self) -> Dict[str, Any]:
        return {
            "powertalk": {"base_url": self.url, "server_key_id": "id",
                          "server_key_secret": "secret"},
            "sendtalk": {"base_url": self.url, "api_key": "key"},
            "onetalk": {"base_url": self.url, "api_key": "key"},
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fixed_server() -> Iterator[FixedServer]:
    server = FixedServer()
    yield server
    server.close()
