"""What the product namespaces share: the request builder and the call path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Mapping, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client

#: A decoded JSON object.
JSONDict = Dict[str, Any]


def _fields(pairs: Iterable[Tuple[str, Any]]) -> JSONDict:
    """A request object from (vendor name, value) pairs; None values are left out."""
    return {name: value for name, value in pairs if value is not None}


class _Product:
    def __init__(self, client: "Client") -> None:
        self._client = client

    def _call(self, operation: str, request: Mapping[str, Any], raw: bool) -> JSONDict:
        return self._client.call(operation, request, raw=raw)
