"""examples/python/quickstart.py runs end to end against the sandbox."""

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
