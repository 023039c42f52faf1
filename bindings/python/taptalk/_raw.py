"""``request``: raw requests to endpoints the package has no method for yet, for
:class:`~taptalk.Client` (:class:`RawRequests`) and :class:`~taptalk.AsyncClient`
(:class:`AsyncRawRequests`); both build the native call with :func:`raw_request_call`."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Union

from ._base import Envelope, JSONDict, NativeCall, answer


class RawRequests:
    """The ``request`` method of :class:`~taptalk.Client` (over ``tt_request``)."""

    _library: Any

    def _native(self, call: NativeCall) -> Envelope:  # pragma: no cover - Client's
        raise NotImplementedError

    def request(self, product: str, method: str, path: str, *,
                body: Any = None, query: Optional[Mapping[str, Any]] = None,
                safe_to_repeat: bool = False, retry: Optional[Mapping[str, int]] = None,
                raw: bool = False) -> JSONDict:
        """Calls an endpoint this package has no method for yet, with everything a method
        gets (the product's key header, timeouts, size cap, no redirects, the envelope
        check, retries, logging)::

            client.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone",
                           body={"phone": "6281212345678"})
            client.request("onetalk", "GET", "/api/integration/v1/inbox/case/get_updated_list",
                           query={"since_timestamp": 0, "limit": 10})

        Args:
            product: "powertalk", "sendtalk" or "onetalk".
            method: "GET" or "POST".
            path: a path under the product's base URL. Anything that could reach another
                host or climb out of it (a URL, ``//``, ``..``, ``?``, control characters,
                ...) raises :class:`ValidationError` (field ``"path"``) before sending.
            body: the JSON body of a POST (default ``{}``).
            query: the query values of a GET: strings, numbers and booleans (None left out).
            safe_to_repeat: a POST is treated as a send and never repeated once it may have
                been written; True lets it be retried like a read (only for an endpoint
                where doing it twice is harmless).
            retry: retry keys for this call only, as for :meth:`call`.
            raw: return the whole envelope instead of raising on failure (a closed
                client included).
        """
        prepared = raw_request_call(self._library, product, method, path, body, query,
                                    safe_to_repeat, retry)
        envelope = prepared if isinstance(prepared, dict) else self._native(prepared)
        return answer(envelope, raw)


class AsyncRawRequests:
    """The ``request`` method of :class:`~taptalk.AsyncClient` (over ``tt_request``)."""

    _library: Any

    async def _native_async(self, call: NativeCall) -> Envelope:  # pragma: no cover
        raise NotImplementedError

    async def request(self, product: str, method: str, path: str, *,
                      body: Any = None, query: Optional[Mapping[str, Any]] = None,
                      safe_to_repeat: bool = False, retry: Optional[Mapping[str, int]] = None,
                      raw: bool = False) -> JSONDict:
        """As :meth:`taptalk.Client.request`, awaited."""
        prepared = raw_request_call(self._library, product, method, path, body, query,
                                    safe_to_repeat, retry)
        envelope = prepared if isinstance(prepared, dict) else await self._native_async(prepared)
        return answer(envelope, raw)


def raw_request_call(library: Any, product: str, method: str, path: str, body: Any,
                     query: Optional[Mapping[str, Any]], safe_to_repeat: bool,
                     retry: Optional[Mapping[str, int]]) -> Union[Envelope, NativeCall]:
    """The native call of a raw request, or the envelope that answers it without one."""
    for name, text in (("product", product), ("method", method), ("path", path)):
        if "\x00" in text:
            # A C string ends at NUL: the rest would silently be dropped.
            return {"status": 400, "error": {
                "code": "40002", "message": f"The {name} contains a NUL character",
                "field": name}, "data": {}}
    verb = method.upper()
    if verb == "GET" and body is not None:
        raise TypeError("a GET has no body; give query=... instead")
    if verb == "POST" and query is not None:
        raise TypeError("a POST has no query; give body=... instead")
    payload = body if verb == "POST" else query
    encoded = (None if payload is None else
               json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    options: JSONDict = {}
    if safe_to_repeat:
        options["safe_to_repeat"] = True
    if retry is not None:
        options["retry"] = dict(retry)
    options_json = json.dumps(options).encode("ascii") if options else None
    return lambda handle, cancel, _report: library.take_string(library.request_cancellable(
        handle, product.encode("utf-8"), verb.encode("utf-8"), path.encode("utf-8"),
        encoded, options_json, cancel))

