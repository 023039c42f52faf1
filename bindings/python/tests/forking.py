"""Running code in a forked child with a guard: the child's answer comes back as JSON over a
pipe, and a child that does not answer in time is killed and reported as stalled, so a
fork test fails instead of hanging."""

from __future__ import annotations

import json
import os
import select
import signal
import time
import traceback
from typing import Any, Callable, Dict

#: What a guarded child answered: the body's JSON value under "value", or "stalled": True
#: (killed at the deadline), or "error": the traceback of what it raised.
Outcome = Dict[str, Any]


class Forked:
    """A child started by :func:`start_guarded`; :meth:`outcome` waits for its answer."""

    def __init__(self, pid: int, readable: int, deadline: float) -> None:
        self.pid = pid
        self._readable = readable
        self._deadline = deadline

    def outcome(self) -> Outcome:
        """The child's answer, or ``{"stalled": True}`` once the deadline has passed (the
        child is killed then)."""
        chunks = []
        try:
            while True:
                left = self._deadline - time.monotonic()
                if left <= 0 or not select.select([self._readable], [], [], left)[0]:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    return {"stalled": True}
                chunk = os.read(self._readable, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self._readable)
        _, status = os.waitpid(self.pid, 0)
        if not chunks:
            return {"error": f"the child answered nothing (wait status {status})"}
        return json.loads(b"".join(chunks))


def start_guarded(body: Callable[[], Any], timeout: float) -> Forked:
    """Forks; the child runs ``body()`` and sends back its JSON value (or the traceback of
    what it raised), while the caller goes on.

    The child never returns into the caller's code (pytest's, here): it leaves with
    ``os._exit``. Its own alarm, a little after the deadline, ends it even if no one
    collects it.
    """
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(readable)
        status = 0
        try:
            signal.alarm(int(timeout) + 5)
            try:
                answer: Outcome = {"value": body()}
            except BaseException:
                answer = {"error": traceback.format_exc()}
            data = json.dumps(answer).encode()
            while data:
                data = data[os.write(writable, data):]
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(writable)
    return Forked(pid, readable, time.monotonic() + timeout)


def fork_guarded(body: Callable[[], Any], timeout: float) -> Outcome:
    """Runs ``body()`` in a forked child and answers its outcome within ``timeout``
    seconds (see :func:`start_guarded`)."""
    return start_guarded(body, timeout).outcome()


def value(outcome: Outcome) -> Any:
    """The child's value; an AssertionError saying what happened otherwise."""
    assert not outcome.get("stalled"), "the forked child stalled (killed at its deadline)"
    assert "error" not in outcome, f"the forked child failed:\n{outcome['error']}"
    return outcome["value"]
