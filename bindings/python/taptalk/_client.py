"""The :class:`Client` and its three product namespaces."""

from __future__ import annotations

import ctypes
import json
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from . import _native
from ._base import JSONDict
from ._chatbot import Chatbot
from ._onetalk import OneTalk
from ._powertalk import Contact, PowerTalk
from ._raw import RawRequests
from ._sendtalk import SendTalk
from .errors import ClientClosedError, ConfigError, TapTalkError, error_from_envelope

__all__ = ["Client", "PowerTalk", "SendTalk", "OneTalk", "Chatbot", "Contact", "Envelope",
           "JSONDict"]

#: A whole reply: ``{"status": int, "error": {"code", "message", "field"}, "data": {...}}``.
Envelope = Dict[str, Any]

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
        chatbot: a OneTalk custom chatbot's actions (``client.chatbot``):
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
        tls: trusted CAs, ``{"ca_file": PATH, "ca_pem": TEXT, "built_in_roots": bool}``:
            CA certificates added to the built-in roots (or alone with ``built_in_roots``
            False), e.g. a company's TLS-inspecting proxy CA.
        proxy: an HTTP proxy, ``"http://user:password@host:3128"``; a proxy that cannot be
            reached or refuses raises :class:`ProxyError` (91011).
        no_proxy: hosts reached directly, not through ``proxy``: names, addresses,
            ``".corp.example"`` for every host under a domain, ``"*"`` for all.
        proxy_from_env: True takes the proxy from ``HTTPS_PROXY``/``ALL_PROXY`` and
            ``NO_PROXY`` (never read otherwise).

    Only configured products can be called; calling another raises :class:`AuthError`
    (code 40001) without sending anything. Raises :class:`ConfigError` (``field`` names the
    key) when the configuration is refused.

    Use it as a context manager, or call :meth:`close`, to release the connection pool::

        with taptalk.Client(sendtalk={"api_key": KEY}) as client:
            client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                          body="Hi")
    """

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
        self._closing = False
        self._handle = self._create(json.dumps(config).encode("utf-8"))
        self.powertalk = PowerTalk(self)
        self.sendtalk = SendTalk(self)
        self.onetalk = OneTalk(self)
        self.chatbot = Chatbot(self)

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
        """Releases the client. Waits for calls still running on other threads; later calls
        raise :class:`ClientClosedError`. Closing twice is harmless."""
        with self._lock:
            if self._handle is None:
                return
            self._closing = True
            while self._in_flight:
                self._idle.wait()
            handle, self._handle = self._handle, None
        self._library.client_free(handle)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._handle is None

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
        ``"sendtalk_send_whatsapp"``; ``client.operations`` lists them) with a request in the vendor's field names.

        Returns the envelope's ``data``, or the whole envelope with ``raw=True`` (which never
        raises for a failed call). Raises the matching :class:`TapTalkError` otherwise.
        ``retry`` overrides the client's retry keys (``max_attempts``, ``base_delay_ms``,
        ``max_delay_ms``, ``deadline_ms``) for this call only.
        """
        if operation not in self._library.operations:
            raise ValueError(f"unknown operation {operation!r}; use one of "
                             f"{', '.join(self._library.operations)}")
        envelope = self.envelope(operation, request, retry=retry)
        if raw:
            return envelope
        return _data_or_raise(envelope)

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
        body = json.dumps(request, separators=(",", ":")).encode("ascii")
        options = (None if retry is None else
                   json.dumps({"retry": dict(retry)}, separators=(",", ":")).encode("ascii"))
        return self._native(lambda handle: self._library.call(operation, handle, body, options))

    def _native(self, call: Callable[[int], bytes]) -> Envelope:
        """Runs ``call(handle)`` (a native call answering an envelope's bytes) while
        :meth:`close` cannot free the handle, and decodes the envelope."""
        with self._lock:
            if self._closing or self._handle is None:
                raise ClientClosedError("the client is closed", status=400)
            self._in_flight += 1
            handle = self._handle
        try:
            reply = call(handle)
        finally:
            with self._lock:
                self._in_flight -= 1
                if self._closing and not self._in_flight:
                    self._idle.notify_all()
        envelope = json.loads(reply)
        if not isinstance(envelope, dict):  # pragma: no cover - the library never does this
            raise TapTalkError("the library returned something other than an envelope",
                               status=500, code="90004")
        return envelope


class RetryingClient:
    """A view of a :class:`Client` whose calls use their own retry settings."""

    def __init__(self, client: Client, retry: Mapping[str, int]) -> None:
        self._client = client
        self._retry = dict(retry)
        self.powertalk = PowerTalk(self)  # type: ignore[arg-type]
        self.sendtalk = SendTalk(self)  # type: ignore[arg-type]
        self.onetalk = OneTalk(self)  # type: ignore[arg-type]
        self.chatbot = Chatbot(self)  # type: ignore[arg-type]

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False) -> JSONDict:
        """As :meth:`Client.call`, with this view's retry settings."""
        return self._client.call(operation, request, raw=raw, retry=self._retry)


def _data_or_raise(envelope: Envelope) -> JSONDict:
    error = envelope.get("error") or {}
    if envelope.get("status") == 200 and not error.get("code"):
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}
    raise error_from_envelope(envelope)


def _milliseconds(seconds: float, name: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} is a number of seconds")
    return max(1, int(round(seconds * 1000)))
