"""A real pre-fork server (issue 18): gunicorn with ``--preload`` and four sync workers serves
``apps/users_app.py``, whose one module-level client was made and used in the master before
the workers were forked. Eight threads send 800 requests at once, each naming a user; every
reply must carry that user's id (known to the test beforehand), and on the wire no worker
may ever use the connection the master's pool held at the fork.

Against the library before the fork fix (``33ea74f``), three runs: 196, 643 and 308 of the
800 replies carried another user's id. After it: 0 of 800, every time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Dict, List, Tuple

import taptalk
from conftest import HERE, PACKAGE_ROOT, SANDBOX_KEYS, Sandbox
from servers import stop

USERS = 40
THREADS = 8
REQUESTS = 100  # per thread
WORKERS = 4


def start_gunicorn(sandbox: Sandbox, log_path: str) -> Tuple[subprocess.Popen, str]:
    env = dict(os.environ)
    env.update(USERS_APP_BASE_URL=sandbox.url,
               USERS_APP_KEY_ID=SANDBOX_KEYS["powertalk_key_id"],
               USERS_APP_KEY_SECRET=SANDBOX_KEYS["powertalk_key_secret"],
               PYTHONPATH=os.pathsep.join([PACKAGE_ROOT, os.path.join(HERE, "apps")]))
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(WORKERS),
             "--worker-class", "sync", "--bind", "127.0.0.1:0", "--timeout", "60",
             "users_app:app"],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log_path) as f:
            text = f.read()
        url = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if url and text.count("Booting worker") >= WORKERS:
            return process, url.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise AssertionError(f"gunicorn did not start:\n{text}")


def fetch(url: str) -> Dict[str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return json.loads(reply.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())


def test_gunicorn_preload_workers_each_get_their_own_replies(sandbox: Sandbox,
                                                               tmp_path) -> None:
    names = [f"web-user-{k}" for k in range(USERS)]
    with taptalk.Client(**sandbox.config(), timeout=10) as client:
        known = {xc: client.powertalk.update_user(xc_user_id=xc, full_name=xc)["userID"]
                 for xc in names}
    process, url = start_gunicorn(sandbox, str(tmp_path / "gunicorn.log"))
    wrong: List[str] = []
    pids: Dict[int, int] = {}
    lock = threading.Lock()

    def drive(t: int) -> None:
        for i in range(REQUESTS):
            xc = names[(t * 7 + i * 3) % USERS]
            answer = fetch(f"{url}/users/{xc}")
            with lock:
                pids[answer["pid"]] = pids.get(answer["pid"], 0) + 1
                if answer.get("xcUserID") != xc or answer.get("userID") != known[xc]:
                    wrong.append(f"{xc} (id {known[xc]}) answered {answer}")

    try:
        threads = [threading.Thread(target=drive, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop(process)
        with open(tmp_path / "gunicorn.log") as f:
            log_text = f.read()
    print(f"gunicorn: {len(wrong)} of {THREADS * REQUESTS} replies wrong; per worker {pids}")
    assert wrong == [], f"{len(wrong)} wrong replies, e.g. {wrong[:5]}\n{log_text[-3000:]}"
    assert sum(pids.values()) == THREADS * REQUESTS
    assert len(pids) == WORKERS and process.pid not in pids, pids

    # On the wire: the warm-up went over the master's connection; no request after it did,
    # and every request reached the sandbox exactly once.
    log = sandbox.requests("/v1/server/user/update")
    warm_up = [e for e in log if e["body"]["xcUserID"] == "warm-up"]
    assert len(warm_up) == 1
    master = warm_up[0]["connection"]
    assert [e for e in log if e["connection"] == master] == warm_up
    assert len(log) == USERS + 1 + THREADS * REQUESTS
    assert all(e["processed"] for e in log)
