"""Every operation against the sandbox, through the real library: what goes on the wire
(vendor field names) and what comes back (``data``, or the envelope with ``raw=True``)."""

from __future__ import annotations

import json
import time

import pytest

import taptalk

PHONE = "6281212345678"


def last_body(sandbox, path):
    requests = sandbox.requests(path)
    assert requests, f"no request reached {path}"
    return requests[-1]["body"]


def test_powertalk_send_custom_message_text(client, sandbox):
    data = client.powertalk.send_custom_message(
        message_type=1001, body="Hi, nice to meet you.", sender_xc_user_id="1",
        recipient_xc_user_id="6", filter_id="f1")
    assert data["success"] is True and len(data["localID"]) == 32
    body = last_body(sandbox, "/v1/server/message/send/custom")
    assert body == {"messageType": 1001, "body": "Hi, nice to meet you.",
                    "senderXCUserID": "1", "recipientXCUserID": "6", "filterID": "f1"}


def test_powertalk_send_custom_message_to_a_room(client, sandbox):
    client.powertalk.send_custom_message(message_type=1001, body="Hello group",
                                         sender_xc_user_id="1", xc_room_id="6A02C41D")
    body = last_body(sandbox, "/v1/server/message/send/custom")
    assert body["xcRoomID"] == "6A02C41D" and "recipientXCUserID" not in body


@pytest.mark.parametrize("data", [
    {"url": "http://www.example.com/img/50a09c1b.jpg", "mediaType": "image/jpeg",
     "size": 131072, "width": 1280, "height": 720, "caption": "Look at this picture!"},
    [{"url": "http://www.example.com/a.jpg"}, {"url": "http://www.example.com/b.jpg"}],
    ({"url": "http://www.example.com/tuple.jpg"},),
    json.dumps({"url": "http://www.example.com/string.jpg"}),
])
def test_powertalk_image_data_accepts_dicts_lists_and_strings(client, sandbox, data):
    client.powertalk.send_custom_message(message_type=1002, body="Image",
                                         sender_xc_user_id="1", recipient_xc_user_id="6",
                                         data=data)
    stored = sandbox.control("GET", "/_sandbox/powertalk/messages")["messages"][-1]
    expected = data if isinstance(data, str) else list(data) if isinstance(data, tuple) else data
    assert json.loads(stored["data"]) == (json.loads(expected) if isinstance(expected, str)
                                          else expected)


def test_powertalk_products_data(client, sandbox):
    products = [{"name": "Tea", "price": "10000", "currency": "IDR"}]
    client.powertalk.send_custom_message(message_type=2001, body="Products",
                                         sender_xc_user_id="1", recipient_xc_user_id="6",
                                         data=products)
    stored = sandbox.control("GET", "/_sandbox/powertalk/messages")["messages"][-1]
    assert json.loads(stored["data"]) == products


def test_powertalk_sync_contacts_in_every_spelling(client, sandbox):
    data = client.powertalk.sync_contacts([
        taptalk.Contact("1", "2"),
        {"owner_xc_user_id": "1", "contact_xc_user_id": "6", "is_deleted": False},
        {"ownerXCUserID": "1", "contactXCUserID": "9", "isDeleted": True},
        taptalk.Contact(owner_xc_user_id="6", contact_xc_user_id="1"),
    ])
    assert data == {"countInserted": 3, "countDeleted": 1}
    body = last_body(sandbox, "/v1/server/contact/sync")
    assert body["contacts"][0] == {"ownerXCUserID": "1", "contactXCUserID": "2"}
    assert body["contacts"][1] == {"ownerXCUserID": "1", "contactXCUserID": "6",
                                   "isDeleted": False}
    pairs = sandbox.control("GET", "/_sandbox/powertalk/contacts")["contacts"]
    assert {(p["ownerXCUserID"], p["contactXCUserID"]) for p in pairs} == {
        ("1", "2"), ("1", "6"), ("6", "1")}


def test_powertalk_sync_contacts_refuses_a_single_mapping(client):
    with pytest.raises(TypeError):
        client.powertalk.sync_contacts({"ownerXCUserID": "1", "contactXCUserID": "2"})


def test_sendtalk_send_and_poll_until_sent(client, sandbox):
    sent = client.sendtalk.send_whatsapp(phone=PHONE, message_type="otp",
                                         body="Your code is 1234")
    assert sent["success"] is True and sent["id"]
    assert last_body(sandbox, "/api/v1/message/send_whatsapp") == {
        "phone": PHONE, "messageType": "otp", "body": "Your code is 1234"}
    deadline = time.monotonic() + 10
    status = client.sendtalk.get_status(id=sent["id"])
    while not status["isSent"] and time.monotonic() < deadline:
        time.sleep(0.02)
        status = client.sendtalk.get_status(id=sent["id"])
    assert status["status"] == "sent" and status["sentTime"] > 0
    assert status["currency"] == "IDR"


def test_sendtalk_image_with_filename_and_caption(client, sandbox):
    client.sendtalk.send_whatsapp(phone=PHONE, message_type="image",
                                  body="http://www.example.com/a.jpg", filename="a.jpg",
                                  caption="This is the photo.")
    assert last_body(sandbox, "/api/v1/message/send_whatsapp") == {
        "phone": PHONE, "messageType": "image", "body": "http://www.example.com/a.jpg",
        "filename": "a.jpg", "caption": "This is the photo."}


def test_onetalk_send_whatsapp_opens_a_case(client, sandbox):
    data = client.onetalk.send_whatsapp(channel_id="2101081881", phone=PHONE,
                                        message_type="text", body="Hi", with_case=True,
                                        topic_id=1)
    assert len(data["caseID"]) == 10
    assert last_body(sandbox, "/api/integration/v1/inbox/send_message_whatsapp") == {
        "channelID": "2101081881", "phone": PHONE, "messageType": "text", "body": "Hi",
        "withCase": True, "topicID": 1}
    cases = sandbox.control("GET", "/_sandbox/onetalk/cases")["cases"]
    assert [c["id"] for c in cases] == [data["caseID"]]


def test_onetalk_send_whatsapp_template(client, sandbox):
    data = client.onetalk.send_whatsapp_template(
        channel_id="2100480937", phone_number_id="103011859190563", phone=PHONE,
        template_name="greetings_v1", language_code="en",
        parameters={"header": [{"name": "variable_name", "value": "Good Morning"}],
                    "body": {"name": "John", "office_hours": "09:00 - 17:00"},
                    "footer": [], "buttons": {"url_0": "1d-1"}},
        with_case=True, topic_id=1)
    assert data["caseID"]
    body = last_body(sandbox, "/api/integration/v1/inbox/send_templated_message_whatsappba")
    assert body["phoneNumberID"] == "103011859190563"
    assert body["templateName"] == "greetings_v1" and body["languageCode"] == "en"
    assert body["parameters"] == {
        "header": [{"name": "variable_name", "value": "Good Morning"}],
        "body": [{"name": "name", "value": "John"},
                 {"name": "office_hours", "value": "09:00 - 17:00"}],
        "footer": [],
        "buttons": [{"name": "url_0", "value": "1d-1"}],
    }


def test_onetalk_get_updated_cases_and_update_case(client, sandbox):
    before = int(time.time() * 1000) - 60_000
    case_id = client.onetalk.send_whatsapp(channel_id="1", phone=PHONE, message_type="text",
                                           body="Hi", with_case=True)["caseID"]
    page = client.onetalk.get_updated_cases(since_timestamp=before, limit=10)
    assert [c["id"] for c in page["cases"]] == [case_id]
    assert page["hasMore"] is False
    assert page["lastTimestamp"] == page["cases"][0]["updatedTime"]
    query = sandbox.requests("/api/integration/v1/inbox/case/get_updated_list")[-1]["query"]
    assert f"since_timestamp={before}" in query and "limit=10" in query

    data = client.onetalk.update_case(case_id=case_id, agent_remark="spam", is_junk=True)
    assert data == {"success": True, "message": "Case updated successfully"}
    assert last_body(sandbox, "/api/integration/v1/inbox/case/update") == {
        "caseID": case_id, "agentRemark": "spam", "isJunk": True}
    case = client.onetalk.get_updated_cases(since_timestamp=before)["cases"][0]
    assert case["isJunk"] is True and case["agentRemark"] == "spam"


def test_raw_returns_the_whole_envelope_on_success_and_failure(client):
    ok = client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi", raw=True)
    assert ok["status"] == 200 and ok["error"]["code"] == "" and ok["data"]["id"]
    missing = client.sendtalk.get_status(id="no-such-id", raw=True)
    assert missing["status"] == 404 and missing["error"]["code"] == "40401"
    invalid = client.onetalk.update_case(case_id="", raw=True)
    assert invalid["error"] == {"code": "40002", "message": "Case ID is required",
                                "field": "caseID"}


def test_unknown_keyword_arguments_are_a_type_error(client):
    with pytest.raises(TypeError):
        client.sendtalk.send_whatsapp(phone=PHONE, messageType="text", body="hi")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.onetalk.update_case(case_id="x", junk=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.sendtalk.send_whatsapp(PHONE, "text", "hi")  # type: ignore[misc]


def test_none_valued_arguments_are_left_out(client, sandbox):
    client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi",
                                  filename=None, caption=None)
    assert last_body(sandbox, "/api/v1/message/send_whatsapp") == {
        "phone": PHONE, "messageType": "text", "body": "hi"}


def test_generic_call_by_operation_name(client):
    data = client.call("sendtalk_send_whatsapp",
                       {"phone": PHONE, "messageType": "text", "body": "hi"})
    assert data["success"] is True
    # The library decides which names exist: an unknown one is its 90001, a UsageError
    # like every other wrong call (ValueError before), or that envelope with raw=True.
    with pytest.raises(taptalk.UsageError) as caught:
        client.call("sendtalk_nope", {})
    assert (caught.value.code, caught.value.status) == ("90001", 400)
    # The rest of the message (the known names) is the library's, tested in Rust.
    assert caught.value.message.startswith("Unknown operation 'sendtalk_nope'")
    envelope = client.call("sendtalk_nope", {}, raw=True)
    assert envelope["error"]["code"] == "90001" and envelope["status"] == 400
    with pytest.raises(taptalk.UsageError) as caught:
        client.call("sendtalk_get_status\x00", {"id": "x"})
    assert caught.value.code == "90001"
    assert client.envelope("nope", {})["error"]["code"] == "90001"


def test_non_ascii_text_travels_intact(client, sandbox):
    body = "Halo 👋 ÄÖÜ 日本語"
    client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body=body)
    assert last_body(sandbox, "/api/v1/message/send_whatsapp")["body"] == body
