"""The library's operation table and error codes as this package follows them, and the seven
further operations against the sandbox through the real library."""

from __future__ import annotations

import inspect
import os
import re
import typing

import pytest

import taptalk
from taptalk import errors

from conftest import REPO

PHONE = "6281212345678"


def last_body(sandbox, path):
    requests = sandbox.requests(path)
    assert requests, f"no request reached {path}"
    return requests[-1]["body"]


# Public methods of a namespace that are not operations of the table: helpers over one.
HELPERS = {"onetalk": {"iter_updated_cases"}, "chatbot": {"send_text"}}


def test_the_namespaces_hold_exactly_the_operations_of_the_library(client):
    # The library's own table (tt_operations()), not a count written here.
    table = taptalk._native.library().operation_table
    products = {row["product"] for row in table}
    assert products == {"powertalk", "sendtalk", "onetalk", "chatbot"}
    for product in products:
        namespace = getattr(client, product)
        methods = {name for name in dir(namespace) if not name.startswith("_")
                   and callable(getattr(namespace, name))}
        wanted = {row["name"].split("_", 1)[1] for row in table if row["product"] == product}
        assert methods - HELPERS.get(product, set()) == wanted, product
    # And the client has no other namespace.
    namespaces = {name for name in dir(client) if not name.startswith("_")
                  and isinstance(getattr(client, name), taptalk._base._Product)}
    assert namespaces == products


def test_every_operation_of_the_library_has_a_typed_method(client):
    table = client.operations
    assert list(table) == [row["name"] for row in taptalk._native.library().operation_table]
    for name, row in table.items():
        product, method_name = name.split("_", 1)
        assert row["product"] == product and row["export"] == "tt_" + name
        method = getattr(getattr(client, product), method_name, None)
        assert callable(method), f"no method client.{product}.{method_name}"
        hints = typing.get_type_hints(method)
        parameters = [p for p in inspect.signature(method).parameters.values()
                      if p.kind is not p.VAR_KEYWORD]
        for parameter in parameters:
            assert parameter.name in hints, f"{name}: {parameter.name} has no type"
        assert hints.get("return") is not None, f"{name}: no return type"
        doc = inspect.getdoc(method) or ""
        assert f"({row['method']} {row['path']}" in " ".join(doc.split()), \
            f"{name}: the docstring must name {row['method']} {row['path']}"


def test_python_exceptions_follow_the_libraries_error_codes():
    header = open(os.path.join(REPO, "include", "taptalk.h"), encoding="utf-8").read()
    constants = dict(re.findall(r"^\s+(TT_ERR_[A-Z_]+) = (\d+),$", header, re.M))
    assert len(constants) >= 16 and constants["TT_ERR_OUTCOME_UNKNOWN"] == "91010"
    for name, number in constants.items():
        assert number in errors._BY_CODE, f"{name} ({number}) has no Python exception"
    local = {code for code in errors._BY_CODE if code.startswith("9") or code in ("40001",
                                                                                  "40002")}
    assert local == set(constants.values()), "a Python code the library does not define"


def test_powertalk_users_rooms_and_tickets(client, sandbox):
    data = client.powertalk.update_user(xc_user_id="ana", full_name="Ana", email="a@x.io")
    assert data["userID"]
    assert last_body(sandbox, "/v1/server/user/update") == {
        "xcUserID": "ana", "fullName": "Ana", "email": "a@x.io"}
    client.powertalk.update_user(xc_user_id="budi", full_name="Budi")
    room = client.powertalk.create_or_update_room(
        xc_room_id="team", room_type=2, name="Team", tags=("a",),
        participant_xc_user_ids=["ana", "budi"])["room"]
    assert room["participantXCUserIDs"] == ["ana", "budi"]
    assert last_body(sandbox, "/v1/server/room/create_or_update") == {
        "xcRoomID": "team", "type": 2, "name": "Team", "tags": ["a"],
        "participantXCUserIDs": ["ana", "budi"]}
    rooms = sandbox.control("GET", "/_sandbox/powertalk/rooms")["rooms"]
    assert [r["xcRoomID"] for r in rooms] == ["team"]
    with pytest.raises(taptalk.NotFoundError) as caught:
        client.powertalk.create_or_update_room(xc_room_id="deal", room_type=4, name="Deal",
                                               participant_xc_user_ids=["nobody"])
    assert caught.value.field == "107"
    first = client.powertalk.request_auth_ticket(
        user_ip_address="203.0.113.9", user_agent="app/1", user_platform="web",
        user_device_id="d1", xc_user_id="ana", full_name="Ana")["ticket"]
    second = client.powertalk.request_auth_ticket(
        user_ip_address="203.0.113.9", user_agent="app/1", user_platform="web",
        user_device_id="d1", xc_user_id="ana", full_name="Ana")["ticket"]
    assert first != second
    check = sandbox.control("POST", "/_sandbox/auth_tickets/check", {"ticket": first})
    assert check["isValid"] is True


def test_powertalk_refusals_name_the_numbered_field(client):
    with pytest.raises(taptalk.ValidationError) as caught:
        client.powertalk.create_or_update_room(xc_room_id="r", room_type=3, name="n")
    assert (caught.value.field, caught.value.message) == (
        "102", "Param 'type' is invalid: use 2 (group) or 4 (transaction)")
    with pytest.raises(taptalk.ValidationError) as caught:
        client.powertalk.request_auth_ticket(
            user_ip_address="1.2.3.4", user_agent="a", user_platform="windows",
            user_device_id="d", xc_user_id="u", full_name="n")
    assert caught.value.field == "103"


def test_sendtalk_check_phone_and_the_vendor_example_verification(client, sandbox):
    sandbox.settings(invalid_recipients=["6281200000000"])
    assert client.sendtalk.check_whatsapp_phone(phone=PHONE)["isRegistered"] is True
    assert client.sendtalk.check_whatsapp_phone(phone="6281200000000")["isRegistered"] is False
    sent = client.sendtalk.create_whatsapp_verification(
        user_phone=PHONE, language_code="en", expiry_minutes=10, app_url="")
    assert sent["success"] is True
    assert last_body(sandbox, "/api/v1/verification/create_whatsapp_verification") == {
        "userPhone": PHONE, "languageCode": "en", "expiryMinutes": 10, "appURL": ""}
    stored = sandbox.control("GET", "/_sandbox/sendtalk/verifications")["verifications"]
    assert [v["id"] for v in stored] == [sent["id"]]
    with pytest.raises(taptalk.ValidationError) as caught:
        client.sendtalk.create_whatsapp_verification(user_phone=PHONE, language_code="fr")
    assert caught.value.field == "languageCode"


def test_onetalk_customer_users_and_tickets(client, sandbox):
    client.onetalk.sync_user_contact(customer_user_id="c1", full_name="Citra", phone=PHONE)
    ticket = client.onetalk.request_user_auth_ticket(customer_user_id="c1",
                                                     full_name="Citra")["ticket"]
    assert last_body(sandbox, "/api/integration/v1/user/request_auth_ticket") == {
        "customerUserID": "c1", "fullName": "Citra"}
    users = sandbox.control("GET", "/_sandbox/onetalk/users")["users"]
    assert [(u["customerUserID"], u["phone"]) for u in users] == [("c1", PHONE)]
    tickets = sandbox.control("GET", "/_sandbox/auth_tickets")["tickets"]
    assert [t["ticket"] for t in tickets] == [ticket]
    with pytest.raises(taptalk.ValidationError) as caught:
        client.onetalk.sync_user_contact(customer_user_id="x" * 101, full_name="n")
    assert caught.value.message == "Customer user ID is invalid: use 1 to 100 characters"


def test_call_by_name_takes_the_one_spelling(client):
    data = client.call("sendtalk_check_whatsapp_phone", {"phone": PHONE},
                       retry={"max_attempts": 1})
    assert data["isRegistered"] is True
