"""``OneTalk.iter_updated_cases``: every updated case exactly once, lazily; an iterator for
:class:`~taptalk.Client` and an asynchronous one for :class:`~taptalk.AsyncClient`.

A thin wrapper over the core's case cursor (``tt_case_cursor_*``): the paging rules live in
the native library, once for every binding.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any, AsyncIterator, Callable, Dict, Iterator, Mapping, Optional

from . import _native
from ._base import AsyncCaller, Caller
from .errors import error_from_envelope

Case = Dict[str, Any]
FetchPage = Callable[[int, int], Dict[str, Any]]


class _Cases:
    """The native cursor both iterators hold, and what they read without I/O."""

    def __init__(self, fetch_page: Optional[FetchPage], since_timestamp: int,
                 page_size: int = 100, seen: Mapping[str, int] = {}, *,
                 client: Optional[Caller] = None) -> None:
        self._library = _native.library()
        self._cursor: Optional[int] = None
        options: Dict[str, Any] = {"since_timestamp": since_timestamp, "page_size": page_size}
        if seen:
            options["seen"] = {str(k): v for k, v in seen.items()}
        error_out = ctypes.c_void_p()
        cursor = self._library.cursor_new(json.dumps(options).encode("utf-8"),
                                          ctypes.byref(error_out))
        if not cursor:
            raise error_from_envelope(json.loads(self._library.take_string(error_out.value)))
        self._cursor = int(cursor)
        self._fetch_page = fetch_page
        self._client = client
        self._buffered = 0
        self._more = True
        self._done = False
        #: How many pages have been fetched so far.
        self.pages_fetched = 0

    def __del__(self) -> None:
        cursor, self._cursor = getattr(self, "_cursor", None), None
        if cursor is not None:
            try:
                self._library.cursor_free(cursor)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    @property
    def state(self) -> Dict[str, Any]:
        """The whole saved state: ``{"since_timestamp", "seen", "page_size", "reading"}``."""
        return self._call(lambda: self._library.cursor_state(self._cursor))

    @property
    def cursor(self) -> int:
        """The ``since_timestamp`` to resume from (Unix milliseconds)."""
        return int(self.state["since_timestamp"])

    @property
    def seen(self) -> Dict[str, int]:
        """Cases already yielded at or after :attr:`cursor`: ``{case id: updatedTime}``.
        A resumed iterator skips these (unless they come back with a newer updatedTime)."""
        return dict(self.state["seen"])

    @property
    def has_more(self) -> bool:
        """False once the last page has been fetched and every case yielded."""
        return not self._done

    def _next_case_call(self) -> Any:
        """The next case fetched through a client, as a cancellable native call. It holds
        this object, so the cursor outlives a call left running (a task cancelled before a
        worker took it, a second Ctrl-C)."""
        return lambda handle, cancel, _report: self._library.take_string(
            self._library.cursor_next_case_cancellable(self._cursor, handle, cancel))

    def _call(self, function: Callable[[], Optional[int]]) -> Dict[str, Any]:
        return _data(json.loads(self._library.take_string(function())))


class UpdatedCases(_Cases, Iterator[Case]):
    """A lazy iterator over all cases created or updated since a timestamp, each exactly once.

    It is right whatever the server means by ``since_timestamp`` ("at or after" or "strictly
    after") and wherever it ends a page, even inside a group of cases sharing one
    ``updatedTime``; a group larger than ``page_size`` makes it ask for a larger page (up to
    100). Only when 100 or more cases share one ``updatedTime`` does it stop, raising
    :class:`PaginationError` (92001) after every case it could reach. A case updated again
    while iterating comes again with its newer ``updatedTime`` (an update); the same
    ``(id, updatedTime)`` never comes twice.

    To stop and resume later (e.g. after a restart), save :attr:`cursor` and :attr:`seen`
    after handling a case (both are JSON-friendly), and pass them back::

        cases = client.onetalk.iter_updated_cases(since_timestamp=saved_cursor,
                                                  seen=saved_seen)

    ``since_timestamp`` alone means "updated strictly after it"; with a non-empty ``seen``,
    "at or after it, except those seen". After the iterator is exhausted, :attr:`cursor` and
    :attr:`seen` are where the next poll should start.

    ``fetch_page(since, limit)`` may be any function answering a page's ``data``
    (``{"cases", "hasMore", ...}``); ``iter_updated_cases`` passes none and lets the native
    library fetch through the client. Not for use from several threads at once.
    """

    def __iter__(self) -> "UpdatedCases":
        return self

    def __next__(self) -> Case:
        if self._done:
            raise StopIteration
        if self._client is not None:
            data = _data(self._client._native(self._next_case_call()))
            self.pages_fetched += int(data.get("requests") or 0)
        else:
            data = self._next_fed()
        case = data.get("case")
        if case is None:
            self._done = True
            raise StopIteration
        if not data.get("hasMore"):
            self._done = True
        return case

    def _next_fed(self) -> Dict[str, Any]:
        """The next case through ``fetch_page``: the cursor says what to fetch."""
        assert self._fetch_page is not None
        while not self._buffered:
            if not self._more:
                return {"case": None}
            request = self._call(lambda: self._library.cursor_request(self._cursor))
            page = self._fetch_page(int(request["since_timestamp"]), int(request["limit"]))
            self.pages_fetched += 1
            reply = {"status": 200, "error": {"code": "", "message": "", "field": ""},
                     "data": page}
            encoded = json.dumps(reply, separators=(",", ":")).encode("utf-8")
            fed = self._call(lambda: self._library.cursor_feed(self._cursor, encoded))
            self._buffered = int(fed["buffered"])
            self._more = bool(fed["hasMore"])
        self._buffered -= 1
        return self._call(lambda: self._library.cursor_next_case(self._cursor, None))


class AsyncUpdatedCases(_Cases, AsyncIterator[Case]):
    """:class:`UpdatedCases` for an :class:`~taptalk.AsyncClient`: ``async for case in
    client.onetalk.iter_updated_cases(since_timestamp=...)``. Each page is fetched without
    blocking the event loop; a cancelled task cancels the page's request, and a cancelled page
    moves the cursor nowhere (the next ``__anext__`` asks again). ``state``, ``cursor``,
    ``seen`` and ``has_more`` are as for :class:`UpdatedCases` (they do no I/O)."""

    def __init__(self, since_timestamp: int, page_size: int = 100,
                 seen: Mapping[str, int] = {}, *, client: AsyncCaller) -> None:
        super().__init__(None, since_timestamp, page_size, seen)
        self._async_client = client

    def __aiter__(self) -> "AsyncUpdatedCases":
        return self

    async def __anext__(self) -> Case:
        if self._done:
            raise StopAsyncIteration
        data = _data(await self._async_client._native_async(self._next_case_call()))
        self.pages_fetched += int(data.get("requests") or 0)
        case = data.get("case")
        if case is None:
            self._done = True
            raise StopAsyncIteration
        if not data.get("hasMore"):
            self._done = True
        return case


def _data(envelope: Dict[str, Any]) -> Dict[str, Any]:
    error = envelope.get("error") or {}
    if envelope.get("status") == 200 and not error.get("code"):
        return envelope.get("data") or {}
    raise error_from_envelope(envelope)
