"""Waiting for a native call without blocking what must stay responsive.

A native call blocks its thread until the reply (or the timeout) comes, and while ctypes is
inside a foreign call Python can run no code on that thread. Two waiters must not be stuck
like that:

- **The main thread**, where Python runs its signal handlers: a Ctrl-C during a foreign call
  only sets a flag, and the ``KeyboardInterrupt`` would come when the call returns (issue 19
  measured 19 seconds). So on the main thread :func:`blocking` runs the call on a worker
  thread with a cancellation handle (``tt_cancel_new``) and waits in slices of
  :data:`SLICE`. Whatever a signal handler raises meanwhile (``KeyboardInterrupt``,
  ``SystemExit``, ...) cancels the native call through the core (``tt_cancel``; it answers
  within about 50 ms), and is re-raised once the call has come back, with ``envelope`` (what
  the call answered) and ``maybe_delivered`` (:func:`taptalk.errors.maybe_delivered`) set
  on it. Other threads call directly: Python delivers no signal to them.
- **An asyncio event loop**: :func:`run_async` runs the call on the client's
  :class:`Workers` and awaits it; a cancelled task cancels the native call the same way and
  re-raises its ``CancelledError`` with the same two attributes.

Workers block the asynchronous signals, so the kernel hands a Ctrl-C to the main thread,
whose wait it interrupts at once (a worker receiving it would leave the main thread to notice
at the end of its slice).
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import threading
from typing import Any, Callable, Dict, List, Optional

from . import _native
from .errors import maybe_delivered

#: The longest the main thread waits without giving Python a chance to run signal handlers.
SLICE = 0.05

#: ``report(done, total)``: where a batch's progress goes (None: nowhere).
Report = Optional[Callable[[int, int], None]]
#: ``run(cancel, report)``: a native call with a cancellation handle, answering the envelope.
Run = Callable[[Optional[int], Report], bytes]

_FINISHED = object()

#: The envelope a call cancelled before a worker took it answers: the core's own words for
#: a call whose handle was cancelled before anything was sent (a test keeps them equal).
NOT_SENT: Dict[str, Any] = {
    "status": 499,
    "error": {"code": "91012", "field": "",
              "message": "The call was cancelled before its request was sent; "
                         "nothing reached the server"},
    "data": {"maybe_sent": False},
}

_NOT_SENT_BYTES = json.dumps(NOT_SENT).encode()

# The signals a worker leaves to the main thread (POSIX only).
_ASYNC_SIGNALS = [getattr(signal, name) for name in
                  ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGALRM", "SIGUSR1", "SIGUSR2")
                  if hasattr(signal, name)]


class Job:
    """One native call for a worker: owns its cancellation handle, freed when it ends."""

    __slots__ = ("_run", "_report", "_on_done", "_lock", "_handle", "_started", "_events",
                 "reply", "error")

    def __init__(self, run: Run, report: Report = None,
                 events: Optional["queue.SimpleQueue[Any]"] = None,
                 on_done: Optional[Callable[["Job"], None]] = None) -> None:
        library = _native.library()
        handle = library.cancel_new()
        if not handle:
            raise MemoryError("the taptalk library returned NULL (out of memory)")
        self._run = run
        self._report = report
        self._events = events
        self._on_done = on_done
        self._lock = threading.Lock()
        self._handle: Optional[int] = int(handle)
        self._started = False
        self.reply: Optional[bytes] = None
        self.error: Optional[BaseException] = None

    def __call__(self) -> None:
        """Runs the call (on a worker); a call cancelled before this answers at once."""
        library = _native.library()
        with self._lock:
            self._started = True
        try:
            self.reply = self._run(self._handle, self._report)
        except BaseException as error:  # handed to the waiter, which raises it
            self.error = error
        finally:
            # tt_cancel must never meet a freed handle: both happen under the lock.
            with self._lock:
                handle, self._handle = self._handle, None
            library.cancel_free(handle)
            if self._events is not None:
                self._events.put(_FINISHED)
            if self._on_done is not None:
                self._on_done(self)

    def cancel(self) -> bool:
        """Cancels the call through the core; answers whether it had started (if not, it
        will answer "not sent" the moment a worker takes it, without touching the network)."""
        with self._lock:
            if self._handle is not None:
                _native.library().cancel(self._handle)
            return self._started


class Workers:
    """Threads that run :class:`Job` s: started when none is idle (up to ``limit``; more jobs
    wait in line), reused, and stopped by :meth:`close`."""

    def __init__(self, limit: Optional[int] = None, name: str = "taptalk-worker") -> None:
        self._limit = limit
        self._name = name
        self._lock = threading.Lock()
        self._jobs: "queue.SimpleQueue[Optional[Job]]" = queue.SimpleQueue()
        self._threads: List[threading.Thread] = []
        self._idle = 0
        self._closed = False

    def submit(self, job: Job) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the client's workers are stopped (the client is closed)")
            if self._idle:
                self._idle -= 1  # an idle worker takes it
            elif self._limit is None or len(self._threads) < self._limit:
                thread = threading.Thread(target=self._work, daemon=True,
                                          name=f"{self._name}-{len(self._threads) + 1}")
                thread.start()  # (a RuntimeError here, at shutdown, leaves nothing queued)
                self._threads.append(thread)
            self._jobs.put(job)

    def close(self) -> None:
        """Stops the workers once the jobs already submitted are done (returns at once)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for _ in self._threads:
                self._jobs.put(None)

    def _work(self) -> None:
        if _ASYNC_SIGNALS and hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job()
            with self._lock:
                self._idle += 1


_pool = Workers(name="taptalk-main-wait")


def _fresh_pool() -> None:
    # A forked child has only the thread that forked: the parent's workers are not there.
    global _pool
    _pool = Workers(name="taptalk-main-wait")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_pool)


def _interrupted(error: BaseException, reply: Optional[bytes], batch: bool) -> None:
    """Sets ``envelope`` and ``maybe_delivered`` on what interrupted a call."""
    envelope = json.loads(reply) if reply else None
    if batch and envelope is not None:
        results = (envelope.get("data") or {}).get("results")
        delivered = (any(maybe_delivered(r) for r in results) if isinstance(results, list)
                     else maybe_delivered(envelope))
    else:
        delivered = maybe_delivered(envelope)
    try:
        error.envelope = envelope  # type: ignore[attr-defined]
        error.maybe_delivered = delivered  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - an exception type that refuses attributes
        pass


def blocking(run: Run, progress: Report = None, *, batch: bool = False) -> bytes:
    """Runs ``run`` for the calling thread and answers its envelope's bytes; see the module
    docstring. ``progress(done, total)`` (batches) runs on the calling thread. A batch always
    goes through a worker (its progress is then delivered here, on the caller's thread, and
    an exception raised by it cancels the batch like a Ctrl-C)."""
    on_main = threading.current_thread() is threading.main_thread()
    if not on_main and not batch:
        return run(None, None)
    events: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
    report: Report = None
    if progress is not None:
        report = lambda done, total: events.put((done, total))  # noqa: E731
    job: Optional[Job] = None
    try:
        job = Job(run, report, events)
        try:
            _pool.submit(job)
        except RuntimeError:  # no thread can start (the interpreter is shutting down)
            job()  # so it runs here, uninterruptible, as before this module existed
        while True:
            event = _next_event(events)
            if event is _FINISHED:
                break
            if event is not None:
                assert progress is not None
                progress(*event)
    except BaseException as interruption:
        if job is None or not job.cancel():
            # No worker had taken it: whenever one does, it answers "not sent" at once.
            _interrupted(interruption, _NOT_SENT_BYTES, False)
            raise
        try:
            while events.get() is not _FINISHED:  # progress after the interruption: dropped
                pass
        except BaseException as again:  # interrupted again: leave the worker to finish alone
            _interrupted(again, None, batch)
            raise
        _interrupted(interruption, job.reply, batch)
        raise
    if job.error is not None:
        raise job.error
    assert job.reply is not None
    return job.reply


async def run_async(workers: Workers, run: Run, progress: Report = None, *,
                    batch: bool = False) -> bytes:
    """Runs ``run`` on ``workers`` and awaits its envelope's bytes without blocking the loop;
    ``progress(done, total)`` is called on the loop. A cancelled task cancels the native
    call, waits for it to come back (about 50 ms; at once when no worker had taken it yet)
    and re-raises its CancelledError with ``envelope`` and ``maybe_delivered`` set."""
    loop = asyncio.get_running_loop()
    waiter = _Waiter(loop)
    report: Report = None
    if progress is not None:
        def report(done: int, total: int) -> None:  # on the worker
            try:
                loop.call_soon_threadsafe(progress, done, total)
            except RuntimeError:  # the loop is closed: nobody is listening any more
                pass

    job = Job(run, report, on_done=waiter.settle)
    workers.submit(job)
    try:
        await waiter.future
    except asyncio.CancelledError as cancelled:
        if not job.cancel():
            _interrupted(cancelled, _NOT_SENT_BYTES, False)
            raise
        # The task's cancel cancelled the future it awaited: wait on fresh ones until the
        # native call is back (both this and _Waiter.resolve run on the loop, in turn).
        while not waiter.delivered:
            waiter.future = loop.create_future()
            try:
                await waiter.future
            except asyncio.CancelledError:
                pass  # cancelled again: the native call is coming back anyway
        _interrupted(cancelled, job.reply, batch)
        raise
    if job.error is not None:
        raise job.error
    assert job.reply is not None
    return job.reply


class _Waiter:
    """Where a worker's job reports back to the event loop: ``settle`` on the worker,
    ``resolve`` on the loop, which completes whichever future is being awaited then."""

    __slots__ = ("loop", "future", "delivered")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: "asyncio.Future[None]" = loop.create_future()
        self.delivered = False

    def settle(self, _job: Job) -> None:  # on the worker
        try:
            self.loop.call_soon_threadsafe(self.resolve)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    def resolve(self) -> None:  # on the loop
        self.delivered = True
        if not self.future.done():
            self.future.set_result(None)


def _next_event(events: "queue.SimpleQueue[Any]") -> Any:
    """The next event, or None after a slice without one. (Not written as ``except Empty:
    continue`` in the loop above: CPython 3.11 can raise a signal handler's exception on that
    ``continue``'s jump back outside every ``try`` around it, so it would escape uncancelled.)"""
    try:
        return events.get(timeout=SLICE)
    except queue.Empty:
        return None
