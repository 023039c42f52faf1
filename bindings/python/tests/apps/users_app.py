"""A WSGI app as a pre-fork server runs it (``test_gunicorn.py``): one module-level client,
made when the module is imported. Under ``gunicorn --preload`` that happens once, in the
master, before the workers are forked, and the warm-up call below leaves a kept-alive
connection in the master's pool: every worker inherits the client in exactly that state.

``GET /users/<xcUserID>`` upserts that PowerTalk user and answers
``{"xcUserID", "userID", "pid"}``; ``pid`` tells which worker answered.
"""

import json
import os

import taptalk

client = taptalk.Client(
    powertalk={"base_url": os.environ["USERS_APP_BASE_URL"],
               "server_key_id": os.environ["USERS_APP_KEY_ID"],
               "server_key_secret": os.environ["USERS_APP_KEY_SECRET"]},
    timeout=10)

# Checks the key at start, as apps do (and so uses the pool before the fork).
client.powertalk.update_user(xc_user_id="warm-up", full_name="Warm up")


def app(environ, start_response):
    xc_user_id = environ["PATH_INFO"].rsplit("/", 1)[-1]
    try:
        data = client.powertalk.update_user(xc_user_id=xc_user_id, full_name=xc_user_id)
        status, answer = "200 OK", {"xcUserID": xc_user_id, "userID": data["userID"],
                                    "pid": os.getpid()}
    except taptalk.TapTalkError as e:
        status, answer = "502 Bad Gateway", {"error": f"{e.code}: {e}", "pid": os.getpid()}
    body = json.dumps(answer).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]
