"""Loaded before a page's Python snippets run (scripts/docs/snippets.py): points the
snippets, which are written for the real service, at the sandbox.

- The ``TAPTALK_*`` variables the snippets read their keys from are set to the sandbox's
  keys (never overriding one already set).
- A product section without ``base_url`` (the real host, as users write it) and the
  literal ``http://127.0.0.1:8080`` of the sandbox variants get the running sandbox's URL,
  rewritten in the configuration JSON just before ``tt_client_new`` reads it. Nothing else
  of a snippet is changed: it calls the library exactly as written.
"""

from __future__ import annotations

import json
import os

SANDBOX = os.environ["TAPTALK_DOCS_SANDBOX"]
DEFAULTS = {
    "TAPTALK_SENDTALK_API_KEY": "sandbox-sendtalk-api-key",
    "TAPTALK_ONETALK_API_KEY": "sandbox-onetalk-api-key",
    "TAPTALK_ONETALK_CHANNEL_ID": "docs-channel",
    "TAPTALK_POWERTALK_BASE_URL": SANDBOX,
    "TAPTALK_POWERTALK_KEY_ID": "sandbox-powertalk-key-id",
    "TAPTALK_POWERTALK_KEY_SECRET": "sandbox-powertalk-key-secret",
    "TAPTALK_PHONE": "6281212345678",
}
for name, value in DEFAULTS.items():
    os.environ.setdefault(name, value)

import taptalk  # noqa: E402  (after the variables: nothing reads them at import, but be plain)
from taptalk import _native  # noqa: E402

_library = _native.library()
_client_new = _library.client_new


def _to_sandbox(config_json: bytes, error_out):  # type: ignore[no-untyped-def]
    config = json.loads(config_json)
    for product in ("powertalk", "sendtalk", "onetalk"):
        section = config.get(product)
        if isinstance(section, dict):
            url = section.get("base_url")
            if url is None or url == "http://127.0.0.1:8080" or (
                    product != "powertalk" and url.startswith("https://") and "taptalk.io" in url):
                section["base_url"] = SANDBOX
    return _client_new(json.dumps(config).encode("utf-8"), error_out)


_library.client_new = _to_sandbox
