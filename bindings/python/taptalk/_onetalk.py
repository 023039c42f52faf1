"""OneTalk Integration API: WhatsApp messages, template messages, cases and customer
users."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Union

from ._base import JSONDict, _fields, _Product
from ._pagination import UpdatedCases

__all__ = ["OneTalk"]

TemplatePart = Union[Sequence[Mapping[str, str]], Mapping[str, str]]


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
        return UpdatedCases(None, since_timestamp, page_size, seen, client=self._client)

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

    def request_user_auth_ticket(
        self,
        *,
        customer_user_id: str,
        full_name: str,
        alias: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        photo_url: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """An auth ticket for a customer user, valid one hour; the user is created or updated
        with the fields given (POST /api/integration/v1/user/request_auth_ticket). Safe to
        repeat: a repeat only issues another ticket.

        Args:
            customer_user_id: Your own ID for the customer, 1 to 100 characters.
            full_name: The customer's full name, 1 to 250 characters.
            alias: The customer's alias.
            email: The customer's email.
            phone: The customer's phone number, up to 20 characters.
            photo_url: URL of the customer's photo.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``ticket``.
        """
        return self._call("onetalk_request_user_auth_ticket", _user(
            customer_user_id, full_name, alias, email, phone, photo_url), raw)

    def sync_user_contact(
        self,
        *,
        customer_user_id: str,
        full_name: str,
        alias: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        photo_url: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Creates or updates a customer user's contact details
        (POST /api/integration/v1/user/sync_contact). Safe to repeat: an upsert.

        Args: as for :meth:`request_user_auth_ticket`.

        Returns:
            ``data`` as the server answers it.
        """
        return self._call("onetalk_sync_user_contact", _user(
            customer_user_id, full_name, alias, email, phone, photo_url), raw)


def _user(customer_user_id: str, full_name: str, alias: Optional[str], email: Optional[str],
          phone: Optional[str], photo_url: Optional[str]) -> JSONDict:
    return _fields((("customerUserID", customer_user_id), ("fullName", full_name),
                    ("alias", alias), ("email", email), ("phone", phone),
                    ("photoURL", photo_url)))
