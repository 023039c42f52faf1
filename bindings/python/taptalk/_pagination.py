"""``OneTalk.iter_updated_cases``: every page of the updated-case list, lazily."""

from __future__ import annotations

from collections import deque
from typing import Any, Callable, Deque, Dict, Iterator, Mapping

from .errors import PaginationError

Case = Dict[str, Any]
FetchPage = Callable[[int, int], Dict[str, Any]]


def _updated_time(case: Case) -> int:
    value = case.get("updatedTime")
    return value if isinstance(value, int) else 0


class UpdatedCases(Iterator[Case]):
    """A lazy iterator over all cases created or updated since a timestamp.

    Pages are fetched one at a time (``since_timestamp`` = the cursor, ``limit`` = the page
    size) while the server says ``hasMore``; the next cursor is the page's ``lastTimestamp``.
    A case is never yielded twice at a page boundary: ids already yielded at the boundary
    timestamp are remembered and skipped if a server sends them again.

    To stop and resume later (e.g. after a restart), save :attr:`cursor` and :attr:`seen`
    after handling a case (both are JSON-friendly), and pass them back::

        cases = client.onetalk.iter_updated_cases(since_timestamp=saved_cursor,
                                                  seen=saved_seen)

    :attr:`cursor` only moves past a timestamp once every case sharing it has been yielded,
    so resuming from it never skips a case, and with :attr:`seen` never repeats one. After
    the iterator is exhausted, :attr:`cursor` is where the next poll should start, and
    :attr:`seen` holds the ids at that timestamp (skipped should a server send them again).
    """

    def __init__(self, fetch_page: FetchPage, since_timestamp: int, page_size: int = 100,
                 seen: Mapping[str, int] = {}) -> None:
        self._fetch_page = fetch_page
        self._page_size = page_size
        self._next_since = since_timestamp
        self._cursor = since_timestamp
        # id -> updatedTime of cases already yielded whose updatedTime >= the cursor.
        self._seen: Dict[str, int] = {str(k): int(v) for k, v in seen.items()}
        self._buffer: Deque[Case] = deque()
        self._has_more = True
        self._done = False
        #: How many pages have been fetched so far.
        self.pages_fetched = 0

    @property
    def cursor(self) -> int:
        """The ``since_timestamp`` to resume from (Unix milliseconds)."""
        return self._cursor

    @property
    def seen(self) -> Dict[str, int]:
        """Cases already yielded at or after :attr:`cursor`: ``{case id: updatedTime}``.
        A resumed iterator skips these (unless they come back with a newer updatedTime)."""
        return dict(self._seen)

    @property
    def has_more(self) -> bool:
        """False once the last page has been fetched and every case yielded."""
        return not self._done

    def __iter__(self) -> "UpdatedCases":
        return self

    def __next__(self) -> Case:
        while True:
            while self._buffer:
                case = self._buffer.popleft()
                case_id = str(case.get("id", ""))
                if self._already_seen(case_id, case):
                    self._advance_within_page(case)
                    continue  # a repeat at the boundary
                self._seen[case_id] = _updated_time(case)
                self._advance_within_page(case)
                return case
            if not self._has_more:
                self._done = True
                raise StopIteration
            self._fetch()

    def _already_seen(self, case_id: str, case: Case) -> bool:
        seen_at = self._seen.get(case_id)
        return seen_at is not None and _updated_time(case) <= seen_at

    def _advance_within_page(self, case: Case) -> None:
        """Moves the cursor to this case's time once no case left in the page shares it."""
        stamp = _updated_time(case)
        if self._buffer and _updated_time(self._buffer[0]) == stamp:
            return
        if not self._buffer:
            # The end of a page: the server's lastTimestamp is where the next page starts.
            stamp = max(stamp, self._next_since)
        self._commit(stamp)

    def _commit(self, stamp: int) -> None:
        if stamp > self._cursor:
            self._cursor = stamp
            self._seen = {k: t for k, t in self._seen.items() if t >= stamp}

    def _fetch(self) -> None:
        since = self._next_since
        data = self._fetch_page(since, self._page_size)
        self.pages_fetched += 1
        cases = data.get("cases") or []
        if not isinstance(cases, list):
            cases = []
        has_more = bool(data.get("hasMore"))
        last = data.get("lastTimestamp")
        if not isinstance(last, int):
            last = max([since] + [_updated_time(c) for c in cases])
        fresh = [c for c in cases if not self._already_seen(str(c.get("id", "")), c)]
        if has_more and last <= since and not fresh:
            raise PaginationError(
                f"the server said hasMore but its page at since_timestamp={since} brought "
                "nothing new and did not advance lastTimestamp",
                status=0,
            )
        self._next_since = max(since, last)
        self._has_more = has_more
        self._buffer = deque(c for c in cases if isinstance(c, dict))
        if not self._buffer:
            self._commit(self._next_since)


