#!/usr/bin/env python3
"""A realistic day with taptalk from Python, end to end, in one command:

    python3 examples/python/quickstart.py

Without credentials it starts the offline sandbox (target/debug/taptalk-sandbox, or
$TAPTALK_SANDBOX; build it with `cargo build -p taptalk-sandbox`) and runs against it. With
TAPTALK_* variables set it runs against the real service instead:
TAPTALK_SENDTALK_API_KEY, TAPTALK_ONETALK_API_KEY, TAPTALK_ONETALK_CHANNEL_ID,
TAPTALK_POWERTALK_BASE_URL, TAPTALK_POWERTALK_KEY_ID, TAPTALK_POWERTALK_KEY_SECRET, and
TAPTALK_PHONE (the WhatsApp number that receives the messages). Steps whose product has no
credentials are skipped.

The same walk as examples/quickstart.rs: sync contacts, send a PowerTalk text and image
message, send a WhatsApp OTP via SendTalk and poll its status until sent, send a OneTalk
message that opens a case, list updated cases, mark one as junk, and show a validation error
caught before anything is sent. Against the sandbox it also runs a small webhook receiver
(taptalk.webhooks.parse behind http.server) and prints a OneTalk message's statuses as they
arrive.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

try:
    import taptalk
except ImportError as error:
    if "No module named" not in str(error):
        raise
    # Not installed: use the package from this checkout (and its target/ build).
    sys.path.insert(0, os.path.join(REPO, "bindings", "python"))
    import taptalk

LIVE_VARIABLES = ("TAPTALK_SENDTALK_API_KEY", "TAPTALK_ONETALK_API_KEY",
                  "TAPTALK_POWERTALK_KEY_SECRET")


def start_sandbox() -> Tuple[subprocess.Popen, str]:
    """Starts taptalk-sandbox on a free port and returns it with its URL."""
    binary = os.environ.get("TAPTALK_SANDBOX") or next(
        (path for path in (os.path.join(REPO, "target", profile, "taptalk-sandbox")
                           for profile in ("debug", "release")) if os.path.exists(path)),
        None)
    if binary is None:
        sys.exit("The sandbox is not built: run `cargo build -p taptalk-sandbox` first "
                 "(or set TAPTALK_* variables to use the real service).")
    process = subprocess.Popen([binary, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    prefix = "taptalk-sandbox listening on "
    if not first.startswith(prefix):
        process.kill()
        sys.exit(f"The sandbox did not start: {first!r}")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # drain its output
    return process, first[len(prefix):]


def sandbox_config(url: str) -> Dict[str, Any]:
    return {
        "powertalk": {"base_url": url, "server_key_id": "sandbox-powertalk-key-id",
                      "server_key_secret": "sandbox-powertalk-key-secret"},
        "sendtalk": {"base_url": url, "api_key": "sandbox-sendtalk-api-key"},
        "onetalk": {"base_url": url, "api_key": "sandbox-onetalk-api-key"},
    }


def live_config() -> Dict[str, Any]:
    env = os.environ.get
    config: Dict[str, Any] = {}
    if env("TAPTALK_SENDTALK_API_KEY"):
        config["sendtalk"] = {"api_key": env("TAPTALK_SENDTALK_API_KEY")}
    if env("TAPTALK_ONETALK_API_KEY"):
        config["onetalk"] = {"api_key": env("TAPTALK_ONETALK_API_KEY")}
    if env("TAPTALK_POWERTALK_BASE_URL") and env("TAPTALK_POWERTALK_KEY_ID") and \
            env("TAPTALK_POWERTALK_KEY_SECRET"):
        config["powertalk"] = {"base_url": env("TAPTALK_POWERTALK_BASE_URL"),
                               "server_key_id": env("TAPTALK_POWERTALK_KEY_ID"),
                               "server_key_secret": env("TAPTALK_POWERTALK_KEY_SECRET")}
    return config


def mask(phone: str) -> str:
    """Phone numbers are personal data: show only the ends."""
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 6) + phone[-2:]


def failed(step: str, error: taptalk.TapTalkError) -> None:
    print(f"  ! {step} failed: {type(error).__name__}, status {error.status}, "
          f"code {error.code}: {error.message}")


def powertalk(client: taptalk.Client) -> None:
    print("\nPowerTalk (chat inside your app)")
    try:
        # Users and a room first: both calls are upserts, safe to run on every start-up.
        for user_id, name in (("alice", "Alice Tan"), ("bob", "Bob Wijaya")):
            user = client.powertalk.update_user(xc_user_id=user_id, full_name=name)
            print(f"  User {user_id} is ready (userID {user['userID']})")
        room = client.powertalk.create_or_update_room(
            xc_room_id="order-1001", room_type=4, name="Order #1001",
            participant_xc_user_ids=["alice", "bob"])["room"]
        print(f"  Room {room['xcRoomID']} ({room['name']}) has "
              f"{len(room['participantXCUserIDs'])} participants")
        ticket = client.powertalk.request_auth_ticket(
            user_ip_address="203.0.113.7", user_agent="ShopApp/2.1", user_platform="android",
            user_device_id="alice-phone", xc_user_id="alice", full_name="Alice Tan")["ticket"]
        print(f"  Auth ticket for alice's app: {ticket[:6]}... (valid one hour)")
        counts = client.powertalk.sync_contacts([
            taptalk.Contact("alice", "bob"),
            taptalk.Contact("bob", "alice"),
            taptalk.Contact("alice", "mallory", is_deleted=True),
        ])
        print(f"  Synced contacts: {counts['countInserted']} added, "
              f"{counts['countDeleted']} removed")
        sent = client.powertalk.send_custom_message(
            message_type=1001, body="Hi Bob, your order has shipped.",
            sender_xc_user_id="alice", recipient_xc_user_id="bob")
        print(f"  Sent a text message to bob (localID {sent['localID']})")
        # `data` may be a dict or a list: taptalk encodes it to the string the API wants.
        sent = client.powertalk.send_custom_message(
            message_type=1002, body="Here is the parcel",
            data={"url": "https://example.com/parcel.jpg", "mediaType": "image/jpeg",
                  "size": 131072, "width": 1280, "height": 720, "caption": "Your parcel"},
            sender_xc_user_id="alice", recipient_xc_user_id="bob")
        print(f"  Sent an image message to bob (localID {sent['localID']})")
    except taptalk.TapTalkError as error:
        failed("PowerTalk", error)


def sendtalk(client: taptalk.Client, phone: str) -> None:
    print("\nSendTalk (WhatsApp notifications)")
    try:
        sent = client.sendtalk.send_whatsapp(phone=phone, message_type="otp",
                                             body="Your login code is 482913")
        print(f"  Queued a WhatsApp OTP to {mask(phone)} (id {sent['id']})")
        started = time.monotonic()
        while time.monotonic() - started < 30:
            status = client.sendtalk.get_status(id=sent["id"])
            if status["isSent"]:
                elapsed = int((time.monotonic() - started) * 1000)
                print(f"  Delivered after {elapsed} ms, charged {status['price']} "
                      f"{status['currency']}")
                return
            print(f"  ...still {status['status']}")
            time.sleep(0.1)
        print("  Not delivered within 30 s; check it later with get_status")
    except taptalk.TapTalkError as error:
        failed("SendTalk", error)


def onetalk(client: taptalk.Client, phone: str, channel: str) -> None:
    print("\nOneTalk (customer service inbox)")
    since = int(time.time() * 1000) - 1000
    try:
        # A customer opens the live chat: the backend asks for a ticket for them.
        ticket = client.onetalk.request_user_auth_ticket(
            customer_user_id="customer-42", full_name="Citra Lestari", phone=phone)["ticket"]
        print(f"  Auth ticket for customer-42: {ticket[:6]}... (valid one hour)")
        sent = client.onetalk.send_whatsapp(channel_id=channel, phone=phone,
                                            message_type="text",
                                            body="Hello! How can we help you today?",
                                            with_case=True, topic_id=1)
        print(f"  Sent a WhatsApp message that opened case {sent['caseID']}")
        cases = list(client.onetalk.iter_updated_cases(since_timestamp=since, page_size=10))
        print(f"  {len(cases)} case(s) updated in the last second:")
        for case in cases:
            print(f"    case {case['id']}: contact {mask(case['contact']['phone'])}, "
                  f"closed: {case['isClosed']}, junk: {case['isJunk']}")
        if cases:
            client.onetalk.update_case(case_id=cases[0]["id"], is_junk=True,
                                       agent_remark="test message from the quickstart")
            print(f"  Marked case {cases[0]['id']} as junk")
    except taptalk.TapTalkError as error:
        failed("OneTalk", error)


def receiver() -> Tuple[ThreadingHTTPServer, "queue.Queue[Any]"]:
    """A webhook receiver: each request's headers and raw body go to taptalk.webhooks.parse;
    the event goes to a queue for the work that follows, and the sender gets 200 at once (or
    the refusal's status). Queued before answering: the server handles each request on a
    thread of its own, and TapTalk sends the next event once this one is answered."""
    events: "queue.Queue[Any]" = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                event = taptalk.webhooks.parse(self.headers.items(), body)
            except taptalk.WebhookError as error:
                self.send_response(error.status)
                self.end_headers()
                return
            events.put(event)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, events


def webhooks(client: taptalk.Client, sandbox_url: str, phone: str, channel: str) -> None:
    print("\nWebhooks (OneTalk tells your server what became of a message)")
    server, events = receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/taptalk/webhook"
    request = urllib.request.Request(sandbox_url + "/_sandbox/webhooks", method="POST",
                                     data=json.dumps({"webhook_url": url}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()
    print(f"  Receiving webhooks at {url}")
    try:
        sent = client.onetalk.send_whatsapp(channel_id=channel, phone=phone,
                                            message_type="text", body="Your order has shipped.")
        print(f"  Sent a WhatsApp message (trxID {sent['trxID']}); its statuses as they arrive:")
        status = ""
        while status not in ("read", "failed"):
            event = events.get(timeout=10)
            if isinstance(event, taptalk.webhooks.MessageStatus) and \
                    event.trx_id == sent["trxID"]:
                status = event.status
                print(f"    webhook: message {event.trx_id} is {status} (event key {event.key})")
    except queue.Empty:
        print("  (no more statuses within 10 s)")
    except taptalk.TapTalkError as error:
        failed("Webhooks", error)
    finally:
        server.shutdown()


def local_validation(client: taptalk.Client) -> None:
    print("\nA mistake caught before anything is sent")
    try:
        client.sendtalk.send_whatsapp(phone="+62 812-1234-5678", message_type="text",
                                      body="hi")
    except taptalk.ValidationError as error:
        print(f"  {type(error).__name__}: status {error.status}, code {error.code}, "
              f"field '{error.field}': {error.message}")
    except taptalk.AuthError as error:  # SendTalk not configured: validation comes first
        print(f"  {type(error).__name__}: {error.message}")


def main() -> None:
    sandbox: Optional[subprocess.Popen] = None
    url = ""
    if any(os.environ.get(name) for name in LIVE_VARIABLES):
        print("Running against the real TapTalk service (TAPTALK_* variables found).")
        config = live_config()
    else:
        sandbox, url = start_sandbox()
        print(f"Started the offline sandbox at {url}")
        config = sandbox_config(url)
    phone = os.environ.get("TAPTALK_PHONE", "6281212345678")
    channel = os.environ.get("TAPTALK_ONETALK_CHANNEL_ID", "2101081881")
    try:
        with taptalk.Client(**config, user_agent="taptalk-quickstart-python") as client:
            for product, step in (("powertalk", lambda: powertalk(client)),
                                  ("sendtalk", lambda: sendtalk(client, phone)),
                                  ("onetalk", lambda: onetalk(client, phone, channel))):
                if product in config:
                    step()
                else:
                    print(f"\n(skipping {product}: no credentials)")
            if sandbox is not None:
                webhooks(client, url, phone, channel)
            else:
                print("\n(Webhooks need a public URL for TapTalk to call: see the README.)")
            local_validation(client)
        print("\nDone. Every step above went through taptalk's Python API.")
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=10)


if __name__ == "__main__":
    main()
