"""The :class:`Client` and its three product namespaces."""

from __future__ import annotations

import ctypes
import json
import threading
from dataclasses import dataclass
from typing import (Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union)

from . import _native
from ._pagination import UpdatedCases
from .errors import ClientClosedError, ConfigError, TapTalkError, error_from_envelope

__all__ = ["Client", "PowerTalk", "SendTalk", "OneTalk", "Contact", "Envelope", "JSONDict"]

#: A decoded JSON object.
JSONDict = Dict[str, Any]
#: A whole reply: ``{"status": int, "error": {"code", "message", "field"}, "data": {...}}``.
Envelope = Dict[str, Any]

TemplatePart = Union[Sequence[Mapping[str, str]], Mapping[str, str]]


def _fields(pairs: Iterable[Tuple[str, Any]]) -> JSONDict:
    """A request object from (vendor name, value) pairs; None values are left out."""
    return {name: value for name, value in pairs if value is not None}


class Client:
    """A TapTalk client over the native library: thread-safe, one keep-alive pool inside.

    Args:
        powertalk: the PowerTalk Server API section: ``{"base_url": "https://...",
            "server_key_id": "...", "server_key_secret": "..."}``. ``base_url`` has no
            default (it is per customer).
        sendtalk: ``{"api_key": "...", "base_url": "..."}`` (base_url defaults to
            https://sendtalk-api.taptalk.io).
        onetalk: ``{"api_key": "...", "base_url": "..."}`` (base_url defaults to
            https://onetalk-api.taptalk.io).
        timeout: whole-call limit in seconds (connect, send, wait, read); default 30.
        connect_timeout: connect limit in seconds (TCP and TLS); default 10.
        user_agent: added after ``taptalk/VERSION`` in the User-Agent header.
        max_response_bytes: replies larger than this fail with ReplyTooLargeError.
        retry: the retry policy, ``{"max_attempts", "base_delay_ms", "max_delay_ms",
            "deadline_ms"}`` (on by default). Reads and ``update_case`` are retried on
            connection failures, timeouts and HTTP 429/502/503/504; sends only when the
            request provably never reached the server. ``{"max_attempts": 1}`` turns it off.
        tls: trusted CAs, ``{"ca_file": PATH, "ca_pem": TEXT, "built_in_roots": bool}``:
            CA certificates added to the built-in roots (or alone with ``built_in_roots``
            False), e.g. a company's TLS-inspecting proxy CA.
        proxy: an HTTP proxy, ``"http://user:password@host:3128"``; a proxy that cannot be
            reached or refuses raises :class:`ProxyError` (91011).
        proxy_from_env: True takes the proxy from ``HTTPS_PROXY``/``ALL_PROXY`` and
            ``NO_PROXY`` (never read otherwise).

    Only configured products can be called; calling another raises :class:`AuthError`
    (code 40001) without sending anything. Raises :class:`ConfigError` (``field`` names the
    key) when the configuration is refused.

    Use it as a context manager, or call :meth:`close`, to release the connection pool::

        with taptalk.Client(sendtalk={"api_key": KEY}) as client:
            client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                          body="Hi")
    """

    def __init__(
        self,
        *,
        powertalk: Optional[Mapping[str, Any]] = None,
        sendtalk: Optional[Mapping[str, Any]] = None,
        onetalk: Optional[Mapping[str, Any]] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        retry: Optional[Mapping[str, Any]] = None,
        tls: Optional[Mapping[str, Any]] = None,
        proxy: Optional[str] = None,
        proxy_from_env: bool = False,
    ) -> None:
        self._handle: Optional[int] = None
        self._library = _native.library()
        config: JSONDict = {}
        for name, section in (("powertalk", powertalk), ("sendtalk", sendtalk),
                              ("onetalk", onetalk)):
            if section is not None:
                config[name] = dict(section)
        if timeout is not None:
            config["timeout_ms"] = _milliseconds(timeout, "timeout")
        if connect_timeout is not None:
            config["connect_timeout_ms"] = _milliseconds(connect_timeout, "connect_timeout")
        if user_agent is not None:
            config["user_agent"] = user_agent
        if max_response_bytes is not None:
            config["max_response_bytes"] = max_response_bytes
        if retry is not None:
            config["retry"] = dict(retry)
        if tls is not None:
            config["tls"] = dict(tls)
        if proxy is not None:
            config["proxy"] = proxy
        if proxy_from_env:
            config["proxy_from_env"] = True
        self._configured = frozenset(k for k in ("powertalk", "sendtalk", "onetalk")
                                     if k in config)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._closing = False
        self._handle = self._create(json.dumps(config).encode("utf-8"))
        self.powertalk = PowerTalk(self)
        self.sendtalk = SendTalk(self)
        self.onetalk = OneTalk(self)

    def _create(self, config_json: bytes) -> int:
        error_out = ctypes.c_void_p()
        handle = self._library.client_new(config_json, ctypes.byref(error_out))
        if handle:
            return int(handle)
        if error_out.value:
            envelope = json.loads(self._library.take_string(error_out.value))
            error = error_from_envelope(envelope)
            if not isinstance(error, ConfigError):
                error = ConfigError(error.message, status=error.status, code=error.code,
                                    field=error.field, envelope=error.envelope)
            raise error
        raise ConfigError("tt_client_new refused the configuration", status=400,
                          code="90003")

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Releases the client. Waits for calls still running on other threads; later calls
        raise :class:`ClientClosedError`. Closing twice is harmless."""
        with self._lock:
            if self._handle is None:
                return
            self._closing = True
            while self._in_flight:
                self._idle.wait()
            handle, self._handle = self._handle, None
        self._library.client_free(handle)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._handle is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # No call can be running: each one holds a reference to the client.
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._handle = None
            try:
                self._library.client_free(handle)
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        products = ", ".join(sorted(self._configured)) or "no products"
        return f"<taptalk.Client {state}: {products}>"

    # -- calls -----------------------------------------------------------------------------

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False, retry: Optional[Mapping[str, int]] = None) -> JSONDict:
        """Runs one operation by its C name without the ``tt_`` prefix (e.g.
        ``"sendtalk_send_whatsapp"``) with a request in the vendor's field names.

        Returns the envelope's ``data``, or the whole envelope with ``raw=True`` (which never
        raises for a failed call). Raises the matching :class:`TapTalkError` otherwise.
        ``retry`` overrides the client's retry keys (``max_attempts``, ``base_delay_ms``,
        ``max_delay_ms``, ``deadline_ms``) for this call only.
        """
        if operation not in self._library.operations:
            raise ValueError(f"unknown operation {operation!r}; use one of "
                             f"{', '.join(_native.OPERATIONS)}")
        envelope = self.envelope(operation, request, retry=retry)
        if raw:
            return envelope
        return _data_or_raise(envelope)

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
        body = json.dumps(request, separators=(",", ":")).encode("ascii")
        options = (None if retry is None else
                   json.dumps({"retry": dict(retry)}, separators=(",", ":")).encode("ascii"))
        with self._lock:
            if self._closing or self._handle is None:
                raise ClientClosedError("the client is closed", status=400)
            self._in_flight += 1
            handle = self._handle
        try:
            reply = self._library.call(operation, handle, body, options)
        finally:
            with self._lock:
                self._in_flight -= 1
                if self._closing and not self._in_flight:
                    self._idle.notify_all()
        envelope = json.loads(reply)
        if not isinstance(envelope, dict):  # pragma: no cover - the library never does this
            raise TapTalkError("the library returned something other than an envelope",
                               status=500, code="90004")
        return envelope


class RetryingClient:
    """A view of a :class:`Client` whose calls use their own retry settings."""

    def __init__(self, client: Client, retry: Mapping[str, int]) -> None:
        self._client = client
        self._retry = dict(retry)
        self.powertalk = PowerTalk(self)  # type: ignore[arg-type]
        self.sendtalk = SendTalk(self)  # type: ignore[arg-type]
        self.onetalk = OneTalk(self)  # type: ignore[arg-type]

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False) -> JSONDict:
        """As :meth:`Client.call`, with this view's retry settings."""
        return self._client.call(operation, request, raw=raw, retry=self._retry)


def _data_or_raise(envelope: Envelope) -> JSONDict:
    error = envelope.get("error") or {}
    if envelope.get("status") == 200 and not error.get("code"):
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}
    raise error_from_envelope(envelope)


def _milliseconds(seconds: float, name: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} is a number of seconds")
    return max(1, int(round(seconds * 1000)))


class _Product:
    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(self, operation: str, request: JSONDict, raw: bool) -> JSONDict:
        return self._client.call(operation, request, raw=raw)


@dataclass(frozen=True)
class Contact:
    """One PowerTalk contact pair for :meth:`PowerTalk.sync_contacts`.

    Attributes:
        owner_xc_user_id: (102) The XC user ID who owns the contact.
        contact_xc_user_id: (103) The contact's XC user ID.
        is_deleted: (104) If the contact is to be deleted, may be omitted if false.
    """

    owner_xc_user_id: str
    contact_xc_user_id: str
    is_deleted: bool = False

    def to_json(self) -> JSONDict:
        """The contact in the vendor's field names."""
        return _fields((("ownerXCUserID", self.owner_xc_user_id),
                        ("contactXCUserID", self.contact_xc_user_id),
                        ("isDeleted", self.is_deleted or None)))


_CONTACT_FIELDS = {
    "owner_xc_user_id": "ownerXCUserID",
    "contact_xc_user_id": "contactXCUserID",
    "is_deleted": "isDeleted",
}


def _contact_json(contact: Union[Contact, Mapping[str, Any]]) -> JSONDict:
    if isinstance(contact, Contact):
        return contact.to_json()
    if not isinstance(contact, Mapping):
        raise TypeError("each contact is a taptalk.Contact or a mapping")
    return {_CONTACT_FIELDS.get(key, key): value for key, value in contact.items()
            if value is not None}


class PowerTalk(_Product):
    """PowerTalk Server API (header ``Server-Key: base64(SERVER_KEY_ID:SERVER_KEY_SECRET)``).

    Errors name fields by the bracketed number of the vendor's request table, e.g.
    ``field == "107"`` for ``sender_xc_user_id``.
    """

    def send_custom_message(
        self,
        *,
        message_type: int,
        body: str,
        sender_xc_user_id: str,
        recipient_xc_user_id: Optional[str] = None,
        xc_room_id: Optional[str] = None,
        filter_id: Optional[str] = None,
        data: Union[str, Mapping[str, Any], Sequence[Any], None] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a custom message on behalf of a user (POST /v1/server/message/send/custom).

        If the body or data is too long, the message might be split into several messages;
        when ``filter_id`` is not empty only the last of them is visible.

        Args:
            message_type: ``messageType``: 1001 text, 1002 image, 2001 products, or a
                self-defined custom type 3000-3999.
            body: (104) The text message. Text only: it is also the push notification.
            sender_xc_user_id: (107) The sender's XC user ID.
            recipient_xc_user_id: (108) The recipient's XC user ID, for a personal room.
            xc_room_id: (109) The room ID to send to, for other room types. Give exactly one
                of ``recipient_xc_user_id`` and ``xc_room_id``.
            filter_id: (106) The filter ID.
            data: (105) The data payload, based on the message type: empty for 1001 text;
                for 1002 an image ``{"url", "mediaType", "size", "width", "height",
                "caption"}`` or a list of them; for 2001 a list of products ``{"name",
                "imageURL", "description", "price", "currency", "rating",
                "buttonOption1Text", "buttonOption1Color", "buttonOption2Text",
                "buttonOption2Color"}``. A dict or list is encoded to the JSON string the
                API wants; a string is sent as it is.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success`` (bool, if the request is successful) and ``localID`` (the
            local ID of the sent message).
        """
        request = _fields((
            ("messageType", message_type),
            ("body", body),
            ("data", _payload(data)),
            ("filterID", filter_id),
            ("senderXCUserID", sender_xc_user_id),
            ("recipientXCUserID", recipient_xc_user_id),
            ("xcRoomID", xc_room_id),
        ))
        return self._call("powertalk_send_custom_message", request, raw)

    def sync_contacts(
        self,
        contacts: Iterable[Union[Contact, Mapping[str, Any]]],
        *,
        raw: bool = False,
    ) -> JSONDict:
        """Adds and/or deletes one-way contacts (POST /v1/server/contact/sync).

        A contact works one-way: a user may add another user to his/her contact list
        without the added user doing the same. Deletion always runs last: if the list has
        duplicate owner-contact pairs with one's ``is_deleted`` true, that pair is deleted.

        Args:
            contacts: (101) The list of contacts to be synced: :class:`Contact` objects or
                mappings with ``owner_xc_user_id`` (102, the XC user ID who owns the
                contact), ``contact_xc_user_id`` (103, the contact's XC user ID) and
                optional ``is_deleted`` (104, if the contact is to be deleted); the vendor's
                names (``ownerXCUserID``...) are accepted too.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``countInserted`` (number of contact rows inserted) and
            ``countDeleted`` (number of contact rows deleted).
        """
        if isinstance(contacts, (str, bytes, Mapping, Contact)):
            raise TypeError("contacts is a list of contacts")
        request = {"contacts": [_contact_json(c) for c in contacts]}
        return self._call("powertalk_sync_contacts", request, raw)


def _payload(value: Any) -> Any:
    """PowerTalk ``data``: a string as it is; a mapping or sequence as the JSON it stands
    for (the library encodes it to the string the API wants)."""
    if value is None or isinstance(value, (str, dict, list)):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return list(value)
    raise TypeError("data is a JSON string, a dict or a list")


class SendTalk(_Product):
    """SendTalk API: WhatsApp messages and their delivery status (header ``API-Key``)."""

    def send_whatsapp(
        self,
        *,
        phone: str,
        message_type: str,
        body: str,
        filename: Optional[str] = None,
        caption: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a message to the specified number via WhatsApp
        (POST /api/v1/message/send_whatsapp).

        OTP messages are queued before the other types.

        Args:
            phone: The recipient number, digits with the country code (e.g. "62811001234").
            message_type: "otp", "text" or "image". Use "otp" for a message related to an
                OTP; "text" or "image" for a message or notification that is not.
            body: The message body (text message, or the file URL for an image).
            filename: The name of the file (required for "image").
            caption: The caption, if any (for "image").
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success`` (if the message was queued), ``message``, ``reason``
            (failure reason: "invalid_recipient", "insufficient_balance") and ``id`` (the
            message ID, for :meth:`get_status`).
        """
        request = _fields((("phone", phone), ("messageType", message_type), ("body", body),
                           ("filename", filename), ("caption", caption)))
        return self._call("sendtalk_send_whatsapp", request, raw)

    def get_status(self, *, id: str, raw: bool = False) -> JSONDict:  # noqa: A002
        """Gets the status of a message (POST /api/v1/message/get_status).

        Args:
            id: The message ID (``data["id"]`` from :meth:`send_whatsapp`).
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``status`` (the message status), ``isPending`` (if the message is
            pending), ``isSent`` (if it has been sent to the channel), ``sentTime`` (when it
            was sent, Unix ms), ``currency``, ``price`` (the charged price) and
            ``createdTime`` (when it was created, Unix ms).

        Raises:
            NotFoundError: 40401, "Message is not found".
        """
        return self._call("sendtalk_get_status", _fields((("id", id),)), raw)


def _template_part(part: Optional[TemplatePart]) -> Optional[List[JSONDict]]:
    if part is None:
        return None
    if isinstance(part, Mapping):
        return [{"name": name, "value": value} for name, value in part.items()]
    return [dict(item) for item in part]


class OneTalk(_Product):
    """OneTalk Integration API: WhatsApp messages, template messages and cases
    (header ``API-Key``)."""

    def send_whatsapp(
        self,
        *,
        channel_id: str,
        phone: str,
        message_type: str,
        body: str,
        filename: Optional[str] = None,
        caption: Optional[str] = None,
        with_case: Optional[bool] = None,
        topic_id: Optional[int] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a message to a phone number via a WhatsApp channel
        (POST /api/integration/v1/inbox/send_message_whatsapp).

        The phone number must be registered in WhatsApp. With ``with_case=True`` the message
        always goes to an open case: the user's existing open case, or a new one.

        Args:
            channel_id: The channel ID (OneTalk dashboard: Integration > WhatsApp for SME >
                channel detail).
            phone: The phone number to send the message to (digits with country code).
            message_type: "text", "image" or "file".
            body: The message body (text message or file URL).
            filename: The name of the file (required for message types other than "text").
            caption: The caption, if any (for "image").
            with_case: If true, the message is sent to the recipient's existing open case,
                or a new case is created.
            topic_id: The topic ID for a new case.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success``, ``message`` and ``caseID`` (the case, with ``with_case``).

        Raises:
            TierError: 49900, the organization has not selected a tier.
        """
        request = _fields((
            ("channelID", channel_id), ("phone", phone), ("messageType", message_type),
            ("body", body), ("filename", filename), ("caption", caption),
            ("withCase", with_case), ("topicID", topic_id),
        ))
        return self._call("onetalk_send_whatsapp", request, raw)

    def send_whatsapp_template(
        self,
        *,
        channel_id: str,
        phone_number_id: str,
        phone: str,
        template_name: str,
        language_code: str,
        parameters: Optional[Mapping[str, TemplatePart]] = None,
        with_case: Optional[bool] = None,
        topic_id: Optional[int] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a templated message via a WhatsApp Business API channel
        (POST /api/integration/v1/inbox/send_templated_message_whatsappba).

        The phone number must be registered in WhatsApp. With ``with_case=True`` the message
        always goes to an open case: the user's existing open case, or a new one.

        Args:
            channel_id: The channel ID (OneTalk dashboard: Integration > WhatsApp Business
                API > channel detail).
            phone_number_id: The phone number ID to send the message from.
            phone: The phone number to send the message to.
            template_name: The message template name.
            language_code: The language code of the template message.
            parameters: Parameters for the message template: ``header``, ``body``,
                ``footer`` and ``buttons``, each a list of ``{"name": ..., "value": ...}``
                (name of the parameter, value of the parameter) or a ``{name: value}``
                mapping. E.g. ``{"body": {"name": "John"}, "buttons": {"url_0": "1d-1"}}``.
            with_case: If true, the message is sent to the recipient's existing open case,
                or a new case is created.
            topic_id: The topic ID for a new case.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success``, ``message`` and ``caseID``.
        """
        converted: Optional[JSONDict] = None
        if parameters is not None:
            converted = {part: _template_part(value) for part, value in parameters.items()}
        request = _fields((
            ("channelID", channel_id), ("phoneNumberID", phone_number_id), ("phone", phone),
            ("templateName", template_name), ("languageCode", language_code),
            ("parameters", converted), ("withCase", with_case), ("topicID", topic_id),
        ))
        return self._call("onetalk_send_whatsapp_template", request, raw)

    def get_updated_cases(
        self,
        *,
        since_timestamp: int,
        limit: Optional[int] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Gets one page of new and updated cases since ``since_timestamp``
        (GET /api/integration/v1/inbox/case/get_updated_list).

        Continue from ``data["lastTimestamp"]`` while ``data["hasMore"]``, or use
        :meth:`iter_updated_cases` which does that for you.

        Args:
            since_timestamp: Timestamp in Unix milliseconds to start getting the updates
                from.
            limit: Maximum number of items to retrieve, 1..100 (default 100).
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``cases`` (each with ``id``, ``contact``, ``agent``, ``firstMessage``,
            ``isClosed``, ``isJunk``, ``agentRemark``, ``createdTime``, ``updatedTime``),
            ``hasMore`` and ``lastTimestamp``.
        """
        request = _fields((("since_timestamp", since_timestamp), ("limit", limit)))
        return self._call("onetalk_get_updated_cases", request, raw)

    def iter_updated_cases(
        self,
        *,
        since_timestamp: int,
        page_size: int = 100,
        seen: Mapping[str, int] = {},
    ) -> UpdatedCases:
        """Every case created or updated since ``since_timestamp``, over as many pages as it
        takes, fetched lazily.

        Never repeats or skips a case at a page boundary, even when several cases share a
        timestamp. The returned iterator exposes ``cursor`` (and ``seen``) to resume from;
        see :class:`~taptalk.UpdatedCases`.

        Args:
            since_timestamp: Unix milliseconds to start from (a saved ``cursor``).
            page_size: cases per request, 1..100.
            seen: a saved ``seen`` mapping, when resuming.
        """

        def fetch(since: int, limit: int) -> JSONDict:
            return self.get_updated_cases(since_timestamp=since, limit=limit)

        return UpdatedCases(fetch, since_timestamp, page_size, seen)

    def update_case(
        self,
        *,
        case_id: str,
        agent_remark: Optional[str] = None,
        is_junk: Optional[bool] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Updates a case's details; only the fields given are changed
        (POST /api/integration/v1/inbox/case/update).

        Args:
            case_id: The case id.
            agent_remark: Agent's remark for the case, may be empty.
            is_junk: If the case is junk.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``success`` (if updated successfully) and ``message``.

        Raises:
            TierError: 49900 no tier selected, 49901 the feature is not available for the
                current tier.
        """
        request = _fields((("caseID", case_id), ("agentRemark", agent_remark),
                           ("isJunk", is_junk)))
        return self._call("onetalk_update_case", request, raw)
