"""The :class:`Client`: the top of the package's blocking side (only ``__init__`` imports it).

The native handle and its lifetime are :class:`~taptalk._core.NativeClient`'s; every call
waits through ``_waiting.blocking``, which lets a Ctrl-C through on the main thread.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from ._base import Envelope, JSONDict, NativeCall, answer
from ._chatbot import Chatbot
from ._core import CONFIG_DOC, NativeClient, closed_envelope, lists
from ._onetalk import OneTalk
from ._powertalk import Contact, PowerTalk
from ._raw import RawRequests
from ._sendtalk import SendTalk

__all__ = ["Client", "RetryingClient", "PowerTalk", "SendTalk", "OneTalk", "Chatbot",
           "Contact", "Envelope", "JSONDict", "closed_envelope"]

#: ``progress(done, total)`` of a batch.
Progress = Callable[[int, int], None]


class Client(NativeClient, RawRequests):
    """A TapTalk client over the native library: thread-safe, one keep-alive pool inside.

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

    Ctrl-C: on the main thread every call waits so that a ``KeyboardInterrupt`` gets
    through at once. It cancels the native call (within about 100 ms) and is re-raised with
    ``maybe_delivered`` (whether the request may have reached the server: a send with
    ``maybe_delivered`` True may have gone out; do not repeat it blindly) and ``envelope``
    (what the cancelled call answered: 91012, or 91010 for a send already written).
    """

    @property
    @lists(PowerTalk)
    def powertalk(self) -> PowerTalk:
        return self._powertalk

    @property
    @lists(SendTalk)
    def sendtalk(self) -> SendTalk:
        return self._sendtalk

    @property
    @lists(OneTalk)
    def onetalk(self) -> OneTalk:
        return self._onetalk

    @property
    @lists(Chatbot)
    def chatbot(self) -> Chatbot:
        return self._chatbot

    def _made(self) -> None:
        self._powertalk = PowerTalk(self)
        self._sendtalk = SendTalk(self)
        self._onetalk = OneTalk(self)
        self._chatbot = Chatbot(self)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return self.describe("taptalk.Client")

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
        prepared = self._call_job(operation, request, retry)
        return prepared if isinstance(prepared, dict) else self._native(prepared)

    def call_many(self, operation: str, requests: Sequence[Mapping[str, Any]], *,
                  concurrency: Optional[int] = None, rate_per_second: Optional[float] = None,
                  retry: Optional[Mapping[str, int]] = None,
                  progress: Optional[Progress] = None, raw: bool = False) -> JSONDict:
        """Runs one operation for every request of ``requests`` (``tt_call_many``), at most
        ``concurrency`` at a time over this client's connections, and returns when every
        result is in::

            data = client.call_many("sendtalk_send_whatsapp",
                                    [{"phone": p, "messageType": "text", "body": "Hi"}
                                     for p in phones],
                                    concurrency=64, progress=lambda done, total: ...)
            for request, result in zip(requests, data["results"]):
                if result["error"]["code"]: ...   # taptalk.error_from_envelope(result)

        Args:
            operation: the operation's name, as for :meth:`call`.
            requests: request mappings in the vendor's field names (not the methods'
                keyword names).
            concurrency: 1 to 256 requests at once (default 16; each is a native thread
                while the batch runs).
            rate_per_second: at most this many attempts start per second (default: no cap).
            retry: retry keys for each request, as for :meth:`call`.
            progress: ``progress(done, total)``, called on this thread after each result
                (in order, ending with ``total``). An exception it raises cancels the batch
                and is re-raised (see below).
            raw: return the whole batch envelope instead of raising when the batch itself
                is refused.

        Returns:
            ``data``: ``total``, ``succeeded``, ``failed`` and ``results``, each request's
            own envelope (as ``raw=True`` would answer it) in input order. One failed
            request never stops the others, a request refused locally costs no network
            call, and a send is never repeated once it may have reached the server (its
            result is then 91010). A 429 or ``Retry-After`` slows the whole batch.

        Raises:
            UsageError: 90001 unknown operation, 90002 ``requests`` not a list of objects;
            ConfigError: 90003 a refused option (``field`` names it).

        A Ctrl-C (or an exception from ``progress``) cancels the batch: requests not
        started answer 91012 "not sent", those in flight end as a cancelled call does; the
        exception is re-raised with ``envelope`` (the batch's, with every result) and
        ``maybe_delivered`` (whether any request may have reached the server).
        """
        prepared = self._batch_job(operation, requests, concurrency, rate_per_second, retry)
        envelope = (prepared if isinstance(prepared, dict) else
                    self._native(prepared, progress, batch=True))
        return answer(envelope, raw)


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


Client.__doc__ = (Client.__doc__ or "").replace("\n    Operations are methods", CONFIG_DOC
                                                + "\n    Operations are methods", 1)
