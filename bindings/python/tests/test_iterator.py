"""``iter_updated_cases``: every case exactly once across many pages, with shared
timestamps, against the sandbox and against scripted pages from a fixed-reply server."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest

import taptalk
from taptalk import UpdatedCases

from conftest import FixedServer, envelope_bytes


def open_cases(client, count: int) -> List[str]:
    """Opens cases from 8 threads at once, so that many share a millisecond."""
    def one(n: int) -> str:
        return client.onetalk.send_whatsapp(channel_id="1", phone=f"62812{n:08d}",
                                            message_type="text", body=f"hello {n}",
                                            with_case=True, topic_id=1)["caseID"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.parametrize("page_size", [1, 3, 7, 100])
def test_every_case_exactly_once_across_pages_in_the_sandbox(client, sandbox, page_size):
    ids = open_cases(client, 150)
    stamps = Counter(c["updatedTime"] for c in
                     sandbox.control("GET", "/_sandbox/onetalk/cases")["cases"])
    # Cases are opened much faster than one per millisecond: many share a timestamp.
    assert max(stamps.values()) > 1

    cases = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=page_size)
    seen = [c["id"] for c in cases]
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    # A page holds whole timestamp groups: at most page_size of them (a group larger than
    # page_size comes alone), so there are at least ceil(groups / page_size) pages.
    assert cases.pages_fetched >= -(-len(stamps) // page_size)
    assert cases.cursor == max(stamps)
    # A later poll from the cursor finds nothing new, then finds an update.
    again = client.onetalk.iter_updated_cases(since_timestamp=cases.cursor,
                                              seen=cases.seen)
    assert list(again) == []
    client.onetalk.update_case(case_id=ids[5], is_junk=True)
    updated = list(client.onetalk.iter_updated_cases(since_timestamp=cases.cursor))
    assert [c["id"] for c in updated] == [ids[5]] and updated[0]["isJunk"] is True


def test_resume_from_the_cursor_mid_iteration_in_the_sandbox(client, sandbox):
    ids = open_cases(client, 60)
    first = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=4)
    taken = [next(first)["id"] for _ in range(23)]
    saved = json.loads(json.dumps({"cursor": first.cursor, "seen": first.seen}))
    rest = client.onetalk.iter_updated_cases(since_timestamp=saved["cursor"], page_size=9,
                                             seen=saved["seen"])
    remaining = [c["id"] for c in rest]
    assert sorted(taken + remaining) == sorted(ids)
    assert len(set(taken + remaining)) == len(ids)


def test_the_iterator_is_lazy(client, sandbox):
    open_cases(client, 5)
    cases = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=1)
    assert cases.pages_fetched == 0
    next(cases)
    assert 1 <= cases.pages_fetched <= 2


def test_errors_surface_from_the_iterator(client, sandbox):
    sandbox.settings(onetalk_tier="none")
    with pytest.raises(taptalk.TierError):
        next(client.onetalk.iter_updated_cases(since_timestamp=0))
    with pytest.raises(taptalk.ValidationError):
        next(client.onetalk.iter_updated_cases(since_timestamp=0, page_size=500))


# -- scripted pages ------------------------------------------------------------------------

def case(case_id: str, stamp: int) -> Dict[str, Any]:
    return {"id": case_id, "updatedTime": stamp, "isJunk": False}


class ScriptedServer:
    """Answers get_updated_list from a case list with a configurable paging rule."""

    def __init__(self, cases: List[Dict[str, Any]], inclusive: bool = False,
                 split_groups: bool = False) -> None:
        self.cases = sorted(cases, key=lambda c: c["updatedTime"])
        self.inclusive = inclusive
        self.split_groups = split_groups
        self.server = FixedServer(self.answer)
        self.client = taptalk.Client(onetalk={"base_url": self.server.url, "api_key": "k"})

    def answer(self, method, path, query, body):
        since, limit = int(query["since_timestamp"]), int(query["limit"])
        newer = [c for c in self.cases if c["updatedTime"] > since]
        page = newer[:limit]
        if not self.split_groups and len(newer) > limit:
            cut = newer[limit]["updatedTime"]
            page = [c for c in page if c["updatedTime"] != cut] or \
                [c for c in newer if c["updatedTime"] == cut]
        last = page[-1]["updatedTime"] if page else since
        if self.inclusive:  # also repeats the cases at exactly since_timestamp
            page = [c for c in self.cases if c["updatedTime"] == since] + page
        has_more = bool(newer) and newer[-1]["updatedTime"] > last
        data = {"cases": page, "hasMore": has_more, "lastTimestamp": last}
        return 200, {}, envelope_bytes(data)

    def close(self):
        self.client.close()
        self.server.close()


def many_shared_timestamps() -> List[Dict[str, Any]]:
    cases = []
    n = 0
    for stamp, size in [(1000, 1), (1001, 5), (1002, 2), (1005, 13), (1006, 1), (1007, 4),
                        (1010, 3), (1011, 30), (1012, 2)]:
        for _ in range(size):
            cases.append(case(f"C{n:04d}", stamp))
            n += 1
    return cases


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5, 10, 100])
def test_scripted_pages_with_shared_timestamps(page_size):
    cases = many_shared_timestamps()
    scripted = ScriptedServer(cases)
    try:
        it = scripted.client.onetalk.iter_updated_cases(since_timestamp=0,
                                                        page_size=page_size)
        got = [c["id"] for c in it]
        assert got == [c["id"] for c in cases]
        assert it.cursor == 1012 and not it.has_more
        assert it.seen == {"C0059": 1012, "C0060": 1012}  # the boundary group
    finally:
        scripted.close()


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 100])
def test_an_inclusive_server_repeating_the_boundary_is_deduplicated(page_size):
    cases = many_shared_timestamps()
    scripted = ScriptedServer(cases, inclusive=True)
    try:
        got = [c["id"] for c in scripted.client.onetalk.iter_updated_cases(
            since_timestamp=0, page_size=page_size)]
        assert got == [c["id"] for c in cases]
    finally:
        scripted.close()


def test_resume_at_every_position_never_skips_or_repeats():
    cases = many_shared_timestamps()
    scripted = ScriptedServer(cases)
    try:
        expected = [c["id"] for c in cases]
        for stop_after in range(len(cases) + 1):
            it = scripted.client.onetalk.iter_updated_cases(since_timestamp=0, page_size=4)
            first = [next(it)["id"] for _ in range(stop_after)]
            resumed = scripted.client.onetalk.iter_updated_cases(
                since_timestamp=it.cursor, page_size=3, seen=it.seen)
            rest = [c["id"] for c in resumed]
            assert first + rest == expected, stop_after
    finally:
        scripted.close()


def test_an_updated_case_comes_back_with_its_new_time():
    fetches: List[Dict[str, Any]] = [
        {"cases": [case("A", 10), case("B", 10)], "hasMore": True, "lastTimestamp": 10},
        {"cases": [case("B", 10), case("C", 11), case("A", 12)], "hasMore": False,
         "lastTimestamp": 12},
    ]
    it = UpdatedCases(lambda since, limit: fetches.pop(0), 0, 2)
    assert [(c["id"], c["updatedTime"]) for c in it] == [("A", 10), ("B", 10), ("C", 11),
                                                          ("A", 12)]
    assert it.cursor == 12


def test_no_progress_is_an_error_not_an_endless_loop():
    page = {"cases": [case("A", 10)], "hasMore": True, "lastTimestamp": 10}
    it = UpdatedCases(lambda since, limit: page, 10, 1, seen={"A": 10})
    with pytest.raises(taptalk.PaginationError):
        next(it)


def test_an_empty_first_page_keeps_the_cursor():
    it = UpdatedCases(lambda since, limit: {"cases": [], "hasMore": False,
                                            "lastTimestamp": since}, 1234, 10)
    assert list(it) == [] and it.cursor == 1234 and it.pages_fetched == 1
