"""Receiving TapTalk's webhooks: verify and parse what a web framework hands a handler.

::

    from taptalk import webhooks

    @app.post("/taptalk/chatbot")                    # Flask
    def chatbot():
        try:
            event = webhooks.parse(request.headers, request.get_data(), secret=CHATBOT_SECRET)
        except webhooks.WebhookError as error:
            return "", error.status                   # 401 wrong secret, 400 bad body, ...
        if not seen_before(event.key):               # TapTalk may send an event twice
            queue.put(event)                          # work later: answer 200 now
        return "", 200

The parsing is the native library's (``tt_webhook_parse``): the body is read as standard
JSON with no key given twice, the ``X-Secret-Key`` header is compared with ``secret`` in
constant time, ids come back as strings and times as integer Unix milliseconds whatever form
the vendor used, and an event type this package does not know comes back as
:class:`UnknownEvent`, never as an error. Neither the secret nor the body is logged.

**Answer 200 at once and do the work afterwards.** TapTalk waits for the reply, retries a
callback that is slow or not 2xx, and holds the callbacks queued behind it meanwhile (a slow
chatbot delays every later message of the channel). **Be idempotent**: TapTalk promises
neither one delivery nor order; skip an event whose :attr:`Event.key` you have handled (a
message status is keyed by ``trxID`` and status, a resolved case by ``caseID``, a chatbot
message by its message id).
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _native
from ._base import JSONDict
from .errors import UsageError, WebhookError, WebhookSecretError, error_from_envelope

__all__ = [
    "parse", "Event", "MessageStatus", "CaseResolved", "ChatbotMessage", "ChannelMessage",
    "ChannelCaseClosed", "PowerTalkMessage", "UnknownEvent", "Sender", "InboundMessage", "Media",
    "Location", "WebhookError", "WebhookSecretError", "SECRET_HEADER",
]

#: The header TapTalk sets on the calls it makes to a chatbot or custom channel URL.
SECRET_HEADER = "X-Secret-Key"

Headers = Union[Mapping[str, Any], Iterable[Tuple[str, str]]]


@dataclass(frozen=True)
class Event:
    """A parsed webhook. Every event has these; the subclass adds the event's own fields.

    Attributes:
        callback: who called: ``"onetalk"`` (the organisation webhook), ``"chatbot"`` (a
            custom chatbot's inbound message), ``"channel"`` (a custom channel's outbound
            message) or ``"powertalk"`` (a PowerTalk message).
        type: the event type, e.g. ``"integration_message_status"``.
        key: a stable key of this event: skip an event whose key you have handled.
        verified: whether ``X-Secret-Key`` was checked against a secret.
        raw: the normalised event as a dict, vendor field names, unknown fields included.
    """

    callback: str
    type: str
    key: str
    verified: bool
    raw: JSONDict = field(repr=False)


@dataclass(frozen=True)
class MessageStatus(Event):
    """OneTalk ``integration_message_status``: a message sent with the OneTalk Integration
    API changed status: ``acknowledge`` (WhatsApp took it), ``delivered``, ``read`` or
    ``failed`` (then ``reason`` says why)."""

    organization_id: str
    trx_id: str
    status: str
    timestamp: int
    channel_id: str
    channel_type: str
    contact_phone: str
    reason: str


@dataclass(frozen=True)
class CaseResolved(Event):
    """OneTalk ``case_resolved``: a case was resolved. Times are Unix milliseconds (0: not set)."""

    organization_id: str
    case_id: str
    channel_type: str
    channel_id: str
    topic_id: str
    topic_name: str
    assignee_type: str
    chatbot_id: str
    chatbot_name: str
    agent_email: str
    agent_full_name: str
    is_junk: bool
    agent_remark: str
    created_time: int
    counter_start_time: int
    first_response_time: int
    resolved_time: int


@dataclass(frozen=True)
class Sender:
    """Who wrote to the chatbot: ``phone`` for WhatsApp channels, ``customer_user_id`` for
    customers known to OneTalk."""

    customer_user_id: str
    phone: str
    contact_name: str


@dataclass(frozen=True)
class Media:
    """A document, image or video: ``filename`` is set for documents only."""

    url: str
    caption: str
    filename: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    address: str
    name: str


@dataclass(frozen=True)
class InboundMessage:
    """The customer's message: ``type`` says which of ``text``, ``document``, ``image``,
    ``video``, ``location`` is set; ``whatsappba`` holds a WhatsApp Business button or list
    reply as the vendor sends it (``text`` is then its title)."""

    id: str
    type: str
    timestamp: int
    text: Optional[str]
    document: Optional[Media]
    image: Optional[Media]
    video: Optional[Media]
    location: Optional[Location]
    whatsappba: Optional[JSONDict]


@dataclass(frozen=True)
class ChatbotMessage(Event):
    """A customer's message to a custom chatbot; answer with ``client.chatbot.send_text(
    case_id=event.case_id, ...)``."""

    case_id: str
    channel_type: str
    channel_id: str
    channel_name: str
    sender: Sender
    message: InboundMessage


@dataclass(frozen=True)
class ChannelMessage(Event):
    """An agent's (or chatbot's) message for a custom channel to deliver to ``chat_id``.
    The channel answers with ``{"success": true, "message": {"messageID": ...}}``."""

    chat_id: str
    message_type: str
    text: Optional[str]
    document: Optional[Media]
    image: Optional[Media]
    video: Optional[Media]
    reply_to_message_id: str
    custom_data: str


@dataclass(frozen=True)
class ChannelCaseClosed(Event):
    """A case of a custom channel's chat was closed."""

    chat_id: str
    case_id: str


@dataclass(frozen=True)
class PowerTalkMessage(Event):
    """A PowerTalk chat message: ``message_type`` 1001 text, 1002 image, ... (``data`` is
    the JSON string the vendor sends for media and custom types)."""

    message_id: str
    local_id: str
    message_type: int
    type_name: str
    body: str
    data: str
    room_id: str
    room_name: str
    room_type: int
    sender_user_id: str
    sender_xc_user_id: str
    sender_fullname: str
    recipient_id: str
    action: str
    is_delivered: bool
    is_read: bool
    is_deleted: bool
    created: int
    updated: int


@dataclass(frozen=True)
class UnknownEvent(Event):
    """An event type this package does not know (TapTalk added one): ``raw`` is the body
    as it came."""


def parse(headers: Headers, body: Union[bytes, bytearray, memoryview, str],
          secret: Optional[Union[str, bytes]] = None, *,
          max_body_bytes: Optional[int] = None) -> Event:
    """Verifies and parses one webhook.

    Args:
        headers: the request's headers: a mapping or ``(name, value)`` pairs (Flask's
            ``request.headers``, FastAPI's ``request.headers``, a dict); names are compared
            without regard to case.
        body: the raw body bytes as received (Flask ``request.get_data()``, FastAPI
            ``await request.body()``); do not decode and re-encode JSON first.
        secret: the secret shown when the chatbot or custom channel was created, for the
            callbacks that carry ``X-Secret-Key``; None for the organisation webhook and
            PowerTalk, which document none.
        max_body_bytes: the largest body accepted (default 1 MiB).

    Returns:
        a :class:`MessageStatus`, :class:`CaseResolved`, :class:`ChatbotMessage`,
        :class:`ChannelMessage`, :class:`ChannelCaseClosed`, :class:`PowerTalkMessage` or
        :class:`UnknownEvent`.

    Raises:
        WebhookSecretError: ``X-Secret-Key`` missing or wrong (``status`` 401), or the
            callback carries one and no ``secret`` was given (93003).
        WebhookError: the body is not one JSON object, too large, in no TapTalk shape, or a
            known field has the wrong type; ``status`` is the HTTP status to answer with.
    """
    headers_json = json.dumps(_header_object(headers), separators=(",", ":")).encode("utf-8")
    if isinstance(body, str):
        body = body.encode("utf-8")
    data = bytes(body)
    secret_bytes = None
    if secret is not None:
        secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if b"\0" in secret_bytes:
            raise UsageError("secret contains NUL", status=400, code="90001", field="secret")
    options = None
    if max_body_bytes is not None:
        options = json.dumps({"max_body_bytes": max_body_bytes}).encode("ascii")
    library = _native.library()
    function = _bound(library)
    reply = library.take_string(function(headers_json, data, len(data), secret_bytes, options))
    envelope = json.loads(reply)
    error = envelope.get("error") or {}
    if envelope.get("status") != 200 or error.get("code"):
        raise error_from_envelope(envelope)
    return _event(envelope["data"])


def _header_object(headers: Headers) -> Dict[str, Union[str, List[str]]]:
    """Headers as the JSON object the library takes: a repeated name (any case) keeps all of
    its values, so a second ``X-Secret-Key`` cannot hide behind the first."""
    pairs = headers.items() if hasattr(headers, "items") else headers
    values: Dict[str, List[str]] = {}
    names: Dict[str, str] = {}
    for name, value in pairs:
        lowered = str(name).lower()
        names.setdefault(lowered, str(name))
        if isinstance(value, (list, tuple)):
            values.setdefault(lowered, []).extend(str(v) for v in value)
        else:
            values.setdefault(lowered, []).append(str(value))
    return {names[k]: (v[0] if len(v) == 1 else v) for k, v in values.items()}


def _bound(library: "_native.Library") -> Any:
    function = library.cdll.tt_webhook_parse
    if function.restype is not ctypes.c_void_p:
        text, pointer = ctypes.c_char_p, ctypes.c_void_p
        function.argtypes = [text, text, ctypes.c_size_t, text, text]
        function.restype = pointer
    return function


def _media(raw: Any) -> Optional[Media]:
    if not isinstance(raw, Mapping):
        return None
    return Media(url=raw.get("url", ""), caption=raw.get("caption", ""),
                 filename=raw.get("filename", ""))


def _text(raw: Any) -> Optional[str]:
    return raw.get("body", "") if isinstance(raw, Mapping) else None


def _event(data: Mapping[str, Any]) -> Event:
    raw: JSONDict = data["event"]
    common = dict(callback=data["callback"], type=data["type"], key=data["key"],
                  verified=bool(data["verified"]), raw=raw)
    kind = (data["callback"], data["type"]) if data.get("known") else None
    if kind == ("onetalk", "integration_message_status"):
        s = raw["integrationMessageStatus"]
        return MessageStatus(**common, organization_id=raw["organizationID"], trx_id=s["trxID"],
                             status=s["status"], timestamp=s["timestamp"],
                             channel_id=s["channelID"], channel_type=s["channelType"],
                             contact_phone=s["contactPhone"], reason=s["reason"])
    if kind == ("onetalk", "case_resolved"):
        c = raw["caseResolved"]
        return CaseResolved(
            **common, organization_id=raw["organizationID"], case_id=c["caseID"],
            channel_type=c["channelType"], channel_id=c["channelID"], topic_id=c["topicID"],
            topic_name=c["topicName"], assignee_type=c["assigneeType"],
            chatbot_id=c["chatbotID"], chatbot_name=c["chatbotName"],
            agent_email=c["agentEmail"], agent_full_name=c["agentFullName"],
            is_junk=c["isJunk"], agent_remark=c["agentRemark"], created_time=c["createdTime"],
            counter_start_time=c["counterStartTime"],
            first_response_time=c["firstResponseTime"], resolved_time=c["resolvedTime"])
    if kind == ("chatbot", "message"):
        sender, m = raw["sender"], raw["message"]
        location = m.get("location")
        return ChatbotMessage(
            **common, case_id=raw["caseID"], channel_type=raw["channelType"],
            channel_id=raw["channelID"], channel_name=raw["channelName"],
            sender=Sender(customer_user_id=sender["customerUserID"], phone=sender["phone"],
                          contact_name=sender["contactName"]),
            message=InboundMessage(
                id=m["id"], type=m["type"], timestamp=m["timestamp"], text=_text(m.get("text")),
                document=_media(m.get("document")), image=_media(m.get("image")),
                video=_media(m.get("video")),
                location=None if location is None else Location(
                    latitude=location["latitude"], longitude=location["longitude"],
                    address=location["address"], name=location["name"]),
                whatsappba=m.get("whatsappba")))
    if kind == ("channel", "message"):
        m = raw["message"]
        return ChannelMessage(
            **common, chat_id=m["chatID"], message_type=m["type"], text=_text(m.get("text")),
            document=_media(m.get("document")), image=_media(m.get("image")),
            video=_media(m.get("video")), reply_to_message_id=m["replyToMessageID"],
            custom_data=m["customData"])
    if kind == ("channel", "case_closed"):
        c = raw["caseClosed"]
        return ChannelCaseClosed(**common, chat_id=c["chatID"], case_id=c["caseID"])
    if kind == ("powertalk", "message"):
        room, user = raw["room"], raw["user"]
        return PowerTalkMessage(
            **common, message_id=raw["messageID"], local_id=raw["localID"],
            message_type=raw["type"], type_name=raw["typeName"], body=raw["body"],
            data=raw["data"], room_id=room["roomID"], room_name=room["name"],
            room_type=room["type"], sender_user_id=user["userID"],
            sender_xc_user_id=user["xcUserID"], sender_fullname=user["fullname"],
            recipient_id=raw["recipientID"], action=raw["action"],
            is_delivered=raw["isDelivered"], is_read=raw["isRead"],
            is_deleted=raw["isDeleted"], created=raw["created"], updated=raw["updated"])
    return UnknownEvent(**common)

