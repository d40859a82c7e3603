"""Issue 12, hardening, against a real `thrice serve` (gunicorn, SQLite, jobs in-process):
clients that never finish their request do not stop the API, the calendar feed token never
reaches the access log, and an oversized body is a 413 envelope over the wire."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.serve import REDACTED, redact_secrets
from tests.conftest import free_port

pytestmark = pytest.mark.slow


@dataclass
class Served:
    port: int
    token: str
    stdout: Path
    stderr: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, token: str | None = None, timeout: float = 10) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def access_log(self) -> str:
        return self.stdout.read_text(errors="replace")


def _thrice(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    instance = tmp_path_factory.mktemp("serve-instance")
    env = {**os.environ, "THRICE_INSTANCE_PATH": str(instance), "THRICE_LOG_LEVEL": "WARNING",
           "THRICE_MAX_REQUEST_MB": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "THRICE_PUBLIC_URL"):
        env.pop(name, None)
    created = _thrice("user", "create", "serve@example.com", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    port = free_port()
    stdout, stderr = instance / "stdout.log", instance / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        served = Served(port, token, stdout, stderr)
        for _ in range(150):
            try:
                if served.get("/api/v1/health", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("thrice serve did not answer:\n" + stderr.read_text())
        yield served
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_clients_that_never_finish_their_request_do_not_block_health(served):
    """Two workers, four connections: two stop in the middle of the request line, one in the
    headers, one sends nothing. A worker that waited for each would have none left."""
    stalled = []
    try:
        for partial in (b"GET /api/v1/hea", b"POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\n",
                        b"GET /api/v1/nudges", b""):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=5)
            if partial:
                sock.sendall(partial)
            stalled.append(sock)
        time.sleep(0.5)  # let the server take them all up before the health check
        for _ in range(3):
            status, body = served.get("/api/v1/health", timeout=10)
            assert status == 200
            health = json.loads(body)
            # The schedule's own health ("degraded" until its first run) is another test's.
            assert "last_run_at" in health.pop("scheduler")
            assert health.pop("status") in ("ok", "degraded")
            assert health == {"database": "ok", "queue": "inline"}
        status, body = served.get("/api/v1/me", token=served.token, timeout=10)
        assert status == 200 and json.loads(body)["email"] == "serve@example.com"
    finally:
        for sock in stalled:
            sock.close()


def test_the_feed_token_never_reaches_the_access_log(served):
    status, body = served.get("/api/v1/me", token=served.token)
    url = urlsplit(json.loads(body)["calendar_url"])
    feed = url.query.removeprefix("feed=")
    assert len(feed) >= 32
    for query in (f"feed={feed}", f"x=1&fe%65d={feed}", f"feed={feed}&feed={feed}"):
        status, body = served.get(f"{url.path}?{query}")
        assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), query
    assert served.get(f"{url.path}?feed={feed}x")[0] == 403
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and served.access_log().count("nudges.ics") < 4:
        time.sleep(0.05)
    log = served.access_log()
    lines = [line for line in log.splitlines() if "/api/v1/nudges.ics" in line]
    assert len(lines) == 4, log[-2000:]
    assert all(REDACTED in line for line in lines), lines
    assert sum(' 200 ' in line for line in lines) == 3 and ' 403 ' in lines[-1]
    assert feed not in log and feed not in served.stderr.read_text(errors="replace")


def test_a_body_over_the_limit_is_a_413_envelope_over_the_wire(served):
    body = json.dumps({"name": "Big", "notes": "x" * (1 << 20)}).encode()
    headers = {"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"}
    for chunked in (False, True):
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=15)
        try:
            if chunked:
                conn.request("POST", "/api/v1/contacts", body=iter([body[:1000], body[1000:]]),
                             headers=headers, encode_chunked=True)
            else:
                conn.request("POST", "/api/v1/contacts", body=body, headers=headers)
            r = conn.getresponse()
            answer = json.loads(r.read())
        finally:
            conn.close()
        assert r.status == 413, (chunked, answer)
        assert answer["code"] == 413 and "1 MB" in answer["message"]
        assert r.getheader("X-Content-Type-Options") == "nosniff"
    assert served.get("/api/v1/health")[0] == 200


@pytest.mark.parametrize("line, expected", [
    ('"GET /api/v1/nudges.ics?feed=abc-_12 HTTP/1.1" 200', f'?feed={REDACTED} HTTP'),
    ("feed=abc&x=2", f"feed={REDACTED}&x=2"),
    ("GET /a?x=feed=1&fe%65d=tok;feed=t2#f", f"?x=feed=1&fe%65d={REDACTED};feed={REDACTED}#f"),
    ("GET /a?FEED=tok", f"?FEED={REDACTED}"),
    ("GET /a?feedback=fine&q=feed", "?feedback=fine&q=feed"),
])
def test_redact_secrets(line, expected):
    assert expected in redact_secrets(line)
    assert "abc-_12" not in redact_secrets(line) and "=tok" not in redact_secrets(line)
