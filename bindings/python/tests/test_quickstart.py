"""The Python examples run end to end against the sandbox: examples/python/quickstart.py and
examples/python/send_many.py (call_many driving a progress bar)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO, sandbox_binary


def test_quickstart_walks_the_day_against_the_sandbox():
    if sandbox_binary() is None:
        pytest.skip("taptalk-sandbox is not built")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPTALK_")}
    env["TAPTALK_SANDBOX"] = sandbox_binary()
    env["PYTHONPATH"] = os.path.join(REPO, "bindings", "python")
    result = subprocess.run([sys.executable, os.path.join(REPO, "examples", "python",
                                                          "quickstart.py")],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in ("User alice is ready", "Room order-1001 (Order #1001) has 2 participants",
                 "Auth ticket for alice's app:", "Auth ticket for customer-42:",
                 "Synced contacts: 2 added, 1 removed", "Sent a text message to bob",
                 "Sent an image message to bob", "Queued a WhatsApp OTP to 6281*******78",
                 "Delivered after", "opened case", "1 case(s) updated", "as junk",
                 "ValidationError: status 400, code 40002, field 'phone'", "Done.",
                 "Receiving webhooks at http://127.0.0.1:"):
        assert line in out, (line, out)
    for status in ("acknowledge", "delivered", "read"):
        line = f" is {status} (event key onetalk:integration_message_status:"
        assert line in out, (line, out)
    assert "failed" not in out


@pytest.mark.parametrize("mode", [[], ["--async"]])
def test_send_many_drives_its_progress_bar_to_the_end(mode):
    # examples/python/send_many.py: call_many with a progress bar, blocking and async.
    if sandbox_binary() is None:
        pytest.skip("taptalk-sandbox is not built")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPTALK_")}
    env["TAPTALK_SANDBOX"] = sandbox_binary()
    env["PYTHONPATH"] = os.path.join(REPO, "bindings", "python")
    result = subprocess.run([sys.executable, os.path.join(REPO, "examples", "python",
                                                          "send_many.py"), "200", *mode],
                            env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # Bytes, split at \n only: the bar redraws itself after each \r.
    lines = result.stdout.decode().rstrip("\n").split("\n")
    assert lines[0] == ("Sending 200 WhatsApp messages, 32 at a time"
                        + (" (AsyncClient):" if mode else ":"))
    frames = lines[1].split("\r")
    assert frames[-1].startswith("[" + "#" * 30 + "] 200/200 100%"), frames
    counts = [int(frame.split("]")[1].split("/")[0]) for frame in frames if frame]
    assert counts == sorted(counts) and counts[-1] == 200
    assert lines[2].startswith("Sent 200 of 200 in ") and lines[2].endswith(", 0 failed.")
    assert len(lines) == 3, lines
