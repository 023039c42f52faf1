"""Platform certificate trust: a Python function deciding whether a server's certificate chain
is trusted, for clients configured with ``tls={"verifier": "platform"}``::

    def verify(chain, host):          # chain: DER bytes, leaf first; host: str
        if not my_os_trusts(chain, host):
            raise ValueError("unknown issuer")   # the message becomes the reason in TLSError

    taptalk.set_tls_verifier(verify)
    client = taptalk.Client(sendtalk={"api_key": API_KEY}, tls={"verifier": "platform"})

(``tests/test_docs.py`` runs this snippet.)

The library itself still checks the host name against the leaf and the handshake signatures;
the function decides chain trust only. It runs on the thread making the call (taking the GIL),
possibly on several threads at once, and must not call into taptalk.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Callable, List, Optional

from . import _fork, _native

#: ``verifier(chain, host)``: returns to trust, raises to reject.
Verifier = Callable[[List[bytes], str], None]

_lock = threading.Lock()
# The ctypes callback must outlive its registration, or the library would call freed memory.
_installed: Optional[object] = None


def _new_lock_in_child() -> None:
    # A thread of the parent may have held it at the fork; that thread is gone in the child.
    global _lock
    _lock = threading.Lock()


_fork.after_fork_in_child(_new_lock_in_child)


def _trampoline(verifier: Verifier) -> object:
    def check(_user_data: Optional[int], certs, lens, count: int, name: Optional[bytes],
              reason: Optional[int], capacity: int) -> int:
        try:
            chain = [ctypes.string_at(certs[i], lens[i]) for i in range(count)]
            verifier(chain, (name or b"").decode("utf-8", "replace"))
            return 1  # TT_TLS_TRUSTED
        except Exception as e:  # any failure is a rejection, never an escape into C
            if reason and capacity > 0:
                text = (str(e) or type(e).__name__).encode("utf-8", "replace")[:capacity - 1]
                ctypes.memmove(reason, text + b"\0", len(text) + 1)
            return 0  # TT_TLS_REJECTED
    return _native.TLS_VERIFY_CALLBACK(check)


def set_tls_verifier(verifier: Optional[Verifier]) -> None:
    """Registers ``verifier`` process-wide (``tt_set_tls_verifier``), or removes it with None.
    Returns once no verification is running with the previous one."""
    global _installed
    library = _native.library()
    with _lock:
        callback = (_native.TLS_VERIFY_CALLBACK() if verifier is None
                    else _trampoline(verifier))
        library.set_tls_verifier(callback, None)
        _installed = None if verifier is None else callback
