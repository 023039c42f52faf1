"""A FastAPI receiver for TapTalk's webhooks, built with taptalk.webhooks.

    pip install fastapi uvicorn ./bindings/python
    TAPTALK_CHATBOT_SECRET=... uvicorn --app-dir examples/python webhook_fastapi:app --port 8000

The same two endpoints as the Flask example: ``/taptalk/webhook`` for the OneTalk
organisation webhook, ``/taptalk/chatbot`` for a custom chatbot's inbound messages.

The handler reads the raw body (``await request.body()``: never a model FastAPI parsed, so
the secret check and the duplicate-key rule see what TapTalk sent), answers at once and
leaves the work to a background task: TapTalk waits for the reply, retries a callback that
is slow or not 2xx, and holds the callbacks queued behind it meanwhile. Each event is handled
once, by its key. taptalk's calls block, so the chatbot's answer runs in a thread.
"""

from __future__ import annotations

import asyncio
import os
from typing import List, Optional

from fastapi import BackgroundTasks, FastAPI, Request, Response
from fastapi.responses import JSONResponse

import taptalk
from taptalk import webhooks

CHATBOT_SECRET = os.environ.get("TAPTALK_CHATBOT_SECRET")

app = FastAPI()
handled: List[webhooks.Event] = []  # what was done, in order (read by the tests)
_seen: set = set()  # keys of events already taken; a database with an expiry in production


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


async def receive(request: Request, tasks: BackgroundTasks, secret: Optional[str]) -> Response:
    try:
        event = webhooks.parse(request.headers, await request.body(), secret=secret)
    except taptalk.WebhookError as error:
        return JSONResponse({"code": error.code, "message": error.message},
                            status_code=error.status)
    if event.key not in _seen:  # one event loop: no lock needed
        _seen.add(event.key)
        tasks.add_task(handle, event)  # runs after the 200 has been sent
    return Response(status_code=200)


@app.post("/taptalk/webhook")
async def organisation_webhook(request: Request, tasks: BackgroundTasks) -> Response:
    """Message statuses and resolved cases: the organisation webhook carries no secret."""
    return await receive(request, tasks, secret=None)


@app.post("/taptalk/chatbot")
async def chatbot_message(request: Request, tasks: BackgroundTasks) -> Response:
    """A customer's message to the custom chatbot, with X-Secret-Key."""
    return await receive(request, tasks, secret=CHATBOT_SECRET)


async def handle(event: webhooks.Event) -> None:
    if isinstance(event, webhooks.MessageStatus):
        print(f"message {event.trx_id} to {event.contact_phone}: {event.status}", flush=True)
    elif isinstance(event, webhooks.CaseResolved):
        print(f"case {event.case_id} resolved at {event.resolved_time}", flush=True)
    elif isinstance(event, webhooks.ChatbotMessage):
        print(f"case {event.case_id}: {event.sender.contact_name} wrote "
              f"{event.message.text!r}", flush=True)
        if client is not None and event.message.text:
            await asyncio.to_thread(client.chatbot.send_text, case_id=event.case_id,
                                    text=f"You said: {event.message.text}")
    else:
        print(f"{event.callback} {event.type} ({event.key})", flush=True)
    handled.append(event)
