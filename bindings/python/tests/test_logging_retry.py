"""Log lines through Python's logging, and per-call retry settings."""

from __future__ import annotations

import logging

import pytest

import taptalk
from conftest import SANDBOX_KEYS, Sandbox

STATUS_PATH = "/api/v1/message/get_status"
SEND_PATH = "/api/v1/message/send_whatsapp"


def test_log_lines_reach_the_taptalk_logger_without_secrets(
        client: taptalk.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="taptalk")
    taptalk.enable_logging(logging.DEBUG)
    try:
        client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text",
                                      body="a private body")
        with pytest.raises(taptalk.ValidationError):
            client.sendtalk.send_whatsapp(phone="+62", message_type="text", body="x")
    finally:
        taptalk.disable_logging()
    client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text", body="quiet")

    records = [r for r in caplog.records if r.name == "taptalk"]
    assert [r.levelno for r in records] == [logging.INFO, logging.DEBUG]
    sent, refused = (r.getMessage() for r in records)
    assert sent.startswith("sendtalk_send_whatsapp attempt 1/3 to 6281*******78: HTTP 200, "
                           "status 200, ")
    assert refused == "sendtalk_send_whatsapp refused locally: 40002 phone"
    for text in (sent, refused):
        for secret in (SANDBOX_KEYS["sendtalk_api_key"], "a private body", "6281212345678"):
            assert secret not in text


def test_the_level_filters_on_the_native_side(
        client: taptalk.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="taptalk")
    taptalk.enable_logging(logging.WARNING)
    try:
        client.sendtalk.send_whatsapp(phone="6281212345678", message_type="text", body="hi")
    finally:
        taptalk.disable_logging()
    assert not [r for r in caplog.records if r.name == "taptalk"]


def test_retries_are_logged_as_warnings(sandbox: Sandbox,
                                        caplog: pytest.LogCaptureFixture) -> None:
    sandbox.fault(path=STATUS_PATH, kind="status", status=503, count=1)
    caplog.set_level(logging.INFO, logger="taptalk")
    taptalk.enable_logging()
    try:
        with taptalk.Client(**sandbox.config(retry={"base_delay_ms": 1})) as client:
            with pytest.raises(taptalk.NotFoundError):
                client.sendtalk.get_status(id="00000000-0000-0000-0000-000000000000")
    finally:
        taptalk.disable_logging()
    messages = [r.getMessage() for r in caplog.records if r.name == "taptalk"]
    assert messages[0].startswith("sendtalk_get_status attempt 1/3: HTTP 503")
    assert "retrying in" in messages[0]
    assert messages[1].startswith("sendtalk_get_status attempt 2/3: HTTP 200")


def test_with_retry_overrides_the_clients_policy_per_call(sandbox: Sandbox) -> None:
    with taptalk.Client(**sandbox.config(retry={"base_delay_ms": 1})) as client:
        sandbox.fault(path=STATUS_PATH, kind="status", status=503, count=1)
        once = client.with_retry(max_attempts=1)
        with pytest.raises(taptalk.TapTalkError) as failure:
            once.sendtalk.get_status(id="00000000-0000-0000-0000-000000000000")
        assert failure.value.status == 503
        assert len(sandbox.requests(STATUS_PATH)) == 1

        sandbox.fault(path=STATUS_PATH, kind="status", status=503, count=1)
        with pytest.raises(taptalk.NotFoundError):  # retried, then the real answer
            client.sendtalk.get_status(id="00000000-0000-0000-0000-000000000000")
        assert len(sandbox.requests(STATUS_PATH)) == 3


def test_a_bad_retry_option_is_a_config_error(client: taptalk.Client) -> None:
    with pytest.raises(taptalk.ConfigError) as failure:
        client.with_retry(max_attempts=0).sendtalk.get_status(id="x")
    assert failure.value.field == "retry.max_attempts"
