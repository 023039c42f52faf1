"""The package's own state in a forked child (gunicorn ``--preload``, Celery's prefork pool,
``multiprocessing`` with the fork start method, ``os.fork()``).

Only the forking thread goes on in a child. A ``threading.Lock`` that another thread of the
parent held at the moment of the fork stays held in the child for ever, and counts kept by
those threads (a client's calls in flight) never go down. So every module and object of the
package that holds such state registers here, and a handler run by
``os.register_at_fork(after_in_child=...)`` gives each of them fresh locks in the child,
before any code of the child runs. The native library does its own part (a child makes its
own connections and never touches the parent's); see the README's "Fork safety".

This module imports nothing of the package, so every module may register with it.
"""

from __future__ import annotations

import os
import weakref
from typing import Callable, List, Protocol


class ForkAware(Protocol):
    """An object with state to renew in a forked child (a :class:`~taptalk.Client`)."""

    def _after_fork_in_child(self) -> None:
        """Runs in the child, on its only thread, right after the fork."""
        ...


# Module-level renewals (a module's lock), in registration order.
_module_resets: List[Callable[[], None]] = []
# Live objects: weak, so being tracked never keeps a client alive.
_objects: "weakref.WeakSet[ForkAware]" = weakref.WeakSet()


def after_fork_in_child(reset: Callable[[], None]) -> None:
    """Runs ``reset`` in every forked child, e.g. to replace a module's lock."""
    _module_resets.append(reset)


def track(obj: ForkAware) -> None:
    """Calls ``obj._after_fork_in_child()`` in every child forked while ``obj`` lives."""
    _objects.add(obj)


def _in_child() -> None:
    # An exception here would be printed by Python and the rest skipped: renew everything
    # even if one fails.
    for reset in list(_module_resets):
        try:
            reset()
        except Exception:  # pragma: no cover - a reset only makes new locks
            pass
    for obj in list(_objects):
        try:
            obj._after_fork_in_child()
        except Exception:  # pragma: no cover - as above
            pass


# Python 3.7+ on POSIX; where there is no fork (Windows) there is nothing to do.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_child)
