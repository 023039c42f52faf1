"""taptalk: TapTalk.io's server-side REST APIs (PowerTalk, SendTalk, OneTalk) from Python.

A thin ctypes layer over the native ``libtaptalk`` (the Rust core, through its C ABI)::

    import taptalk

    with taptalk.Client(sendtalk={"api_key": "..."}) as client:
        sent = client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                             body="Hi")
        print(client.sendtalk.get_status(id=sent["id"])["status"])

Methods return the reply's ``data`` as a dict and raise a :class:`TapTalkError` subclass on
failure (``raw=True`` returns the whole envelope instead and never raises for a failed call).
:class:`AsyncClient` is the same for asyncio (``await client.sendtalk.send_whatsapp(...)``);
``call_many`` sends to many at once. A Ctrl-C during a blocking call, or cancelling a task
awaiting one, cancels the native call; see the README for what that means for a send.
"""

from . import _native
from ._aio import AsyncClient, AsyncRetryingClient
from ._client import (Chatbot, Client, Contact, Envelope, JSONDict, OneTalk, PowerTalk,
                      RetryingClient, SendTalk)
from ._logging import disable_logging, enable_logging
from ._pagination import AsyncUpdatedCases, UpdatedCases
from ._trust import set_tls_verifier
from .errors import (
    AuthError,
    CancelledError,
    ClientClosedError,
    ConfigError,
    ConnectError,
    ConnectionLostError,
    HTTPStatusError,
    InternalError,
    InvalidReplyError,
    NotFoundError,
    OutcomeUnknownError,
    PaginationError,
    ProxyError,
    RedirectError,
    ReplyTooLargeError,
    ServerError,
    TapTalkError,
    TapTalkTimeout,
    TierError,
    TLSError,
    TransportError,
    TruncatedReplyError,
    UsageError,
    ValidationError,
    error_from_envelope,
    maybe_delivered,
    WebhookError,
    WebhookSecretError,
)
from . import webhooks  # noqa: E402  (taptalk.webhooks.parse: receiving TapTalk's callbacks)

__version__ = "0.1.0"

#: The ABI version this package speaks (``TT_ABI_VERSION``).
ABI_VERSION = _native.ABI_VERSION

_library = _native.library()  # ImportError here if no matching library is found

#: Where the native library was loaded from.
library_path: str = _library.path
#: The native library's version ("MAJOR.MINOR.PATCH").
library_version: str = _library.version

__all__ = [
    "ABI_VERSION",
    "AsyncClient",
    "AsyncRetryingClient",
    "AsyncUpdatedCases",
    "CancelledError",
    "error_from_envelope",
    "maybe_delivered",
    "RetryingClient",
    "disable_logging",
    "enable_logging",
    "set_tls_verifier",
    "AuthError",
    "Chatbot",
    "Client",
    "ClientClosedError",
    "ConfigError",
    "ConnectError",
    "ConnectionLostError",
    "Contact",
    "Envelope",
    "HTTPStatusError",
    "InternalError",
    "InvalidReplyError",
    "JSONDict",
    "NotFoundError",
    "OneTalk",
    "OutcomeUnknownError",
    "PaginationError",
    "ProxyError",
    "PowerTalk",
    "RedirectError",
    "ReplyTooLargeError",
    "SendTalk",
    "ServerError",
    "TLSError",
    "TapTalkError",
    "TapTalkTimeout",
    "TierError",
    "TransportError",
    "TruncatedReplyError",
    "UpdatedCases",
    "UsageError",
    "ValidationError",
    "WebhookError",
    "WebhookSecretError",
    "library_path",
    "webhooks",
    "library_version",
]
