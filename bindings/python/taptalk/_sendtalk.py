"""SendTalk API: WhatsApp messages, their status, number checks and verifications."""

from __future__ import annotations

from typing import Optional

from ._base import JSONDict, _fields, _Product

__all__ = ["SendTalk"]


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

    def check_whatsapp_phone(self, *, phone: str, raw: bool = False) -> JSONDict:
        """Whether a phone number has WhatsApp (POST /api/v1/message/check_whatsapp_phone).
        Nothing is sent to the number; safe to repeat.

        Args:
            phone: The number, digits with the country code (e.g. "62811001234").
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data``: ``isRegistered`` (bool) and ``message``.
        """
        return self._call("sendtalk_check_whatsapp_phone", _fields((("phone", phone),)), raw)

    def create_whatsapp_verification(
        self,
        *,
        user_phone: str,
        language_code: str,
        expiry_minutes: Optional[int] = None,
        app_url: Optional[str] = None,
        raw: bool = False,
    ) -> JSONDict:
        """Sends a user a WhatsApp verification message
        (POST /api/v1/verification/create_whatsapp_verification). A send: never retried once
        it may have reached the server.

        Args:
            user_phone: The user's phone number to be verified (must start with the country
                code).
            language_code: Language of the generated verification message: "en" or "id".
            expiry_minutes: The expiry duration in minutes.
            app_url: App link/URL to be included in the generated verification message.
            raw: return the whole envelope instead of raising on failure.

        Returns:
            ``data`` as the server answers it (its fields are not published).
        """
        request = _fields((("userPhone", user_phone), ("languageCode", language_code),
                           ("expiryMinutes", expiry_minutes), ("appURL", app_url)))
        return self._call("sendtalk_create_whatsapp_verification", request, raw)
