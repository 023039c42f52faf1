"""``tls={"verifier": "platform"}`` from Python: a verifier registered with
``taptalk.set_tls_verifier`` decides chain trust against the sandbox over real TLS."""

from __future__ import annotations

import json
import os
import re
import ssl
import tempfile
import textwrap
import urllib.request
from typing import Iterator, List, Tuple

import pytest

import taptalk
import taptalk._trust
from conftest import PACKAGE_ROOT, SANDBOX_KEYS, Sandbox, sandbox_binary

SEND = {"phone": "6281212345678", "message_type": "text", "body": "hi"}
PREFIX = ("The TLS handshake with the server failed: the server's certificate is not trusted "
          "by the platform verifier (")
SUFFIX = "); the request was not sent"


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[Tuple[Sandbox, str]]:
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("taptalk-sandbox is not built (cargo build -p taptalk-sandbox)")
    with tempfile.TemporaryDirectory() as directory:
        sandbox = Sandbox(binary, "--tls", "--tls-dir", directory, "--delivery-delay-ms", "0")
        yield sandbox, directory
        sandbox.stop()


@pytest.fixture(autouse=True)
def no_verifier() -> Iterator[None]:
    taptalk.set_tls_verifier(None)
    yield
    taptalk.set_tls_verifier(None)


def client_for(sandbox: Sandbox) -> taptalk.Client:
    # The default retry policy (3 attempts): one attempt must be the library's decision.
    return taptalk.Client(sendtalk={"base_url": sandbox.url,
                                    "api_key": SANDBOX_KEYS["sendtalk_api_key"]},
                          tls={"verifier": "platform"}, timeout=10,
                          retry={"base_delay_ms": 1, "max_delay_ms": 5})


def sent(sandbox: Sandbox, directory: str) -> list:
    context = ssl.create_default_context(cafile=f"{directory}/ca.pem")
    with urllib.request.urlopen(sandbox.url + "/_sandbox/sendtalk/messages", context=context,
                                timeout=10) as reply:
        return json.loads(reply.read())["data"]["messages"]


def test_the_key_is_refused_while_no_verifier_is_registered() -> None:
    with pytest.raises(taptalk.ConfigError) as caught:
        taptalk.Client(sendtalk={"api_key": "k"}, tls={"verifier": "platform"})
    assert caught.value.code == "90003"
    assert caught.value.field == "tls.verifier"


def test_a_python_verifier_trusts_only_the_sandbox_leaf(tls_sandbox) -> None:
    sandbox, directory = tls_sandbox
    with open(f"{directory}/cert.pem") as f:
        leaf = ssl.PEM_cert_to_DER_cert(f.read())
    seen: List[Tuple[int, str]] = []

    def verify(chain: List[bytes], host: str) -> None:
        seen.append((len(chain), host))
        if chain[0] != leaf:
            raise ValueError("not the sandbox's certificate")

    taptalk.set_tls_verifier(verify)
    before = len(sent(sandbox, directory))
    with client_for(sandbox) as client:
        assert client.sendtalk.send_whatsapp(**SEND)["success"] is True
    assert seen == [(1, "127.0.0.1")]
    assert len(sent(sandbox, directory)) == before + 1


def test_a_rejecting_verifier_fails_once_with_its_reason_and_nothing_is_sent(tls_sandbox) -> None:
    sandbox, directory = tls_sandbox
    calls = []

    def reject(chain: List[bytes], host: str) -> None:
        calls.append(host)
        raise ValueError("unknown issuer\n(from the test)")

    taptalk.set_tls_verifier(reject)
    before = len(sent(sandbox, directory))
    with client_for(sandbox) as client:
        with pytest.raises(taptalk.TLSError) as caught:
            client.sendtalk.send_whatsapp(**SEND)
    assert caught.value.status == 502
    assert caught.value.code == "91004"
    assert caught.value.message == PREFIX + "unknown issuer (from the test)" + SUFFIX
    assert calls == ["127.0.0.1"], "a rejected certificate is not retried"
    assert len(sent(sandbox, directory)) == before


def documented_snippet(where: str) -> str:
    """The platform-trust example of the package README or of ``_trust``'s docstring."""
    if where == "README.md":
        with open(os.path.join(PACKAGE_ROOT, "README.md"), encoding="utf-8") as f:
            section = f.read().split("### Platform trust", 1)[1]
        # The block's info string may carry the docs check's marker ("python,no-run").
        return re.split(r"```python[^\n]*\n", section, maxsplit=1)[1].split("```", 1)[0]
    doc = taptalk._trust.__doc__ or ""
    lines = doc.split("::\n", 1)[1].splitlines()
    block = []
    for line in lines[1:] if not lines[0].strip() else lines:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block))


@pytest.mark.parametrize("where", ["README.md", "taptalk/_trust.py"])
def test_the_documented_snippet_runs_as_written(tls_sandbox, where: str) -> None:
    sandbox, directory = tls_sandbox
    with open(f"{directory}/cert.pem") as f:
        leaf = ssl.PEM_cert_to_DER_cert(f.read())
    asked: List[str] = []

    def my_os_trusts(chain: List[bytes], host: str) -> bool:
        asked.append(host)
        return chain[0] == leaf

    snippet = documented_snippet(where)
    assert "taptalk.set_tls_verifier(verify)" in snippet, snippet
    names = {"taptalk": taptalk, "my_os_trusts": my_os_trusts,
             "API_KEY": SANDBOX_KEYS["sendtalk_api_key"]}
    exec(compile(snippet, where, "exec"), names)
    documented = names["client"]
    assert isinstance(documented, taptalk.Client) and not documented.closed
    documented.close()
    # The snippet's verify() is what is registered now: it lets the sandbox's leaf through,
    # and turns my_os_trusts' refusal into the TLSError's reason.
    before = len(sent(sandbox, directory))
    with client_for(sandbox) as client:
        assert client.sendtalk.send_whatsapp(**SEND)["success"] is True
    leaf = b"another certificate"
    with client_for(sandbox) as client:  # a new pool, so a new handshake
        with pytest.raises(taptalk.TLSError) as caught:
            client.sendtalk.send_whatsapp(**SEND)
    assert caught.value.message == PREFIX + "unknown issuer" + SUFFIX
    assert asked == ["127.0.0.1", "127.0.0.1"]
    assert len(sent(sandbox, directory)) == before + 1
