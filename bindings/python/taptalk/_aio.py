"""The :class:`AsyncClient`: the top of the package's asyncio side (only ``__init__`` imports
it; it does not import the blocking :class:`~taptalk.Client`, they share ``_core``).

Its product namespaces are the blocking ones with every method made awaitable (each calls
``self._client.call``, which here answers a coroutine); the native calls run on the client's
own worker threads (``_waiting.run_async``), so the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from . import _fork
from ._base import Envelope, JSONDict, NativeCall, answer
from ._chatbot import Chatbot
from ._core import CONFIG_DOC, NativeClient, closed_envelope, decode, lists
from ._onetalk import OneTalk
from ._pagination import AsyncUpdatedCases
from ._powertalk import PowerTalk
from ._raw import AsyncRawRequests
from ._sendtalk import SendTalk
from ._waiting import Workers, run_async

__all__ = ["AsyncClient", "AsyncRetryingClient", "AsyncPowerTalk", "AsyncSendTalk",
           "AsyncOneTalk", "AsyncChatbot"]

#: ``progress(done, total)`` of a batch, called on the event loop.
Progress = Callable[[int, int], None]


def _awaitable(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def awaited(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await method(self, *args, **kwargs)
    return awaited


def _asynchronous(namespace: type, keep: Sequence[str] = ()) -> type:
    """``namespace`` with each public method (but those in ``keep``) made a coroutine
    function; same names, arguments and documentation."""
    members: Dict[str, Any] = {
        "__doc__": f"{(namespace.__doc__ or '').strip()}\n\nEvery method is awaited.",
        "__module__": __name__,
    }
    for name, value in vars(namespace).items():
        if callable(value) and not name.startswith("_") and name not in keep:
            members[name] = _awaitable(value)
    return type("Async" + namespace.__name__, (namespace,), members)


AsyncPowerTalk = _asynchronous(PowerTalk)
AsyncSendTalk = _asynchronous(SendTalk)
AsyncChatbot = _asynchronous(Chatbot)


class AsyncOneTalk(_asynchronous(OneTalk, keep=("iter_updated_cases",))):  # type: ignore[misc]
    __doc__ = (f"{(OneTalk.__doc__ or '').strip()}\n\nEvery method is awaited; "
               "iter_updated_cases answers an asynchronous iterator (``async for``).")

    def iter_updated_cases(self, *, since_timestamp: int, page_size: int = 100,
                           seen: Mapping[str, int] = {}) -> AsyncUpdatedCases:
        """As :meth:`taptalk.OneTalk.iter_updated_cases`, iterated with ``async for``."""
        return AsyncUpdatedCases(since_timestamp, page_size, seen, client=self._client)


class AsyncClient(AsyncRawRequests):
    """:class:`~taptalk.Client` for asyncio: the same constructor, products, methods,
    errors and case cursor, each method awaited, and the event loop never blocked::

        async with taptalk.AsyncClient(sendtalk={"api_key": KEY}) as client:
            sent = await client.sendtalk.send_whatsapp(phone="6281212345678",
                                                       message_type="text", body="Hi")
            async for case in client.onetalk.iter_updated_cases(since_timestamp=0): ...

    Each call runs on a worker thread of this client (at most ``max_concurrency`` at once,
    default 256; more wait their turn without blocking the loop) over one keep-alive pool.

    **Cancellation.** Cancelling a task that awaits a call (``task.cancel()``,
    ``asyncio.wait_for`` running out, a ``TaskGroup`` failing) cancels the native call
    through the core: it comes back within about 50 ms, and the task's ``CancelledError``
    is raised after that with ``maybe_delivered`` and ``envelope`` set on it. A call
    cancelled before its request was written sent nothing (``maybe_delivered`` False,
    ``envelope`` 91012). A **send** cancelled after its request was written may have been
    delivered: its envelope is 91010 (outcome unknown, ``data.cause`` "91012"),
    ``maybe_delivered`` is True, and the library never repeats it; check before sending
    again. A read cancelled after its write is 91012 with ``data.maybe_sent`` true.

    Close it with ``async with`` or :meth:`aclose`.
    """

    @property
    @lists(AsyncPowerTalk)
    def powertalk(self) -> Any:
        return self._powertalk

    @property
    @lists(AsyncSendTalk)
    def sendtalk(self) -> Any:
        return self._sendtalk

    @property
    @lists(AsyncOneTalk)
    def onetalk(self) -> AsyncOneTalk:
        return self._onetalk

    @property
    @lists(AsyncChatbot)
    def chatbot(self) -> Any:
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
        max_concurrency: int = 256,
    ) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) \
                or max_concurrency < 1:
            raise ValueError("max_concurrency is a whole number of calls, at least 1")
        self._workers: Optional[Workers] = None
        self._client = NativeClient(
            powertalk=powertalk, sendtalk=sendtalk, onetalk=onetalk, chatbot=chatbot,
            timeout=timeout,
            connect_timeout=connect_timeout, user_agent=user_agent,
            max_response_bytes=max_response_bytes, retry=retry, tls=tls, proxy=proxy,
            no_proxy=no_proxy, proxy_from_env=proxy_from_env)
        self._library = self._client._library
        self._max_concurrency = max_concurrency
        self._workers = Workers(limit=max_concurrency, name="taptalk-async")
        _fork.track(self)
        self._powertalk = AsyncPowerTalk(self)
        self._sendtalk = AsyncSendTalk(self)
        self._onetalk = AsyncOneTalk(self)
        self._chatbot = AsyncChatbot(self)

    def _after_fork_in_child(self) -> None:
        """In a forked child the parent's worker threads do not exist: new ones are started
        as calls come (the native client renews its own state, tracked separately)."""
        if self._workers is not None:
            self._workers = Workers(limit=self._max_concurrency, name="taptalk-async")

    # -- lifecycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Closes the client: later calls raise :class:`ClientClosedError` (90005). Waits
        (without blocking the loop) for calls still running, then frees the native client
        and stops the workers. Closing twice is harmless."""
        await asyncio.get_running_loop().run_in_executor(None, self._client.close)
        if self._workers is not None:
            self._workers.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` has begun."""
        return self._client.closed

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __del__(self) -> None:
        workers = getattr(self, "_workers", None)
        if workers is not None:
            workers.close()

    def __repr__(self) -> str:
        return self._client.describe("taptalk.AsyncClient")

    # -- calls -----------------------------------------------------------------------------

    async def call(self, operation: str, request: Mapping[str, Any], *,
                   raw: bool = False, retry: Optional[Mapping[str, int]] = None) -> JSONDict:
        """As :meth:`taptalk.Client.call`, awaited."""
        return answer(await self.envelope(operation, request, retry=retry), raw)

    async def envelope(self, operation: str, request: Mapping[str, Any], *,
                       retry: Optional[Mapping[str, int]] = None) -> Envelope:
        """Runs one operation and returns its whole envelope, success or failure."""
        prepared = self._client._call_job(operation, request, retry)
        return prepared if isinstance(prepared, dict) else await self._native_async(prepared)

    async def call_many(self, operation: str, requests: Sequence[Mapping[str, Any]], *,
                        concurrency: Optional[int] = None,
                        rate_per_second: Optional[float] = None,
                        retry: Optional[Mapping[str, int]] = None,
                        progress: Optional[Progress] = None, raw: bool = False) -> JSONDict:
        """As :meth:`taptalk.Client.call_many`, awaited; ``progress(done, total)`` is called
        on the event loop. Cancelling the task cancels the batch (requests not started
        answer "not sent"), and its CancelledError carries ``envelope`` (the batch's, every
        result in it) and ``maybe_delivered`` (whether any request may have reached the
        server)."""
        prepared = self._client._batch_job(operation, requests, concurrency, rate_per_second,
                                           retry)
        envelope = (prepared if isinstance(prepared, dict) else
                    await self._native_async(prepared, progress, batch=True))
        return answer(envelope, raw)

    @property
    def operations(self) -> Dict[str, Dict[str, Any]]:
        """As :attr:`taptalk.Client.operations`."""
        return {row["name"]: dict(row) for row in self._library.operation_table}

    def with_retry(self, **retry: int) -> "AsyncRetryingClient":
        """As :meth:`taptalk.Client.with_retry`: ``await client.with_retry(max_attempts=1)
        .sendtalk.get_status(id=...)``."""
        return AsyncRetryingClient(self, retry)

    async def _native_async(self, call: NativeCall, progress: Optional[Progress] = None, *,
                            batch: bool = False) -> Envelope:
        """Runs ``call(handle, cancel, report)`` on this client's workers, awaited; on a
        closed client answers :func:`closed_envelope` without calling."""
        run = self._client._job(call)
        if run is None:
            return closed_envelope()
        assert self._workers is not None
        return decode(await run_async(self._workers, run, progress, batch=batch))


class AsyncRetryingClient:
    """A view of an :class:`AsyncClient` whose calls use their own retry settings."""

    powertalk = AsyncClient.powertalk
    sendtalk = AsyncClient.sendtalk
    onetalk = AsyncClient.onetalk
    chatbot = AsyncClient.chatbot

    def __init__(self, client: AsyncClient, retry: Mapping[str, int]) -> None:
        self._client = client
        self._retry = dict(retry)
        self._powertalk = AsyncPowerTalk(self)
        self._sendtalk = AsyncSendTalk(self)
        self._onetalk = AsyncOneTalk(self)
        self._chatbot = AsyncChatbot(self)

    async def call(self, operation: str, request: Mapping[str, Any], *,
                   raw: bool = False) -> JSONDict:
        """As :meth:`AsyncClient.call`, with this view's retry settings."""
        return await self._client.call(operation, request, raw=raw, retry=self._retry)

    async def _native_async(self, call: NativeCall) -> Envelope:
        return await self._client._native_async(call)


AsyncClient.__doc__ = (AsyncClient.__doc__ or "").replace(
    "\n    Each call runs on", CONFIG_DOC + """        max_concurrency: at most this many calls run at once (each on a worker thread of
            this client); more wait their turn, without blocking the loop. Default 256.

    Each call runs on""", 1)
