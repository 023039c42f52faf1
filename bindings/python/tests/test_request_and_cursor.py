"""``Client.request`` (raw requests) and ``iter_updated_cases`` over the core cursor against
the sandbox under both readings of ``since_timestamp`` and both page edges."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import taptalk

from conftest import FixedServer, envelope_bytes

# -- raw requests --------------------------------------------------------------------------


def test_a_post_and_a_get_go_out_as_asked(fixed_server: FixedServer) -> None:
    with taptalk.Client(**fixed_server.config()) as client:
        data = client.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone",
                              body={"phone": "6281212345678"})
        assert data == {"success": True, "message": "ok", "id": "fixed-id"}
        envelope = client.request("onetalk", "GET", "/custom/list",
                                  query={"since_timestamp": 5, "q": "a b&c", "skip": None},
                                  raw=True)
        assert envelope["status"] == 200
    assert fixed_server.requests == [
        ("POST", "/api/v1/message/check_whatsapp_phone", {},
         b'{"phone":"6281212345678"}'),
        ("GET", "/custom/list", {"q": "a b&c", "since_timestamp": "5"}, b""),
    ]


@pytest.mark.parametrize("path", [
    "https://evil.example/x", "//evil.example/x", "x", "/a/../b", "/a/%2e%2E/b", "/a%2Fb",
    "/a?x=1", "/a#b", "/a\r\nHost: evil", "/a\x00", "/a b", "/caf\u00e9",
])
def test_paths_that_could_leave_the_host_are_refused_before_sending(
        fixed_server: FixedServer, path: str) -> None:
    with taptalk.Client(**fixed_server.config()) as client:
        with pytest.raises(taptalk.ValidationError) as caught:
            client.request("onetalk", "GET", path)
    assert caught.value.field == "path" and caught.value.code == "40002"
    assert fixed_server.requests == []


def test_bad_arguments_are_refused(fixed_server: FixedServer) -> None:
    with taptalk.Client(**fixed_server.config()) as client:
        with pytest.raises(taptalk.ValidationError) as caught:
            client.request("chattalk", "GET", "/x")
        assert caught.value.field == "product"
        with pytest.raises(taptalk.ValidationError) as caught:
            client.request("onetalk", "PUT", "/x")
        assert caught.value.field == "method"
        with pytest.raises(taptalk.ValidationError) as caught:
            client.request("onetalk", "GET", "/x", query={"a": [1]})
        assert caught.value.field == "query"
        with pytest.raises(TypeError):
            client.request("onetalk", "GET", "/x", body={"a": 1})
        with pytest.raises(TypeError):
            client.request("onetalk", "POST", "/x", query={"a": 1})
        with pytest.raises(taptalk.ConfigError) as config_error:
            client.request("onetalk", "GET", "/x", retry={"max_attempts": 0})
        assert config_error.value.field == "retry.max_attempts"
    with taptalk.Client(sendtalk={"base_url": fixed_server.url, "api_key": "k"}) as client:
        with pytest.raises(taptalk.AuthError):
            client.request("onetalk", "GET", "/x")
    assert fixed_server.requests == []


def busy_then_ok(count: List[int]):
    def handler(method: str, path: str, query: Dict[str, str], body: bytes):
        count[0] += 1
        if count[0] == 1:
            return 503, {}, b"busy"
        return 200, {}, envelope_bytes({"n": count[0]})
    return handler


@pytest.mark.parametrize("method, safe, attempts", [
    ("GET", False, 2),   # a read is retried
    ("POST", False, 1),  # a send is not: 503 without Retry-After may have been processed
    ("POST", True, 2),   # unless the call says it is safe to repeat
])
def test_retries_follow_the_read_and_send_rules(method: str, safe: bool, attempts: int) -> None:
    count = [0]
    server = FixedServer(busy_then_ok(count))
    try:
        with taptalk.Client(**server.config(),
                            retry={"max_attempts": 3, "base_delay_ms": 1}) as client:
            envelope = client.request("sendtalk", method, "/api/x", safe_to_repeat=safe,
                                      raw=True)
        assert count[0] == attempts
        if attempts == 2:
            assert envelope["data"] == {"n": 2}
        else:
            assert (envelope["status"], envelope["error"]["code"]) == (503, "91008")
    finally:
        server.close()


def test_a_request_reaches_the_sandbox_with_the_products_key(client, sandbox) -> None:
    sent = client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text", body="hi")
    status = client.request("sendtalk", "POST", "/api/v1/message/get_status",
                            body={"id": sent["id"]})
    assert status["status"] == "pending"
    logged = sandbox.requests("/api/v1/message/get_status")[-1]
    assert "api-key" in [name.lower() for name in logged["headers"]]


# -- the cursor against the sandbox ----------------------------------------------------------

SETTINGS = [("after", "keep_groups"), ("after", "split_groups"),
            ("at_or_after", "keep_groups"), ("at_or_after", "split_groups")]


def open_groups(client, sandbox, sizes: List[int], first: int = 0) -> List[str]:
    """Opens cases in groups sharing one millisecond of the frozen sandbox clock."""
    ids = []
    phone = first
    for size in sizes:
        sandbox.control("POST", "/_sandbox/clock", {"freeze": True, "advance_ms": 1})
        for _ in range(size):
            phone += 1
            ids.append(client.onetalk.send_whatsapp(
                channel_id="1", phone=f"62814{phone:08d}", message_type="text", body="hi",
                with_case=True, topic_id=1)["caseID"])
    return ids


@pytest.mark.parametrize("reading, edge", SETTINGS)
def test_every_case_once_with_updates_and_a_resume(client, sandbox, reading, edge) -> None:
    sandbox.settings(onetalk_since_reading=reading, onetalk_page_edge=edge)
    ids = open_groups(client, sandbox, [1, 5, 2, 9, 1, 3, 12, 2])
    first = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=4)
    got = [(c["id"], c["updatedTime"]) for c in (next(first) for _ in range(11))]
    # A case already delivered and one still ahead are updated while paging.
    sandbox.control("POST", "/_sandbox/clock", {"advance_ms": 1})
    client.onetalk.update_case(case_id=ids[0], is_junk=True)
    client.onetalk.update_case(case_id=ids[30], is_junk=True)
    saved = json.loads(json.dumps({"cursor": first.cursor, "seen": first.seen}))
    rest = client.onetalk.iter_updated_cases(since_timestamp=saved["cursor"],
                                             seen=saved["seen"], page_size=3)
    got += [(c["id"], c["updatedTime"]) for c in rest]
    assert len(set(got)) == len(got), "nothing delivered twice"
    final = {(c["id"], c["updatedTime"])
             for c in sandbox.control("GET", "/_sandbox/onetalk/cases")["cases"]}
    assert final <= set(got), "the latest state of every case arrived"
    assert [case_id for case_id, _ in got].count(ids[0]) == 2, "the update came again"
    assert rest.state["reading"] in ("auto", "at_or_after")


def test_more_than_100_at_one_time_raises_pagination_error(client, sandbox) -> None:
    sandbox.settings(onetalk_page_edge="split_groups")
    open_groups(client, sandbox, [2, 110, 1])
    cases = client.onetalk.iter_updated_cases(since_timestamp=0, page_size=10)
    got: List[Dict[str, Any]] = []
    with pytest.raises(taptalk.PaginationError) as caught:
        for case in cases:
            got.append(case)
    assert caught.value.code == "92001" and caught.value.status == 502
    assert len(got) == 102 and len({c["id"] for c in got}) == 102
    assert caught.value.envelope["data"]["state"] == cases.state


def test_bad_options_raise_at_once(client, sandbox) -> None:
    with pytest.raises(taptalk.ValidationError) as caught:
        client.onetalk.iter_updated_cases(since_timestamp=-5)
    assert caught.value.field == "since_timestamp"
    with pytest.raises(taptalk.ValidationError) as caught:
        taptalk.UpdatedCases(lambda since, limit: {}, 0, 0)
    assert caught.value.field == "page_size"
