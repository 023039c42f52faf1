"""The exceptions raised by :mod:`taptalk`.

Every failure, whether the server refused the request or it never got there, arrives as the
same envelope ``{"status", "error": {"code", "message", "field"}, "data"}``. A method raises
the :class:`TapTalkError` subclass that matches ``error.code``; the exception carries every
part of the envelope, and the envelope itself as :attr:`TapTalkError.envelope`.

The hierarchy::

    TapTalkError
    +-- ValidationError        40002: a request field is missing or invalid (field names it)
    +-- AuthError              40001, 401xx, 403xx, 491xx: key missing, invalid, not found...
    +-- NotFoundError          40401, or status 404: e.g. an unknown SendTalk message id
    +-- TierError              499xx: the OneTalk organisation's tier does not allow it
    +-- ServerError            5xxxx, 99999 or status >= 500 from the server itself
    +-- UsageError             90001, 90002: the library was called wrongly
    |   +-- ConfigError        90003: Client() refused the configuration (field names the key)
    |   +-- ClientClosedError  90005: the client was closed before the call; nothing was sent
    +-- InternalError          90004: a bug inside the native library (please report)
    +-- PaginationError        92001: the case pages cannot progress (iter_updated_cases)
    +-- TransportError         91xxx: the request did not complete on the wire
        +-- TapTalkTimeout     91001 (also a builtin TimeoutError); MAY have been delivered
        +-- ConnectError       91002: could not connect; nothing was sent
        +-- ConnectionLostError 91003: broke after sending; MAY have been delivered
        +-- TLSError           91004
        +-- RedirectError      91005: redirects are never followed
        +-- InvalidReplyError  91006: the reply was not a TapTalk envelope
        +-- TruncatedReplyError 91007
        +-- HTTPStatusError    91008: an HTTP error status without an envelope
        +-- ReplyTooLargeError 91009: larger than max_response_bytes
        +-- OutcomeUnknownError 91010: a send timed out or lost its connection after it
                               was written; it MAY have been delivered and was not retried
        +-- ProxyError         91011: the HTTP proxy could not be reached or refused; nothing was sent
        +-- CancelledError     91012: the call was cancelled; maybe_delivered is data.maybe_sent
    +-- WebhookError           930xx: taptalk.webhooks.parse refused a webhook; ``status`` is the
        |                      HTTP status to answer the sender with
        +-- WebhookSecretError 93001, 93002: X-Secret-Key missing or wrong; 93003: no secret given

A custom chatbot's action refused by OneTalk in plain text (93010) raises by its HTTP status:
401 AuthError, 400 ValidationError, 404 NotFoundError, 5xx ServerError.

A call interrupted on the Python side (Ctrl-C during a blocking call, a cancelled asyncio task)
re-raises what interrupted it (``KeyboardInterrupt``, ``asyncio.CancelledError``) with two
attributes set, ``maybe_delivered`` and ``envelope`` (what the cancelled native call answered,
or None); :func:`maybe_delivered` is the rule.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type

__all__ = [
    "TapTalkError",
    "ValidationError",
    "AuthError",
    "NotFoundError",
    "TierError",
    "ServerError",
    "UsageError",
    "ConfigError",
    "ClientClosedError",
    "InternalError",
    "PaginationError",
    "TransportError",
    "TapTalkTimeout",
    "ConnectError",
    "ConnectionLostError",
    "TLSError",
    "RedirectError",
    "InvalidReplyError",
    "TruncatedReplyError",
    "HTTPStatusError",
    "ReplyTooLargeError",
    "OutcomeUnknownError",
    "ProxyError",
    "CancelledError",
    "WebhookError",
    "WebhookSecretError",
    "error_from_envelope",
    "maybe_delivered",
]


class TapTalkError(Exception):
    """A call failed. ``status``, ``code``, ``message`` and ``field`` are the envelope's.

    Attributes:
        status: the envelope's ``status`` (400, 404, 499, ... or the library's own).
        code: ``error.code`` as a string, e.g. ``"40002"``.
        message: ``error.message``, a sentence meant for people.
        field: ``error.field``: the field at fault (SendTalk/OneTalk use the field's name,
            PowerTalk the bracketed number from its request table, e.g. ``"107"``), or "".
        envelope: the whole envelope as a dict.
    """

    status: int
    code: str
    message: str
    field: str
    envelope: Dict[str, Any]

    def __init__(
        self,
        message: str = "",
        *,
        status: int = 0,
        code: str = "",
        field: str = "",
        envelope: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        if envelope is None:
            envelope = {
                "status": status,
                "error": {"code": code, "message": message, "field": field},
                "data": {},
            }
        self.envelope = envelope

    def __str__(self) -> str:
        text = self.message or "(no message)"
        if self.code:
            text = f"[{self.code}] {text}"
        if self.field:
            text += f" (field: {self.field})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, field={self.field!r})"
        )

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.message, self.status, self.code, self.field,
                           self.envelope))


def _rebuild(cls: Type[TapTalkError], message: str, status: int, code: str, field: str,
             envelope: Dict[str, Any]) -> TapTalkError:
    return cls(message, status=status, code=code, field=field, envelope=envelope)


class ValidationError(TapTalkError):
    """40002: a request field is missing or invalid; :attr:`field` names it.

    Raised both for the library's own checks (nothing was sent) and for the server's.
    """


class AuthError(TapTalkError):
    """The key was missing, invalid, not found or expired, or the action is not permitted.

    40001 (the product is not configured, or the key header was missing), 401xx, 403xx and
    491xx (49101 not provided, 49102 invalid, 49103 not found, 49106 expired).
    """


class NotFoundError(TapTalkError):
    """40401 (or status 404): the item does not exist, e.g. "Message is not found"."""


class TierError(TapTalkError):
    """499xx: 49900 the OneTalk organisation has not selected a tier; 49901 the feature is
    not available for the current tier."""


class ServerError(TapTalkError):
    """The server reported a failure of its own (5xxxx, 99999, or status >= 500)."""


class UsageError(TapTalkError):
    """The library was called wrongly (90001 an unknown operation name, NUL or invalid
    UTF-8; 90002 not a JSON object)."""


class ConfigError(UsageError):
    """90003: the configuration was refused; :attr:`field` names the key, e.g.
    ``powertalk.server_key_secret``."""


class ClientClosedError(UsageError):
    """90005: the :class:`~taptalk.Client` was closed before this call; nothing was sent."""


class InternalError(TapTalkError):
    """90004: a panic was caught inside the native library. Please report it."""


class PaginationError(TapTalkError):
    """92001: paging the updated cases cannot progress: 100 or more cases share one
    ``updatedTime`` (a page holds at most 100), or the server says ``hasMore`` with an empty
    page. Nothing was skipped or repeated; ``envelope["data"]["state"]`` is where it stands."""


class TransportError(TapTalkError):
    """91xxx: the request did not complete on the wire.

    :attr:`maybe_delivered` tells whether a send may have reached the server anyway (the
    library never retries, so a blind retry may send twice).
    """

    #: True when the request may have reached the server (timeout, connection lost).
    maybe_delivered: bool = False


class TapTalkTimeout(TransportError, TimeoutError):
    """91001: no complete reply within the timeout (after the retries the library allows for
    reads; a send that timed out raises :class:`OutcomeUnknownError` instead).

    Also an instance of the builtin :class:`TimeoutError`.
    """

    maybe_delivered = True


class ConnectError(TransportError):
    """91002: could not connect (refused, DNS, unreachable, connect timeout); nothing was
    sent, so retrying is safe."""


class ConnectionLostError(TransportError):
    """91003: the connection broke after the request was sent; a send MAY have been
    delivered."""

    maybe_delivered = True


class TLSError(TransportError):
    """91004: the TLS handshake or certificate check failed."""


class RedirectError(TransportError):
    """91005: the server answered a redirect; redirects are never followed (check the
    base_url)."""


class InvalidReplyError(TransportError):
    """91006: the reply is not a TapTalk envelope (not JSON, or another shape)."""

    maybe_delivered = True


class TruncatedReplyError(TransportError):
    """91007: the reply body ended before its announced length."""

    maybe_delivered = True


class HTTPStatusError(TransportError):
    """91008: an HTTP error status without an envelope; :attr:`status` is the HTTP status."""

    maybe_delivered = True


class ReplyTooLargeError(TransportError):
    """91009: the reply is larger than ``max_response_bytes``."""

    maybe_delivered = True


class OutcomeUnknownError(TransportError):
    """91010: a send timed out or lost its connection after it was written. It may have been
    delivered, so the library did not retry it; check (e.g. with get_status or the case
    list) before sending again. ``envelope["data"]`` may carry ``attempts``."""

    maybe_delivered = True


class ProxyError(TransportError):
    """91011: the HTTP proxy (config ``proxy``) could not be reached, or refused the request
    (HTTP 407: check its credentials; 403: its policy). Nothing was sent to the server."""


class CancelledError(TransportError):
    """91012 (status 499): the call was cancelled through the library (``tt_cancel``).

    :attr:`maybe_delivered` is the envelope's ``data.maybe_sent``: False when it was
    cancelled before its request was written (nothing reached the server), True when it
    may have reached it. A *send* cancelled after its request was written never answers
    91012: it ends as :class:`OutcomeUnknownError` (91010, ``data.cause`` ``"91012"``) and
    is never repeated. Not to be confused with :class:`asyncio.CancelledError`, which a
    cancelled task raises (with ``maybe_delivered`` set on it; see the package README).
    """

    @property  # type: ignore[override]
    def maybe_delivered(self) -> bool:
        data = self.envelope.get("data")
        return bool(isinstance(data, Mapping) and data.get("maybe_sent"))


class WebhookError(TapTalkError):
    """930xx: :func:`taptalk.webhooks.parse` refused a webhook: not one JSON object (93004),
    larger than the limit (93005), in no TapTalk callback shape (93006), a known field of the
    wrong type (93007; ``field`` names it). ``status`` is the HTTP status to answer with."""


class WebhookSecretError(WebhookError):
    """93001/93002: the webhook's ``X-Secret-Key`` is missing or wrong (answer 401); 93003:
    the callback carries one but no ``secret`` was given to check it."""


_BY_CODE: Dict[str, Type[TapTalkError]] = {
    "40001": AuthError,
    "40002": ValidationError,
    "40401": NotFoundError,
    "90001": UsageError,
    "90002": UsageError,
    "90003": ConfigError,
    "90004": InternalError,
    "90005": ClientClosedError,
    "91001": TapTalkTimeout,
    "91002": ConnectError,
    "91003": ConnectionLostError,
    "91004": TLSError,
    "91005": RedirectError,
    "91006": InvalidReplyError,
    "91007": TruncatedReplyError,
    "91008": HTTPStatusError,
    "91009": ReplyTooLargeError,
    "91010": OutcomeUnknownError,
    "91011": ProxyError,
    "91012": CancelledError,
    "92001": PaginationError,
    "93001": WebhookSecretError,
    "93002": WebhookSecretError,
    "93003": WebhookSecretError,
    "93004": WebhookError,
    "93005": WebhookError,
    "93006": WebhookError,
    "93007": WebhookError,
    # OneTalk's plain-text refusal of a chatbot action: judged by its HTTP status below.
    "93010": TapTalkError,
}


def error_class(status: int, code: str) -> Type[TapTalkError]:
    """The exception class for an envelope's ``status`` and ``error.code``."""
    cls = _BY_CODE.get(code)
    if cls is not None and code != "93010":
        return cls
    if code.startswith("91"):
        return TransportError
    if code.startswith("90"):
        return UsageError
    if code.startswith(("401", "403", "491")):
        return AuthError
    if code.startswith("404") or status == 404:
        return NotFoundError
    if code.startswith("499") or status == 499:
        return TierError
    if code.startswith("400") or (code == "93010" and status == 400):
        return ValidationError
    if code == "93010" and status in (401, 403):
        return AuthError
    if code.startswith("5") or code == "99999" or status >= 500:
        return ServerError
    return TapTalkError


def error_from_envelope(envelope: Mapping[str, Any]) -> TapTalkError:
    """Builds the exception for a failed envelope (does not check that it failed)."""
    error = envelope.get("error") or {}
    if not isinstance(error, Mapping):
        error = {}
    try:
        status = int(envelope.get("status") or 0)
    except (TypeError, ValueError):
        status = 0
    code = str(error.get("code") or "")
    message = str(error.get("message") or "")
    field = str(error.get("field") or "")
    cls = error_class(status, code)
    return cls(message, status=status, code=code, field=field, envelope=dict(envelope))


def maybe_delivered(envelope: Optional[Mapping[str, Any]]) -> bool:
    """Whether the request an envelope answers may have reached the server and taken effect
    (for a send: may have been delivered), so that repeating it blindly could repeat it.

    True for a success, for 91012 with ``data.maybe_sent`` true, and for the transport
    failures whose class says so (91001, 91003, 91006-91010); False for a refusal (the
    server's error envelope or a local one: the request had no effect) and for failures
    before anything was written (91002, 91004, 91011, 91012 with ``maybe_sent`` false).
    None (nothing known) answers True: the safe assumption.
    """
    if envelope is None:
        return True
    error = envelope.get("error") or {}
    code = str(error.get("code") or "") if isinstance(error, Mapping) else ""
    if envelope.get("status") == 200 and not code:
        return True
    failure = error_from_envelope(envelope)
    if isinstance(failure, TransportError):
        return bool(failure.maybe_delivered)
    return False
