"""The :class:`Client`: the top of the package's import graph (only ``__init__`` imports it).

It owns the native handle and its lifetime: every native call runs through
:meth:`Client._native`, which keeps :meth:`Client.close` from freeing the handle under a running
call, and answers the "client is closed" envelope (90005) once it is closed.
"""

from __future__ import annotations

import ctypes
import json
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, TypeVar

from . import _native
from ._base import Envelope, JSONDict, NativeCall, answer
from ._chatbot import Chatbot
from ._onetalk import OneTalk
from ._powertalk import Contact, PowerTalk
from ._raw import RawRequests
from ._sendtalk import SendTalk
from .errors import ConfigError, TapTalkError, error_from_envelope

__all__ = ["Client", "RetryingClient", "PowerTalk", "SendTalk", "OneTalk", "Chatbot",
           "Contact", "Envelope", "JSONDict"]

#: ``error.code`` of a call on a closed client (``TT_ERR_CLIENT_CLOSED``).
CLIENT_CLOSED = "90005"


def closed_envelope() -> Envelope:
    """The envelope a call on a closed client answers (raised as ClientClosedError)."""
    return {"status": 400,
            "error": {"code": CLIENT_CLOSED, "message": "The client is closed", "field": ""},
            "data": {}}


F = TypeVar("F", bound=Callable[..., Any])


def _lists(namespace: type) -> Callable[[F], F]:
    """Documents a namespace property from the namespace class itself (its summary and its
    methods), so that ``help(taptalk.Client)`` shows what each namespace holds."""
    methods = [n for n, v in vars(namespace).items() if callable(v) and not n.startswith("_")]
    summary = (namespace.__doc__ or "").strip().splitlines()[0]

    def document(getter: F) -> F:
        getter.__doc__ = (f"{summary}\n\n``client.{getter.__name__}.<method>(...)``, one "
                          "method per operation: " + ", ".join(methods) + ".")
        return getter
    return document


class Client(RawRequests):
    """A TapTalk client over the native library: thread-safe, one keep-alive pool inside.

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

    Operations are methods of four namespaces, one per product: :attr:`powertalk`,
    :attr:`sendtalk`, :attr:`onetalk` and :attr:`chatbot` (a custom chatbot's answers)
    (``client.sendtalk.send_whatsapp(...)``); any
    operation also runs by name through :meth:`call`, and :meth:`request` reaches endpoints
    without a method. Only configured products can be called; calling another raises
    :class:`AuthError` (code 40001) without sending anything. Raises :class:`ConfigError`
    (``field`` names the key) when the configuration is refused.

    Use it as a context manager, or call :meth:`close`, to release the connection pool::

        with taptalk.Client(sendtalk={"api_key": KEY}) as client:
            client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                          body="Hi")
    """

    @property
    @_lists(PowerTalk)
    def powertalk(self) -> PowerTalk:
        return self._powertalk

    @property
    @_lists(SendTalk)
    def sendtalk(self) -> SendTalk:
        return self._sendtalk

    @property
    @_lists(OneTalk)
    def onetalk(self) -> OneTalk:
        return self._onetalk

    @property
    @_lists(Chatbot)
    def chatbot(self) -> Chatbot:
        return self._chatbot

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
        self._handle = self._create(json.dumps(config).encode("utf-8"))
        self._powertalk = PowerTalk(self)
        self._sendtalk = SendTalk(self)
        self._onetalk = OneTalk(self)
        self._chatbot = Chatbot(self)

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

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called (even while it waits for running calls)."""
        return self._closing or self._handle is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # No call can be running: each one holds a reference to the client.
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._handle = None
            try:
                self._library.client_free(handle)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        products = ", ".join(sorted(self._configured)) or "no products"
        return f"<taptalk.Client {state}: {products}>"

    # -- calls -----------------------------------------------------------------------------

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False, retry: Optional[Mapping[str, int]] = None) -> JSONDict:
        """Runs one operation by its name, the C export's without ``tt_`` (e.g.
        ``"sendtalk_send_whatsapp"``; :attr:`operations` lists them) with a request in the
        vendor's field names.

        Returns the envelope's ``data``, or the whole envelope with ``raw=True`` (which never
        raises for a failed call, a closed client included). Raises the matching
        :class:`TapTalkError` otherwise: an unknown name is a :class:`UsageError` (90001,
        the library's answer, which lists the known names). ``retry`` overrides the client's
        retry keys (``max_attempts``, ``base_delay_ms``, ``max_delay_ms``,
        ``deadline_ms``) for this call only.
        """
        return answer(self.envelope(operation, request, retry=retry), raw)

    @property
    def operations(self) -> Dict[str, Dict[str, Any]]:
        """The library's operation table by name: ``product``, ``method``, ``path``,
        ``export``, ``may_repeat`` (whether a failed attempt may be repeated when the server
        may have processed it) and ``repeat_reason``."""
        return {row["name"]: dict(row) for row in self._library.operation_table}

    def with_retry(self, **retry: int) -> "RetryingClient":
        """This client with retry settings for the calls made through the returned view::

            client.with_retry(max_attempts=1).sendtalk.get_status(id=message_id)

        Keys: ``max_attempts``, ``base_delay_ms``, ``max_delay_ms``, ``deadline_ms``. The view
        shares this client's connections and lifetime.
        """
        return RetryingClient(self, retry)

    def envelope(self, operation: str, request: Mapping[str, Any], *,
                 retry: Optional[Mapping[str, int]] = None) -> Envelope:
        """Runs one operation and returns its whole envelope, success or failure."""
        if not isinstance(operation, str):
            raise TypeError("operation is a str, e.g. \"sendtalk_send_whatsapp\"")
        if "\x00" in operation:
            # A C string ends at NUL: the library would see only the part before it.
            return {"status": 400, "error": {"code": "90001", "message":
                    "The operation name contains U+0000", "field": ""}, "data": {}}
        body = json.dumps(request, separators=(",", ":")).encode("ascii")
        options = (None if retry is None else
                   json.dumps({"retry": dict(retry)}, separators=(",", ":")).encode("ascii"))
        return self._native(lambda handle: self._library.call(operation, handle, body, options))

    def _native(self, call: NativeCall) -> Envelope:
        """Runs ``call(handle)`` (a native call answering an envelope's bytes) while
        :meth:`close` cannot free the handle, and decodes the envelope; on a closed client
        answers :func:`closed_envelope` without calling."""
        me = threading.get_ident()
        with self._lock:
            if self._closing or self._handle is None:
                return closed_envelope()
            self._in_flight += 1
            self._calling[me] = self._calling.get(me, 0) + 1
            handle = self._handle
        release: Optional[int] = None
        try:
            reply = call(handle)
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
        envelope = json.loads(reply)
        if not isinstance(envelope, dict):  # pragma: no cover - the library never does this
            raise TapTalkError("the library returned something other than an envelope",
                               status=500, code="90004")
        return envelope


class RetryingClient:
    """A view of a :class:`Client` whose calls use their own retry settings."""

    # The client's own properties: they read the namespaces this view makes below.
    powertalk = Client.powertalk
    sendtalk = Client.sendtalk
    onetalk = Client.onetalk
    chatbot = Client.chatbot

    def __init__(self, client: Client, retry: Mapping[str, int]) -> None:
        self._client = client
        self._retry = dict(retry)
        self._powertalk = PowerTalk(self)
        self._sendtalk = SendTalk(self)
        self._onetalk = OneTalk(self)
        self._chatbot = Chatbot(self)

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False) -> JSONDict:
        """As :meth:`Client.call`, with this view's retry settings."""
        return self._client.call(operation, request, raw=raw, retry=self._retry)

    def _native(self, call: NativeCall) -> Envelope:
        # The case iterator fetches through the client itself: its pages follow the
        # client's retry policy (the cursor takes no per-call options).
        return self._client._native(call)


def _milliseconds(seconds: float, name: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} is a number of seconds")
    return max(1, int(round(seconds * 1000)))
