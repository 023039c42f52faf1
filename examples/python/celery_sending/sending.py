"""Sending at scale with Celery: the pattern (see README.md beside this file).

A Celery app whose tasks send WhatsApp messages through SendTalk with **one module-level
taptalk client**. The worker imports this module once, in its main process, and then forks
its prefork pool: every pool process inherits the client, and that is safe: in a forked
process the library opens connections of its own and never touches the parent's, and the
package renews its own locks. Nothing to do per process, no ``worker_process_init`` hook.

Configuration, from the environment:

    CELERY_BROKER_URL          the broker (default redis://127.0.0.1:6379/0); results go there too
    TAPTALK_SENDTALK_API_KEY   your SendTalk API key (required)
    TAPTALK_SENDTALK_BASE_URL  another SendTalk server, e.g. the offline sandbox's URL

Run a worker with four pool processes::

    celery -A sending worker --pool prefork --concurrency 4
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Tuple, Union

from celery import Celery, group
from celery.signals import worker_init

import taptalk

broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
app = Celery("sending", broker=broker, backend=broker)
# Sends are acknowledged when a worker takes them (Celery's default), never late: a task
# redelivered after a worker died could send its message twice. Results are kept an hour.
app.conf.update(task_acks_late=False, result_expires=3600, worker_prefetch_multiplier=4,
                broker_connection_retry_on_startup=True)

sendtalk: Dict[str, str] = {"api_key": os.environ.get("TAPTALK_SENDTALK_API_KEY", "")}
if os.environ.get("TAPTALK_SENDTALK_BASE_URL"):
    sendtalk["base_url"] = os.environ["TAPTALK_SENDTALK_BASE_URL"]

#: The one client of every process: thread-safe, fork-safe, one keep-alive pool per process.
client = taptalk.Client(sendtalk=sendtalk, timeout=30)


@worker_init.connect
def check_the_key(**_: Any) -> None:
    """Fails the worker at start, not at its first task, when the key is wrong: a read that
    sends nothing (an unknown message id answers NotFoundError once the key is accepted).
    It runs in the worker's main process before the pool is forked, so the pool processes
    inherit a client that has a kept-alive connection: they never use it, and open their own.
    """
    try:
        client.sendtalk.get_status(id="00000000-0000-0000-0000-000000000000")
    except taptalk.NotFoundError:
        pass


@app.task(autoretry_for=(taptalk.ConnectError, taptalk.ProxyError), retry_backoff=True,
          max_retries=5)
def send_whatsapp(phone: str, body: str) -> Dict[str, Any]:
    """Sends one text message; answers the reply's data (``{"success", "message", "id"}``).

    The library already retried what was safe to retry. Celery retries only failures where
    nothing was sent (ConnectError, ProxyError); a timeout after the request was written
    (OutcomeUnknownError) is not retried, since the message may have been delivered.
    """
    return client.sendtalk.send_whatsapp(phone=phone, message_type="text", body=body)


def send_many(messages: Iterable[Tuple[str, str]],
              timeout: float = 600) -> List[Union[Dict[str, Any], Exception]]:
    """Queues one task per ``(phone, body)`` and answers their results in the same order: a
    reply's data, or the exception a failed task raised (a :class:`taptalk.TapTalkError`)."""
    job = group(send_whatsapp.s(phone, body) for phone, body in messages).apply_async()
    return job.get(timeout=timeout, propagate=False)


if __name__ == "__main__":
    import sys
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    phone = os.environ.get("TAPTALK_PHONE", "6281212345678")
    results = send_many((phone, f"Message {n} of {count}") for n in range(count))
    accepted = [r for r in results if isinstance(r, dict) and r.get("success")]
    failed = [r for r in results if isinstance(r, Exception)]
    print(f"{len(accepted)} of {count} messages accepted, {len(failed)} failed"
          + (f" (first: {failed[0]!r})" if failed else ""))
