"""Forwarding the native library's log lines to Python's :mod:`logging`.

The library logs one line per request attempt (operation, attempt, HTTP status, duration),
warnings for retries and errors for failed calls; keys and message bodies are never logged and
phone numbers are masked. Lines go to the ``taptalk`` logger.
"""

from __future__ import annotations

import logging
import threading
from typing import Optional

from . import _fork, _native

#: The logger that receives the library's lines.
logger = logging.getLogger("taptalk")

# Native levels (1 error .. 5 trace) and Python's.
_TO_PYTHON = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: 5}

_lock = threading.Lock()
# The ctypes callback must outlive its registration, or the library would call freed memory.
_installed: Optional[object] = None


def _new_lock_in_child() -> None:
    # A thread of the parent may have held it at the fork; that thread is gone in the child.
    global _lock
    _lock = threading.Lock()


_fork.after_fork_in_child(_new_lock_in_child)


def _native_level(python_level: int) -> int:
    """The most verbose native level whose lines pass ``python_level``."""
    passing = [native for native, level in _TO_PYTHON.items() if level >= python_level]
    return max(passing) if passing else 0


def _forward(_user_data: Optional[int], level: int, _target: Optional[bytes],
             message: Optional[bytes]) -> None:
    # Runs on whichever thread made the call; ctypes holds the GIL for us here. An exception
    # must not escape into the native caller.
    try:
        logger.log(_TO_PYTHON.get(level, logging.INFO),
                   (message or b"").decode("utf-8", "replace"))
    except Exception:  # pragma: no cover - logging itself failed
        pass


def enable_logging(level: int = logging.INFO) -> None:
    """Sends the library's lines at ``level`` and more severe to the ``taptalk`` logger.

    Off by default, because every forwarded line takes the GIL. Configure handlers as usual,
    e.g. ``logging.basicConfig(level=logging.INFO)``.
    """
    global _installed
    library = _native.library()
    with _lock:
        callback = _native.LOG_CALLBACK(_forward)
        library.set_log_callback(callback, None, _native_level(level))
        _installed = callback


def disable_logging() -> None:
    """Stops forwarding the library's lines."""
    global _installed
    library = _native.library()
    with _lock:
        library.set_log_callback(_native.LOG_CALLBACK(), None, 0)
        _installed = None
