"""Run by scripts/test-python.sh with the Python of a fresh virtualenv into which
`pip install ./bindings/python` went: imports the installed package (not the checkout),
checks it loaded its bundled library, and sends one message to a sandbox.

usage: python smoke_installed.py SANDBOX_BINARY
"""

import os
import subprocess
import sys

import taptalk

here = os.path.dirname(os.path.abspath(__file__))
assert not taptalk.__file__.startswith(os.path.dirname(here)), taptalk.__file__
assert os.path.basename(taptalk.library_path).startswith("_libtaptalk"), taptalk.library_path
assert os.path.dirname(taptalk.library_path) == os.path.dirname(taptalk.__file__)
assert os.path.exists(os.path.join(os.path.dirname(taptalk.__file__), "py.typed"))

sandbox = subprocess.Popen([sys.argv[1], "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                           text=True)
try:
    url = sandbox.stdout.readline().split()[-1]
    with taptalk.Client(sendtalk={"base_url": url, "api_key": "sandbox-sendtalk-api-key"}) as c:
        sent = c.sendtalk.send_whatsapp(phone="6281212345678", message_type="text", body="hi")
    assert sent["success"] is True and sent["id"], sent
    print(f"installed taptalk {taptalk.__version__} (library {taptalk.library_version} at "
          f"{taptalk.library_path}) sent message {sent['id']}")
finally:
    sandbox.terminate()
    sandbox.wait()
