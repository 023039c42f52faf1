"""What the product namespaces, raw requests and the case iterator share, below the client.

The package's modules import in one direction only (``tests/test_structure.py`` keeps it
so): ``errors`` and ``_native`` at the bottom, then this module, then the product
namespaces, ``_pagination`` and ``_raw``, then ``_client``, which nothing but ``__init__``
imports. So the namespaces never name the :class:`~taptalk.Client`: they call through
whatever satisfies :class:`Caller`, which the client and its retrying views do.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, Mapping, Optional, Protocol, Tuple

from .errors import error_from_envelope

#: A decoded JSON object.
JSONDict = Dict[str, Any]

#: A whole reply: ``{"status": int, "error": {"code", "message", "field"}, "data": {...}}``.
Envelope = Dict[str, Any]

#: A native call answering an envelope's bytes, given the live client handle, a cancellation
#: handle (None: not cancellable) and where a batch reports its progress (None: nowhere).
NativeCall = Callable[[int, Optional[int], Optional[Callable[[int, int], None]]], bytes]


class Caller(Protocol):
    """What a product namespace calls through: a :class:`~taptalk.Client`, or one of its
    retrying views (:meth:`~taptalk.Client.with_retry`)."""

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False) -> JSONDict:
        """Runs one operation by name (see :meth:`taptalk.Client.call`)."""
        ...

    def _native(self, call: NativeCall) -> Envelope:
        """Runs a native call with the live client handle (see ``NativeClient._native``)."""
        ...


class AsyncCaller(Protocol):
    """What the asynchronous namespaces call through: an :class:`~taptalk.AsyncClient` or
    one of its retrying views."""

    def call(self, operation: str, request: Mapping[str, Any], *,
             raw: bool = False) -> Awaitable[JSONDict]:
        """Runs one operation by name (see :meth:`taptalk.AsyncClient.call`)."""
        ...

    def _native_async(self, call: NativeCall) -> Awaitable[Envelope]:
        """Runs a native call on the client's workers (see ``AsyncClient._native_async``)."""
        ...


def _fields(pairs: Iterable[Tuple[str, Any]]) -> JSONDict:
    """A request object from (vendor name, value) pairs; None values are left out."""
    return {name: value for name, value in pairs if value is not None}


def data_or_raise(envelope: Envelope) -> JSONDict:
    """The envelope's ``data`` on success; otherwise raises its :class:`TapTalkError`."""
    error = envelope.get("error") or {}
    if envelope.get("status") == 200 and not error.get("code"):
        data = envelope.get("data")
        return data if isinstance(data, dict) else {}
    raise error_from_envelope(envelope)


def answer(envelope: Envelope, raw: bool) -> JSONDict:
    """What a call answers: with ``raw`` the whole envelope (never raising for a failed
    call), otherwise its ``data`` or the matching :class:`TapTalkError`."""
    return envelope if raw else data_or_raise(envelope)


class _Product:
    def __init__(self, caller: Caller) -> None:
        self._client = caller

    def _call(self, operation: str, request: Mapping[str, Any], raw: bool) -> JSONDict:
        return self._client.call(operation, request, raw=raw)
