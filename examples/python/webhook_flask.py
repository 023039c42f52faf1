"""A Flask receiver for TapTalk's webhooks, built with taptalk.webhooks.

    pip install flask ./bindings/python
    TAPTALK_CHATBOT_SECRET=... flask --app examples/python/webhook_flask.py run --port 8000

Point the OneTalk organisation webhook (dashboard: Integration > Webhooks) at
``/taptalk/webhook`` and a custom chatbot's API URL at ``/taptalk/chatbot``. With
``TAPTALK_CHATBOT_ORGANIZATION_ID``, ``TAPTALK_CHATBOT_ID`` (and ``TAPTALK_BASE_URL`` for the
sandbox) set too, the chatbot answers each customer message through OneTalk.

Each handler answers at once and leaves the work to a background thread: TapTalk waits for
the reply, retries a callback that is slow or not 2xx, and holds the callbacks queued behind
it meanwhile. Each event is handled once, by its key: TapTalk may deliver one twice.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import List, Optional

from flask import Flask, request

import taptalk
from taptalk import webhooks

CHATBOT_SECRET = os.environ.get("TAPTALK_CHATBOT_SECRET")

app = Flask(__name__)
work: "queue.Queue[webhooks.Event]" = queue.Queue()
handled: List[webhooks.Event] = []  # what the worker did, in order (read by the tests)
_seen: set = set()  # keys of events already queued; a database with an expiry in production
_lock = threading.Condition()


def _chatbot_client() -> Optional[taptalk.Client]:
    organization, chatbot = (os.environ.get("TAPTALK_CHATBOT_ORGANIZATION_ID"),
                             os.environ.get("TAPTALK_CHATBOT_ID"))
    if not (organization and chatbot and CHATBOT_SECRET):
        return None
    section = {"organization_id": organization, "chatbot_id": chatbot,
               "secret_key": CHATBOT_SECRET}
    if os.environ.get("TAPTALK_BASE_URL"):
        section["base_url"] = os.environ["TAPTALK_BASE_URL"]
    return taptalk.Client(chatbot=section)


client = _chatbot_client()


def receive(secret: Optional[str]):
    try:
        event = webhooks.parse(request.headers, request.get_data(), secret=secret)
    except taptalk.WebhookError as error:
        # 401 for a missing or wrong X-Secret-Key, 400/413 for a body that is not TapTalk's.
        return {"code": error.code, "message": error.message}, error.status
    with _lock:
        first = event.key not in _seen
        _seen.add(event.key)
    if first:
        work.put(event)
    return "", 200


@app.post("/taptalk/webhook")
def organisation_webhook():
    """Message statuses and resolved cases: the organisation webhook carries no secret."""
    return receive(secret=None)


@app.post("/taptalk/chatbot")
def chatbot_message():
    """A customer's message to the custom chatbot, with X-Secret-Key."""
    return receive(secret=CHATBOT_SECRET)


def handle(event: webhooks.Event) -> None:
    if isinstance(event, webhooks.MessageStatus):
        print(f"message {event.trx_id} to {event.contact_phone}: {event.status}", flush=True)
    elif isinstance(event, webhooks.CaseResolved):
        print(f"case {event.case_id} resolved at {event.resolved_time}", flush=True)
    elif isinstance(event, webhooks.ChatbotMessage):
        print(f"case {event.case_id}: {event.sender.contact_name} wrote "
              f"{event.message.text!r}", flush=True)
        if client is not None and event.message.text:
            client.chatbot.send_text(case_id=event.case_id,
                                     text=f"You said: {event.message.text}")
    else:
        print(f"{event.callback} {event.type} ({event.key})", flush=True)
    with _lock:
        handled.append(event)
        _lock.notify_all()


def _worker() -> None:
    while True:
        event = work.get()
        try:
            handle(event)
        except taptalk.TapTalkError as error:  # keep the worker alive; log and go on
            print(f"handling {event.key} failed: {error}", flush=True)


threading.Thread(target=_worker, name="taptalk-webhooks", daemon=True).start()


def wait_for(count: int, timeout: float = 10.0) -> List[webhooks.Event]:
    """The first ``count`` handled events, waiting for them (for tests and demos)."""
    with _lock:
        _lock.wait_for(lambda: len(handled) >= count, timeout=timeout)
        return list(handled)
