"""The native client handle and its lifetime, below both :class:`~taptalk.Client` and
:class:`~taptalk.AsyncClient`.

:class:`NativeClient` turns the constructor's keywords into the library's configuration, owns
the ``TtClient``, and frees it only when no call is using it: :meth:`NativeClient.close` waits
for running calls, and from inside one of them (a log handler or TLS verifier runs on the
thread making the call) it leaves the free to the last call out. Every native call is first
made into a job by :meth:`NativeClient._job`, which counts it as running and knows the thread
that runs it, wherever the caller runs it: on the calling thread, on a worker while the main
thread waits (``_waiting.blocking``), or on a worker an event loop awaits
(``_waiting.run_async``).
"""

from __future__ import annotations

import ctypes
import functools
import json
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, TypeVar

from . import _fork, _native, _waiting
from ._base import Envelope, JSONDict, NativeCall
from ._waiting import Report, Run
from .errors import ConfigError, TapTalkError, error_from_envelope

#: ``error.code`` of a call on a closed client (``TT_ERR_CLIENT_CLOSED``).
CLIENT_CLOSED = "90005"

#: The keywords both clients take, documented once in :class:`~taptalk.Client`.
CONFIG_DOC = """
    Args:
        powertalk: the PowerTalk Server API section: ``{"base_url": "https://...",
            "server_key_id": "...", "server_key_secret": "..."}``. ``base_url`` has no
            default (it is per customer).
        sendtalk: ``{"api_key": "...", "base_url": "..."}`` (base_url defaults to
            https://sendtalk-api.taptalk.io).
        onetalk: ``{"api_key": "...", "base_url": "..."}`` (base_url defaults to
            https://onetalk-api.taptalk.io).
        chatbot: a OneTalk custom chatbot's actions (:attr:`chatbot`):
            ``{"organization_id": ..., "chatbot_id": "...", "secret_key": "..."}``, the parts
            of the chatbot's OneTalk URL and its secret (base_url defaults to OneTalk's).
        timeout: whole-call limit in seconds (connect, send, wait, read); default 30.
        connect_timeout: connect limit in seconds (TCP and TLS); default 10.
        user_agent: added after ``taptalk/VERSION`` in the User-Agent header.
        max_response_bytes: replies larger than this fail with ReplyTooLargeError.
        retry: the retry policy, ``{"max_attempts", "base_delay_ms", "max_delay_ms",
            "deadline_ms"}`` (on by default). Reads and ``update_case`` are retried on
            connection failures, timeouts and HTTP 429/502/503/504; sends only when the
            request provably never reached the server. ``{"max_attempts": 1}`` turns it off.
        tls: whom to trust. ``{"ca_file": PATH, "ca_pem": TEXT, "built_in_roots": bool}``:
            CA certificates added to the built-in roots (or alone with ``built_in_roots``
            False), e.g. a company's TLS-inspecting proxy CA. Or ``{"verifier":
            "platform"}``: the function registered with :func:`taptalk.set_tls_verifier`
            decides chain trust (not combinable with the other three keys); the default
            is ``"built_in"``.
        proxy: an HTTP proxy, ``"http://user:password@host:3128"``; a proxy that cannot be
            reached or refuses raises :class:`ProxyError` (91011).
        no_proxy: hosts reached directly, not through ``proxy``: names, addresses,
            ``".corp.example"`` for every host under a domain, ``"*"`` for all.
        proxy_from_env: True takes the proxy from ``HTTPS_PROXY``/``ALL_PROXY`` and
            ``NO_PROXY`` (never read otherwise).
"""


def closed_envelope() -> Envelope:
    """The envelope a call on a closed client answers (raised as ClientClosedError)."""
    return {"status": 400,
            "error": {"code": CLIENT_CLOSED, "message": "The client is closed", "field": ""},
            "data": {}}


def decode(reply: bytes) -> Envelope:
    """An envelope's bytes as a dict."""
    envelope = json.loads(reply)
    if not isinstance(envelope, dict):  # pragma: no cover - the library never does this
        raise TapTalkError("the library returned something other than an envelope",
                           status=500, code="90004")
    return envelope


F = TypeVar("F", bound=Callable[..., Any])


def lists(namespace: type) -> Callable[[F], F]:
    """Documents a namespace property from the namespace class itself (its summary and its
    methods), so that ``help(taptalk.Client)`` shows what each namespace holds."""
    methods = [n for n, v in vars(namespace).items() if callable(v) and not n.startswith("_")]
    summary = (namespace.__doc__ or "").strip().splitlines()[0]

    def document(getter: F) -> F:
        getter.__doc__ = (f"{summary}\n\n``client.{getter.__name__}.<method>(...)``, one "
                          "method per operation: " + ", ".join(methods) + ".")
        return getter
    return document


def call_options(retry: Optional[Mapping[str, int]]) -> Optional[bytes]:
    """``options_json`` for one call: the retry keys, or None."""
    return (None if retry is None else
            json.dumps({"retry": dict(retry)}, separators=(",", ":")).encode("ascii"))


class NativeClient:
    """A native client handle with its lifetime rules (see the module docstring)."""

    def __init__(
        self,
        *,
        powertalk: Optional[Mapping[str, Any]] = None,
        sendtalk: Optional[Mapping[str, Any]] = None,
        onetalk: Optional[Mapping[str, Any]] = None,
        chatbot: Optional[Mapping[str, Any]] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        retry: Optional[Mapping[str, Any]] = None,
        tls: Optional[Mapping[str, Any]] = None,
        proxy: Optional[str] = None,
        no_proxy: Optional[Sequence[str]] = None,
        proxy_from_env: bool = False,
    ) -> None:
        self._handle: Optional[int] = None
        self._library = _native.library()
        config: JSONDict = {}
        for name, section in (("powertalk", powertalk), ("sendtalk", sendtalk),
                              ("onetalk", onetalk), ("chatbot", chatbot)):
            if section is not None:
                config[name] = dict(section)
        if timeout is not None:
            config["timeout_ms"] = _milliseconds(timeout, "timeout")
        if connect_timeout is not None:
            config["connect_timeout_ms"] = _milliseconds(connect_timeout, "connect_timeout")
        if user_agent is not None:
            config["user_agent"] = user_agent
        if max_response_bytes is not None:
            config["max_response_bytes"] = max_response_bytes
        if retry is not None:
            config["retry"] = dict(retry)
        if tls is not None:
            config["tls"] = dict(tls)
        if proxy is not None:
            config["proxy"] = proxy
        if no_proxy is not None:
            config["no_proxy"] = [no_proxy] if isinstance(no_proxy, str) else list(no_proxy)
        if proxy_from_env:
            config["proxy_from_env"] = True
        self._configured = frozenset(k for k in ("powertalk", "sendtalk", "onetalk", "chatbot")
                                     if k in config)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        # Threads inside a native call on this client (thread id -> how many): close() from
        # one of them (a log handler, a TLS verifier) must not wait for its own call.
        self._calling: Dict[int, int] = {}
        self._closing = False
        # Set by a close() from inside a call: the last call to return frees the handle.
        self._free_when_idle = False
        _fork.track(self)
        self._handle = self._create(json.dumps(config).encode("utf-8"))
        self._made()

    def _made(self) -> None:
        """Called at the end of ``__init__``, once the handle exists (a subclass makes its
        product namespaces here)."""

    def _create(self, config_json: bytes) -> int:
        error_out = ctypes.c_void_p()
        handle = self._library.client_new(config_json, ctypes.byref(error_out))
        if handle:
            return int(handle)
        if error_out.value:
            envelope = json.loads(self._library.take_string(error_out.value))
            error = error_from_envelope(envelope)
            if not isinstance(error, ConfigError):
                error = ConfigError(error.message, status=error.status, code=error.code,
                                    field=error.field, envelope=error.envelope)
            raise error
        raise ConfigError("tt_client_new refused the configuration", status=400,
                          code="90003")

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Releases the client: later calls raise :class:`ClientClosedError` (code 90005;
        ``raw=True`` answers that envelope). Closing twice is harmless.

        Waits for calls still running on other threads, then frees the native client. From
        inside one of this client's own calls (a log handler or TLS verifier runs on the
        calling thread) it cannot wait for that call: it returns at once, and the native
        client is freed when the last running call returns.
        """
        with self._lock:
            if self._handle is None:
                return
            self._closing = True
            if self._calling.get(threading.get_ident()):
                self._free_when_idle = True
                return
            while self._in_flight:
                self._idle.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            self._library.client_free(handle)

    def _after_fork_in_child(self) -> None:
        """In a forked child: only the forking thread exists there, so the lock (which
        another thread may have held at the fork) is made anew, and only that thread's own
        calls still count as running (close() would wait for the others for ever). The
        native client needs nothing: in a child it makes its own connections."""
        me = threading.get_ident()
        mine = self._calling.get(me, 0)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._calling = {me: mine} if mine else {}
        self._in_flight = mine

    @property
    def closed(self) -> bool:
        """True once the client is closing or closed (even while it waits for running calls)."""
        return self._closing or self._handle is None

    def __del__(self) -> None:
        # No call can be running: each one holds a reference to the client.
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._handle = None
            try:
                self._library.client_free(handle)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    def describe(self, kind: str) -> str:
        state = "closed" if self.closed else "open"
        products = ", ".join(sorted(self._configured)) or "no products"
        return f"<{kind} {state}: {products}>"

    # -- calls -----------------------------------------------------------------------------

    def _job(self, call: NativeCall) -> Optional[Run]:
        """``call`` as a job, ``run(cancel, report)``, to run on any thread; None on a closed
        client (nothing to run: the caller answers :func:`closed_envelope`). A job counts as
        a running call only while it runs, so one that never runs (interrupted before a
        worker took it) holds nothing up; one that runs after :meth:`close` answers 90005."""
        if self._closing or self._handle is None:
            return None
        return functools.partial(self._run, call)

    def _run(self, call: NativeCall, cancel: Optional[int], report: Report) -> bytes:
        me = threading.get_ident()
        with self._lock:
            if self._closing or self._handle is None:
                return json.dumps(closed_envelope()).encode()
            handle = self._handle
            self._in_flight += 1
            self._calling[me] = self._calling.get(me, 0) + 1
        release: Optional[int] = None
        try:
            return call(handle, cancel, report)
        finally:
            with self._lock:
                self._in_flight -= 1
                if self._calling[me] == 1:
                    del self._calling[me]
                else:
                    self._calling[me] -= 1
                if self._closing and not self._in_flight:
                    if self._free_when_idle:
                        release, self._handle = self._handle, None
                    self._idle.notify_all()
            if release is not None:
                self._library.client_free(release)

    def _native(self, call: NativeCall, progress: Report = None, *,
                batch: bool = False) -> Envelope:
        """Runs ``call(handle, cancel, report)`` (a native call answering an envelope's
        bytes) so that a Ctrl-C gets through (``_waiting.blocking``), and decodes the
        envelope; on a closed client answers :func:`closed_envelope` without calling."""
        run = self._job(call)
        if run is None:
            return closed_envelope()
        return decode(_waiting.blocking(run, progress, batch=batch))

    def _call_job(self, operation: str, request: Mapping[str, Any],
                  retry: Optional[Mapping[str, int]]) -> Any:
        """One operation as a :data:`NativeCall`, or the envelope that answers it at once."""
        if not isinstance(operation, str):
            raise TypeError("operation is a str, e.g. \"sendtalk_send_whatsapp\"")
        if "\x00" in operation:
            # A C string ends at NUL: the library would see only the part before it.
            return {"status": 400, "error": {"code": "90001", "message":
                    "The operation name contains U+0000", "field": ""}, "data": {}}
        body = json.dumps(request, separators=(",", ":")).encode("ascii")
        options = call_options(retry)
        library = self._library
        return lambda handle, cancel, _report: library.call(operation, handle, body, options,
                                                            cancel)

    def _batch_job(self, operation: str, requests: Sequence[Mapping[str, Any]],
                   concurrency: Optional[int], rate_per_second: Optional[float],
                   retry: Optional[Mapping[str, int]]) -> Any:
        """A batch (``tt_call_many_cancellable``) as a :data:`NativeCall`, or the envelope
        that answers it at once."""
        if not isinstance(operation, str):
            raise TypeError("operation is a str, e.g. \"sendtalk_send_whatsapp\"")
        if "\x00" in operation:
            return {"status": 400, "error": {"code": "90001", "message":
                    "The operation name contains U+0000", "field": ""}, "data": {}}
        if isinstance(requests, (str, bytes, Mapping)):
            raise TypeError("requests is a sequence of request mappings")
        body = json.dumps([dict(r) if isinstance(r, Mapping) else r for r in requests],
                          separators=(",", ":")).encode("ascii")
        options: JSONDict = {}
        if concurrency is not None:
            options["concurrency"] = concurrency
        if rate_per_second is not None:
            options["rate_per_second"] = rate_per_second
        if retry is not None:
            options["retry"] = dict(retry)
        options_json = json.dumps(options).encode("ascii") if options else None
        name = operation.encode("utf-8")
        library = self._library

        def call(handle: int, cancel: Optional[int], report: Report) -> bytes:
            # No callback at all without a listener: no per-result trip through Python.
            callback = (_native.PROGRESS_CALLBACK() if report is None else
                        _native.PROGRESS_CALLBACK(lambda _data, done, total: report(done, total)))
            return library.take_string(library.call_many(handle, name, body, options_json,
                                                         callback, None, cancel))
        return call


def _milliseconds(seconds: float, name: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} is a number of seconds")
    return max(1, int(round(seconds * 1000)))
