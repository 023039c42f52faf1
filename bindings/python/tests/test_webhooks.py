"""taptalk.webhooks.parse on the vendor's sample payloads (typed events, both forms of each
documented type conflict, unknown types passing through, every refusal), and the chatbot's
actions (client.chatbot) on the wire with OneTalk's plain-text replies."""

from __future__ import annotations

import json
import os

import pytest

from conftest import REPO, FixedServer

import taptalk
from taptalk import webhooks

SAMPLES = os.path.join(REPO, "tests", "data", "webhooks")
SECRET = "chatbot-secret-0123"
HEADERS = {"Content-Type": "application/json", "X-Secret-Key": SECRET}


def sample(name: str) -> bytes:
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


def test_every_vendor_sample_parses_into_its_typed_event():
    classes = {
        "onetalk_integration_message_status.json": webhooks.MessageStatus,
        "onetalk_case_resolved.json": webhooks.CaseResolved,
        "chatbot_text.json": webhooks.ChatbotMessage,
        "chatbot_location.json": webhooks.ChatbotMessage,
        "chatbot_interactive.json": webhooks.ChatbotMessage,
        "chatbot_video_as_image.json": webhooks.ChatbotMessage,
        "channel_message.json": webhooks.ChannelMessage,
        "channel_case_closed.json": webhooks.ChannelCaseClosed,
        "powertalk_message.json": webhooks.PowerTalkMessage,
    }
    assert sorted(classes) == sorted(f for f in os.listdir(SAMPLES) if f.endswith(".json"))
    for name, cls in classes.items():
        secret = SECRET if name.startswith(("chatbot", "channel")) else None
        event = webhooks.parse(HEADERS, sample(name), secret=secret)
        assert type(event) is cls, name
        assert event.verified is (secret is not None)
        assert event.key and event.raw


def test_the_typed_fields_are_normalised():
    status = webhooks.parse(HEADERS, sample("onetalk_integration_message_status.json"))
    assert status == webhooks.MessageStatus(
        callback="onetalk", type="integration_message_status",
        key="onetalk:integration_message_status:000000-0000-0000-0000-000000:"
            "acknowledge|delivered|read|failed",
        verified=False, raw=status.raw, organization_id="1111",
        trx_id="000000-0000-0000-0000-000000", status="acknowledge|delivered|read|failed",
        timestamp=1587352926788, channel_id="0123456", channel_type="whatsapp|whatsappba",
        contact_phone="628123456789", reason="...")
    case = webhooks.parse(HEADERS, sample("onetalk_case_resolved.json"))
    assert (case.case_id, case.topic_id, case.resolved_time, case.is_junk) == \
        ("958CCF3BB6", "1", 1615305000000, False)
    message = webhooks.parse(HEADERS, sample("chatbot_location.json"), secret=SECRET)
    assert message.sender == webhooks.Sender(customer_user_id="user:6281234567890", phone="",
                                             contact_name="John Doe")
    assert message.message.location == webhooks.Location(
        latitude=-6.1972252057581, longitude=106.76131798074, address="...", name="")
    assert message.message.text is None and message.message.timestamp == 0
    button = webhooks.parse(HEADERS, sample("chatbot_interactive.json"), secret=SECRET)
    assert button.message.text == "Talk to agent"
    assert button.message.whatsappba["interactive"]["button_reply"]["id"] == "/agent"
    powertalk = webhooks.parse(HEADERS, sample("powertalk_message.json"))
    assert (powertalk.sender_user_id, powertalk.message_type, powertalk.room_id) == \
        ("7", 1001, "2-7")


def test_each_documented_type_conflict_reads_the_same_in_both_forms():
    video = webhooks.parse(HEADERS, sample("chatbot_video_as_image.json"), secret=SECRET)
    as_video = json.loads(sample("chatbot_video_as_image.json"))
    as_video["message"]["video"] = as_video["message"].pop("image")
    table_form = webhooks.parse(HEADERS, json.dumps(as_video), secret=SECRET)
    assert video.message.video == table_form.message.video == webhooks.Media(
        url="https://example.com/video.mp4", caption="A video")
    assert video.message.image is None
    case = json.loads(sample("onetalk_case_resolved.json"))
    case["caseResolved"]["topicID"] = "1"
    assert webhooks.parse({}, json.dumps(case)).topic_id == "1"
    pt = json.loads(sample("powertalk_message.json"))
    pt["user"]["userID"] = "7"
    assert webhooks.parse({}, json.dumps(pt)).sender_user_id == "7"


def test_unknown_types_and_fields_pass_through():
    body = {"type": "case_created", "organizationID": 5, "caseCreated": {"caseID": "C5"}}
    event = webhooks.parse({}, json.dumps(body))
    assert type(event) is webhooks.UnknownEvent
    assert (event.callback, event.type, event.raw) == ("onetalk", "case_created", body)
    extra = json.loads(sample("onetalk_integration_message_status.json"))
    extra["integrationMessageStatus"]["errorCode"] = 131026
    assert webhooks.parse({}, json.dumps(extra)).raw["integrationMessageStatus"]["errorCode"] \
        == 131026


def test_headers_come_as_a_mapping_or_pairs_and_a_repeated_secret_is_refused():
    body = sample("chatbot_text.json")
    assert webhooks.parse({"x-secret-key": SECRET}, body, secret=SECRET).verified
    assert webhooks.parse([("X-SECRET-KEY", SECRET)], body, secret=SECRET.encode()).verified
    with pytest.raises(webhooks.WebhookSecretError) as repeated:
        webhooks.parse([("X-Secret-Key", SECRET), ("x-secret-key", "other")], body, secret=SECRET)
    assert (repeated.value.code, repeated.value.status) == ("93002", 401)


@pytest.mark.parametrize("headers, body, secret, kwargs, cls, code, status", [
    ({}, "chatbot_text.json", SECRET, {}, taptalk.WebhookSecretError, "93001", 401),
    ({"X-Secret-Key": "wrong"}, "chatbot_text.json", SECRET, {}, taptalk.WebhookSecretError,
     "93002", 401),
    ({}, "chatbot_text.json", None, {}, taptalk.WebhookSecretError, "93003", 500),
    ({}, b"{not json", None, {}, taptalk.WebhookError, "93004", 400),
    ({}, b'{"type": "a", "type": "b"}', None, {}, taptalk.WebhookError, "93004", 400),
    ({}, b"\xff\xfe", None, {}, taptalk.WebhookError, "93004", 400),
    ({}, "onetalk_case_resolved.json", None, {"max_body_bytes": 10}, taptalk.WebhookError,
     "93005", 413),
    ({}, b'{"hello": 1}', None, {}, taptalk.WebhookError, "93006", 400),
    ({}, b'{"type": "case_resolved", "caseResolved": {"isJunk": "maybe"}}', None, {},
     taptalk.WebhookError, "93007", 400),
])
def test_refusals_raise_the_packages_errors_with_the_status_to_answer(headers, body, secret,
                                                                      kwargs, cls, code,
                                                                      status):
    data = sample(body) if isinstance(body, str) else body
    with pytest.raises(cls) as refused:
        webhooks.parse(headers, data, secret=secret, **kwargs)
    assert (refused.value.code, refused.value.status) == (code, status)
    assert isinstance(refused.value, taptalk.TapTalkError)
    assert SECRET not in str(refused.value) and "wrong" not in str(refused.value)


def test_a_secret_with_nul_is_a_usage_error():
    with pytest.raises(taptalk.UsageError):
        webhooks.parse({}, b"{}", secret="a\0b")


def plain_text(status: int, text: str):
    return lambda method, path, query, body: (status, {"Content-Type": "text/plain"},
                                              text.encode())


def chatbot_client(server: FixedServer) -> taptalk.Client:
    return taptalk.Client(chatbot={"base_url": server.url, "organization_id": 42,
                                   "chatbot_id": "bot-1", "secret_key": SECRET},
                          retry={"max_attempts": 1})


def test_chatbot_actions_on_the_wire():
    server = FixedServer(plain_text(200, "ok"))
    try:
        with chatbot_client(server) as client:
            assert client.chatbot.send_text(case_id="C1", text="Hi") == \
                {"success": True, "message": "ok"}
            client.chatbot.handover_case(case_id="C1", topic_id=3, summary="refund")
            client.chatbot.close_case(case_id="C1", send_closing_message=True)
            client.chatbot.update_case(case_id="C1", is_junk=False)
            client.chatbot.update_contact(case_id="C1", alias="Budi",
                                          custom_fields={"tier": "gold"})
        path = "/api/visitor/v1/webhook/chatbot/custom/42/bot-1"
        assert [(m, p) for m, p, _, _ in server.requests] == [("POST", path)] * 5
        assert [json.loads(b) for _, _, _, b in server.requests] == [
            {"caseID": "C1", "eventType": "messages",
             "messages": [{"type": "text", "text": {"body": "Hi"}}]},
            {"caseID": "C1", "eventType": "handover_case",
             "handoverCase": {"topicID": 3, "chatbotHandoverSummary": "refund"}},
            {"caseID": "C1", "eventType": "close_case", "closeCase": {"sendClosingMessage": True}},
            {"caseID": "C1", "eventType": "update_case", "updateCase": {"isJunk": False}},
            {"caseID": "C1", "eventType": "update_contact",
             "updateContact": {"alias": "Budi", "customFields": {"tier": "gold"}}},
        ]
    finally:
        server.close()


@pytest.mark.parametrize("status, text, cls", [
    (401, "secret key is invalid", taptalk.AuthError),
    (400, "case id is required", taptalk.ValidationError),
    (500, "internal server error", taptalk.ServerError),
])
def test_chatbot_refusals_raise_by_their_http_status(status, text, cls):
    server = FixedServer(plain_text(status, text))
    try:
        with chatbot_client(server) as client, pytest.raises(cls) as refused:
            client.chatbot.close_case(case_id="C1")
        assert (refused.value.status, refused.value.code) == (status, "93010")
        assert refused.value.message.endswith(f"'{text}'")
    finally:
        server.close()
