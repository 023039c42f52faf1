"""Real servers the fork tests put between users and the sandbox, started as users run them:
nginx (a keep-alive reverse proxy, with a generated config on a free port) and redis-server
(a Celery broker, on a free port with a temp dir). Each is stopped by the test that starts
it. A missing binary fails the test with what to install; it is never skipped."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import List, Optional


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick for port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(name: str, package: str) -> str:
    for path in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if path and os.access(path, os.X_OK):
            return path
    raise AssertionError(f"{name} is not installed (Debian: apt-get install {package}); "
                         ".ci/run installs it")


def wait_for_port(port: int, process: subprocess.Popen, log: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"not listening on {port} after {timeout} s: {_tail(log)}")


def _tail(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read()[-2000:]
    except OSError:
        return "(no log)"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Server:
    """A server process on a free port of 127.0.0.1, its files in a temp dir."""

    name = ""
    package = ""

    def __init__(self) -> None:
        self.binary = find_binary(self.name, self.package)
        self.directory = tempfile.mkdtemp(prefix=f"taptalk-{self.name}-")
        self.log = os.path.join(self.directory, "server.log")
        self.process: Optional[subprocess.Popen] = None
        # A port picked free can be taken before the server binds it: try a few.
        error: Optional[Exception] = None
        for _ in range(5):
            self.port = free_port()
            with open(self.log, "w") as log:
                self.process = subprocess.Popen(self.command(), stdout=log,
                                                stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL)
            try:
                wait_for_port(self.port, self.process, self.log)
                return
            except RuntimeError as e:
                error = e
                stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)
        raise RuntimeError(f"{self.name} did not start: {error}")

    def command(self) -> List[str]:
        raise NotImplementedError

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


class Nginx(Server):
    """nginx proxying every path to ``upstream`` (``http://127.0.0.1:PORT``), keeping
    connections alive on both sides as a production proxy is set up: HTTP/1.1 to the
    upstream with a ``keepalive`` pool, and kept-alive client connections."""

    name = "nginx"
    package = "nginx-light"

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.split("://", 1)[1]
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}"

    def command(self) -> List[str]:
        d = self.directory
        # As root, nginx would run its worker as "nobody", which cannot enter the temp dir.
        user = "user root;" if os.geteuid() == 0 else ""
        config = f"""
            {user}
            worker_processes 2;
            daemon off;
            pid {d}/nginx.pid;
            error_log {d}/server.log warn;
            events {{ worker_connections 1024; }}
            http {{
                access_log off;
                client_body_temp_path {d}/body;
                proxy_temp_path {d}/proxy;
                fastcgi_temp_path {d}/fastcgi;
                uwsgi_temp_path {d}/uwsgi;
                scgi_temp_path {d}/scgi;
                upstream sandbox {{
                    server {self.upstream};
                    keepalive 32;
                }}
                server {{
                    listen 127.0.0.1:{self.port};
                    keepalive_timeout 60s;
                    keepalive_requests 100000;
                    location / {{
                        proxy_pass http://sandbox;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }}
                }}
            }}
        """
        path = os.path.join(d, "nginx.conf")
        with open(path, "w") as f:
            f.write(config)
        return [self.binary, "-p", d, "-c", path, "-e", os.path.join(d, "server.log")]


class Redis(Server):
    """redis-server on a free port, its data in a temp dir, nothing saved to disk."""

    name = "redis-server"
    package = "redis-server"

    def __init__(self) -> None:
        super().__init__()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> List[str]:
        return [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.directory, "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--loglevel", "warning"]
