"""A OneTalk custom chatbot's calls back to OneTalk: messages to the customer, and handing
over, closing and updating the case or its contact (``client.chatbot``)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from ._base import JSONDict, _fields, _Product

__all__ = ["Chatbot"]


class Chatbot(_Product):
    """A custom chatbot's actions (header ``Secret-Key``), configured with
    ``chatbot={"organization_id": ..., "chatbot_id": ..., "secret_key": ...}``: the ids and
    secret of the chatbot's OneTalk URL. OneTalk answers in plain text; success returns
    ``{"success": True, "message": "ok"}``, a refusal raises by its HTTP status
    (:class:`AuthError` for 401 "secret key is invalid", :class:`ValidationError` for 400,
    :class:`ServerError` for 500) with code 93010 and OneTalk's reason as the message.
    """

    def send_messages(
        self,
        *,
        case_id: str,
        messages: Sequence[Mapping[str, Any]],
        raw: bool = False,
    ) -> JSONDict:
        """Sends messages to the customer in a case
        (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
        ``messages``). A send: never retried once it may have reached OneTalk.

        Args:
            case_id: The case the inbound message came with (``event.case_id``).
            messages: OutboundMessages in the vendor's field names, e.g.
                ``{"type": "text", "text": {"body": "Hi"}}``; ``type`` is text, document,
                image, video or whatsappba, with the object of that name
                (``document: {url, filename, caption}``, ``image``/``video: {url, caption}``,
                ``whatsappba: {"type": "interactive", "interactive": {...}}``), and
                ``customData`` for custom channels.
            raw: return the whole envelope instead of raising on failure.
        """
        request = {"caseID": case_id, "messages": [dict(m) for m in messages]}
        return self._call("chatbot_send_messages", request, raw)

    def send_text(self, *, case_id: str, text: str, raw: bool = False) -> JSONDict:
        """One text message: ``send_messages`` with ``{"type": "text", "text": {"body": text}}``."""
        return self.send_messages(case_id=case_id,
                                  messages=[{"type": "text", "text": {"body": text}}], raw=raw)

    def handover_case(
        self,
        *,
        case_id: str,
        topic_id: Optional[int] = None,
        agent_email: Optional[str] = None,
        summary: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Hands the case over to an agent
        (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
        ``handover_case``). Never retried once it may have reached OneTalk.

        Args:
            case_id: The case.
            topic_id: The topic to hand over to; 0 or None keeps the channel's topic (or offers
                the customer a topic menu when the channel has several).
            agent_email: An agent of that topic to assign.
            summary: The chatbot's handover summary for the agent.
            raw: return the whole envelope instead of raising on failure.
        """
        handover = _fields((("topicID", topic_id), ("agentEmail", agent_email),
                            ("chatbotHandoverSummary", summary)))
        return self._call("chatbot_handover_case", {"caseID": case_id, "handoverCase": handover},
                          raw)

    def close_case(
        self,
        *,
        case_id: str,
        send_closing_message: Optional[bool] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Closes (resolves) the case
        (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
        ``close_case``). Never retried once it may have reached OneTalk.

        Args:
            case_id: The case.
            send_closing_message: Whether the customer gets the channel's closing message.
            raw: return the whole envelope instead of raising on failure.
        """
        close = _fields((("sendClosingMessage", send_closing_message),))
        return self._call("chatbot_close_case", {"caseID": case_id, "closeCase": close}, raw)

    def update_case(
        self,
        *,
        case_id: str,
        agent_remark: Optional[str] = None,
        is_junk: Optional[bool] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Changes the case's agent remark or junk flag; only the fields given change
        (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
        ``update_case``). Safe to repeat.

        Args:
            case_id: The case.
            agent_remark: The remark shown to agents.
            is_junk: Whether the case is junk.
            raw: return the whole envelope instead of raising on failure.
        """
        update = _fields((("agentRemark", agent_remark), ("isJunk", is_junk)))
        return self._call("chatbot_update_case", {"caseID": case_id, "updateCase": update}, raw)

    def update_contact(
        self,
        *,
        case_id: str,
        full_name: Optional[str] = None,
        alias: Optional[str] = None,
        company_name: Optional[str] = None,
        job_title: Optional[str] = None,
        custom_fields: Optional[Mapping[str, str]] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Changes the case's contact details; only the fields given change
        (POST /api/visitor/v1/webhook/chatbot/custom/{organizationID}/{chatbotID}, eventType
        ``update_contact``). Safe to repeat.

        Args:
            case_id: The case.
            full_name: The contact's full name.
            alias: The contact's alias.
            company_name: The contact's company.
            job_title: The contact's job title.
            custom_fields: Custom field values as strings (a multi-select as a JSON array in a
                string, a date as ``YYYY-MM-DD``).
            raw: return the whole envelope instead of raising on failure.
        """
        update = _fields((("fullName", full_name), ("alias", alias),
                          ("companyName", company_name), ("jobTitle", job_title),
                          ("customFields", None if custom_fields is None else dict(custom_fields))))
        return self._call("chatbot_update_contact", {"caseID": case_id, "updateContact": update},
                          raw)
