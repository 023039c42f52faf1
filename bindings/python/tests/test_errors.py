"""Every exception type, raised by real failures (sandbox, fixed-reply server, closed
ports), plus the code -> class table itself."""

from __future__ import annotations

import pickle
import socket
import time

import pytest

import taptalk
from taptalk.errors import error_class, error_from_envelope

from conftest import FixedServer, envelope_bytes

PHONE = "6281212345678"
SEND = "/api/v1/message/send_whatsapp"
STATUS = "/api/v1/message/get_status"


def send(client, **kwargs):
    return client.sendtalk.send_whatsapp(phone=PHONE, message_type="text", body="hi",
                                         **kwargs)


def wait_for_requests(sandbox, path, count, limit=5.0):
    """The sandbox logs a delayed request once its delay is over: wait for it."""
    deadline = time.monotonic() + limit
    while len(sandbox.requests(path)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(sandbox.requests(path))


def check_attributes(error, status, code, field=""):
    assert error.status == status
    assert error.code == code
    assert error.field == field
    assert error.message
    assert error.envelope["status"] == status
    assert error.envelope["error"]["code"] == code
    assert error.envelope["error"]["message"] == error.message
    assert isinstance(error, taptalk.TapTalkError)


def test_validation_error_caught_locally(client, sandbox):
    with pytest.raises(taptalk.ValidationError) as caught:
        client.sendtalk.send_whatsapp(phone="+62 812-1234-5678", message_type="text",
                                      body="hi")
    check_attributes(caught.value, 400, "40002", "phone")
    assert sandbox.requests(SEND) == []  # nothing was sent
    assert "[40002]" in str(caught.value) and "phone" in str(caught.value)


def test_validation_error_powertalk_names_the_numbered_field(client):
    with pytest.raises(taptalk.ValidationError) as caught:
        client.powertalk.send_custom_message(message_type=1001, body="hi",
                                             sender_xc_user_id="", recipient_xc_user_id="6")
    assert caught.value.field == "107"


def test_auth_error_for_a_wrong_key(sandbox):
    config = sandbox.config()
    config["sendtalk"]["api_key"] = "wrong"
    with taptalk.Client(**config) as client:
        with pytest.raises(taptalk.AuthError) as caught:
            send(client)
    check_attributes(caught.value, 401, "49103")
    assert caught.value.message == "API-Key is not found"


def test_auth_error_for_an_unconfigured_product(sandbox):
    with taptalk.Client(sendtalk=sandbox.config()["sendtalk"]) as client:
        with pytest.raises(taptalk.AuthError) as caught:
            client.onetalk.update_case(case_id="x")
    check_attributes(caught.value, 400, "40001")


def test_not_found_error(client):
    with pytest.raises(taptalk.NotFoundError) as caught:
        client.sendtalk.get_status(id="3f581b4e-8e7c-4ebf-a533-39115737b81c")
    check_attributes(caught.value, 404, "40401")
    assert caught.value.message == "Message is not found"


def test_tier_errors(client, sandbox):
    sandbox.settings(onetalk_tier="none")
    with pytest.raises(taptalk.TierError) as caught:
        client.onetalk.send_whatsapp(channel_id="1", phone=PHONE, message_type="text",
                                     body="hi")
    check_attributes(caught.value, 499, "49900")
    sandbox.settings(onetalk_tier="feature_missing")
    with pytest.raises(taptalk.TierError) as caught:
        client.onetalk.update_case(case_id="00C49D438C", is_junk=True)
    check_attributes(caught.value, 499, "49901")


def test_server_error_from_an_envelope_with_5xx(client, sandbox):
    sandbox.fault(path=SEND, kind="status", status=503)
    with pytest.raises(taptalk.TapTalkError) as caught:
        send(client)
    # With an envelope the reply is the server's own (99999); without, the library's 91008.
    assert isinstance(caught.value, (taptalk.ServerError, taptalk.HTTPStatusError))


def test_http_status_error_without_an_envelope(client, sandbox):
    sandbox.fault(path=SEND, kind="status", status=502,
                  body="<html><body>Bad gateway</body></html>")
    with pytest.raises(taptalk.HTTPStatusError) as caught:
        send(client)
    check_attributes(caught.value, 502, "91008")
    assert isinstance(caught.value, taptalk.TransportError)


def test_timeout_on_a_read(sandbox):
    sandbox.fault(path=STATUS, kind="delay", delay_ms=1500)
    with taptalk.Client(**sandbox.config(), timeout=0.2, retry={"max_attempts": 1}) as client:
        with pytest.raises(taptalk.TapTalkTimeout) as caught:
            client.sendtalk.get_status(id="m")
    check_attributes(caught.value, 504, "91001")
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, taptalk.TransportError)


def test_a_read_that_timed_out_is_retried(sandbox):
    sandbox.fault(path=STATUS, kind="delay", delay_ms=1500)
    with taptalk.Client(**sandbox.config(), timeout=0.2) as client:
        with pytest.raises(taptalk.NotFoundError):  # the second attempt got the answer
            client.sendtalk.get_status(id="m")
    assert wait_for_requests(sandbox, STATUS, 2) == 2


def test_outcome_unknown_for_a_send_that_timed_out(sandbox):
    sandbox.fault(path=SEND, kind="delay", delay_ms=1500)
    with taptalk.Client(**sandbox.config(), timeout=0.2) as client:
        with pytest.raises(taptalk.OutcomeUnknownError) as caught:
            send(client)
    check_attributes(caught.value, 502, "91010")
    assert caught.value.maybe_delivered is True
    assert caught.value.envelope["data"]["attempts"] == 1
    assert wait_for_requests(sandbox, SEND, 1) == 1  # never sent twice
    time.sleep(0.3)
    assert len(sandbox.requests(SEND)) == 1


def test_connect_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with taptalk.Client(sendtalk={"base_url": f"http://127.0.0.1:{port}", "api_key": "k"},
                        connect_timeout=2) as client:
        with pytest.raises(taptalk.ConnectError) as caught:
            send(client)
    check_attributes(caught.value, 503, "91002")
    assert caught.value.maybe_delivered is False


def test_proxy_error_for_a_proxy_that_is_down(sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with taptalk.Client(**sandbox.config(), proxy=f"http://u:hidden@127.0.0.1:{port}",
                        retry={"max_attempts": 2, "base_delay_ms": 1}) as client:
        with pytest.raises(taptalk.ProxyError) as caught:
            send(client)
    check_attributes(caught.value, 502, "91011")
    assert isinstance(caught.value, taptalk.TransportError)
    assert caught.value.maybe_delivered is False
    assert caught.value.message == (
        f"Could not connect to the proxy http://***@127.0.0.1:{port} (connection refused);"
        " the request was not sent (after 2 attempts)")
    assert "hidden" not in str(caught.value.envelope)
    assert sandbox.requests(SEND) == []


def test_hosts_in_no_proxy_are_reached_directly(sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The proxy is down: only a request that bypasses it can succeed.
    with taptalk.Client(**sandbox.config(), proxy=f"http://127.0.0.1:{port}",
                        no_proxy=["localhost", "127.0.0.1"]) as client:
        assert send(client)["success"] is True
    assert len(sandbox.requests(SEND)) == 1


def test_tls_ca_and_proxy_settings_are_checked_by_the_core():
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(sendtalk={"api_key": "k"}, tls={"ca_pem": "no certificate here"})
    assert caught.value.field == "tls.ca_pem"
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(sendtalk={"api_key": "k"}, proxy="socks5://127.0.0.1:1080")
    assert caught.value.field == "proxy"
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(sendtalk={"api_key": "k"}, no_proxy=["localhost"])
    assert caught.value.field == "no_proxy"
    assert caught.value.message == "no_proxy has no effect without proxy"


def test_connection_lost_on_a_read(sandbox):
    sandbox.fault(path=STATUS, kind="reset_after_read")
    with taptalk.Client(**sandbox.config(), retry={"max_attempts": 1}) as client:
        with pytest.raises(taptalk.ConnectionLostError) as caught:
            client.sendtalk.get_status(id="m")
    check_attributes(caught.value, 502, "91003")
    assert caught.value.maybe_delivered is True


def test_connection_lost_after_a_send_is_outcome_unknown(client, sandbox):
    sandbox.fault(path=SEND, kind="reset_after_read")
    with pytest.raises(taptalk.OutcomeUnknownError) as caught:
        send(client)
    assert caught.value.envelope["data"]["cause"] == "91003"
    # The sandbox stored it even though the client never heard back.
    assert len(sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]) == 1


def fixed_client(handler, **options):
    server = FixedServer(handler)
    return server, taptalk.Client(**server.config(), retry={"max_attempts": 1}, **options)


@pytest.mark.parametrize("handler, error_type, code", [
    (lambda m, p, q, b: (302, {"Location": "http://example.com/"}, b""),
     taptalk.RedirectError, "91005"),
    (lambda m, p, q, b: (200, {"Content-Type": "text/html"}, b"<html>hello</html>"),
     taptalk.InvalidReplyError, "91006"),
    (lambda m, p, q, b: (200, {}, b'{"some": "other json"}'),
     taptalk.InvalidReplyError, "91006"),
    (lambda m, p, q, b: (200, {"Content-Length": "500", "Connection": "close"},
                         envelope_bytes({})[:20]),
     taptalk.TruncatedReplyError, "91007"),
    (lambda m, p, q, b: (200, {}, envelope_bytes({"blob": "x" * 5000})),
     taptalk.ReplyTooLargeError, "91009"),
])
def test_transport_errors_from_a_fixed_reply_server(handler, error_type, code):
    server, client = fixed_client(handler, timeout=3, max_response_bytes=1024)
    try:
        with pytest.raises(error_type) as caught:
            client.sendtalk.get_status(id="m")
        assert caught.value.code == code
        assert isinstance(caught.value, taptalk.TransportError)
        raw = client.sendtalk.get_status(id="m", raw=True)
        assert raw["error"]["code"] == code
    finally:
        client.close()
        server.close()


def test_tls_error(fixed_server):
    url = fixed_server.url.replace("http://", "https://")
    with taptalk.Client(sendtalk={"base_url": url, "api_key": "k"}, timeout=3) as client:
        with pytest.raises(taptalk.TLSError) as caught:
            send(client)
    assert caught.value.code == "91004"


def test_config_error_names_the_key():
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(sendtalk={"api_key": "k", "apikey": "typo"})
    check_attributes(caught.value, 400, "90003", "sendtalk.apikey")
    assert isinstance(caught.value, taptalk.UsageError)
    assert "typo" not in str(caught.value)


def test_config_error_for_powertalk_without_base_url():
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(powertalk={"server_key_id": "i", "server_key_secret": "s"})
    assert caught.value.field.startswith("powertalk")
    assert "s" != caught.value.message


def test_usage_error_for_a_request_that_is_not_an_object(client):
    with pytest.raises(taptalk.UsageError) as caught:
        client.call("sendtalk_send_whatsapp", [1, 2])  # type: ignore[arg-type]
    assert caught.value.code == "90002"


def test_client_closed_error(sandbox):
    client = taptalk.Client(**sandbox.config())
    client.close()
    with pytest.raises(taptalk.ClientClosedError) as caught:
        send(client)
    check_attributes(caught.value, 400, "90005")
    assert isinstance(taptalk.ClientClosedError(), taptalk.UsageError)
    assert error_class(400, "90005") is taptalk.ClientClosedError


def test_other_server_statuses_keep_the_base_class(sandbox):
    sandbox.fault(path=SEND, kind="retry_after", retry_after="1")
    with taptalk.Client(**sandbox.config(), retry={"max_attempts": 1}) as client:
        with pytest.raises(taptalk.TapTalkError) as caught:
            send(client)
    assert type(caught.value) is taptalk.TapTalkError
    assert caught.value.code == "42900" and caught.value.status == 429


def test_a_send_refused_with_retry_after_is_retried(client, sandbox):
    sandbox.fault(path=SEND, kind="retry_after", retry_after="0")
    assert send(client)["success"] is True
    assert len(sandbox.control("GET", "/_sandbox/sendtalk/messages")["messages"]) == 1


@pytest.mark.parametrize("status, code, expected", [
    (400, "40002", taptalk.ValidationError),
    (400, "40001", taptalk.AuthError),
    (401, "40101", taptalk.AuthError),
    (403, "40301", taptalk.AuthError),
    (401, "49101", taptalk.AuthError),
    (401, "49102", taptalk.AuthError),
    (401, "49103", taptalk.AuthError),
    (401, "49106", taptalk.AuthError),
    (404, "40401", taptalk.NotFoundError),
    (404, "40499", taptalk.NotFoundError),
    (499, "49900", taptalk.TierError),
    (499, "49901", taptalk.TierError),
    (500, "50001", taptalk.ServerError),
    (500, "99999", taptalk.ServerError),
    (400, "90001", taptalk.UsageError),
    (400, "90002", taptalk.UsageError),
    (400, "90003", taptalk.ConfigError),
    (500, "90004", taptalk.InternalError),
    (504, "91001", taptalk.TapTalkTimeout),
    (503, "91002", taptalk.ConnectError),
    (502, "91003", taptalk.ConnectionLostError),
    (502, "91004", taptalk.TLSError),
    (502, "91005", taptalk.RedirectError),
    (502, "91006", taptalk.InvalidReplyError),
    (502, "91007", taptalk.TruncatedReplyError),
    (404, "91008", taptalk.HTTPStatusError),
    (502, "91009", taptalk.ReplyTooLargeError),
    (502, "91010", taptalk.OutcomeUnknownError),
    (502, "91011", taptalk.ProxyError),
    (502, "91099", taptalk.TransportError),
    (429, "42900", taptalk.TapTalkError),
])
def test_code_table(status, code, expected):
    assert error_class(status, code) is expected
    error = error_from_envelope({"status": status, "error": {"code": code, "message": "m",
                                                             "field": "f"}, "data": {}})
    assert type(error) is expected
    assert (error.status, error.code, error.message, error.field) == (status, code, "m", "f")


def test_errors_pickle_and_repr():
    error = error_from_envelope({"status": 400, "error": {"code": "40002",
                                                          "message": "Phone is required",
                                                          "field": "phone"}, "data": {}})
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is taptalk.ValidationError
    assert copy.envelope == error.envelope and copy.field == "phone"
    assert "ValidationError" in repr(error) and "40002" in repr(error)


def test_a_malformed_envelope_still_gives_an_error():
    error = error_from_envelope({"status": "x", "error": None})
    assert type(error) is taptalk.TapTalkError and error.status == 0
