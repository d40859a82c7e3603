"""PostgreSQL goes away under load and comes back: clean 503s, nothing acknowledged is lost.

Client threads keep saving contacts through one app while the cluster is stopped (fast mode:
open connections are terminated mid-request) and started again. Every answer must be a 2xx or
the 503 envelope, every save that answered 2xx must be stored, and the same app (its pool
pre-pings) must serve new requests afterwards without a restart.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from server.models import Profile
from tests.conftest import _make_app, new_user

pytestmark = pytest.mark.slow

CLIENTS = 4


def _cluster(action: str) -> subprocess.CompletedProcess[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                          capture_output=True, text=True, timeout=120)


def _accepts(url: str) -> bool:
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False
    finally:
        engine.dispose()


@pytest.fixture
def cluster(pg_url: str) -> Iterator[Any]:
    """Control of the local cluster; it is running again when the test ends, whatever happens."""
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        pytest.skip("needs a local Debian PostgreSQL cluster (pg_ctlcluster)")
    yield _cluster
    if _cluster("status").returncode != 0:
        _cluster("start")
    deadline = time.monotonic() + 60
    while not _accepts(pg_url) and time.monotonic() < deadline:
        time.sleep(0.2)


class Saver(threading.Thread):
    """Saves contacts one after another, recording every URL with the status it got."""

    def __init__(self, user: Any, index: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.user, self.index, self.stop = user, index, stop
        self.results: list[tuple[str, int, Any]] = []
        self.crash: BaseException | None = None  # what a real server would have answered 500

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            url = f"https://linkedin.com/in/fault-{self.index}-{n}"
            try:
                r = self.user.post("/contacts", json={"name": f"Fault {self.index} {n}",
                                                      "profiles": [{"url": url}]})
            except Exception as exc:  # noqa: BLE001 - recorded, and the test fails on it
                self.crash = exc
                return
            self.results.append((url, r.status_code, r.get_json(silent=True)))
            n += 1
            time.sleep(0.01)


def test_requests_during_a_postgres_restart(pg_url: str, cluster: Any, tmp_path: Path) -> None:
    app = _make_app(pg_url, tmp_path)
    user = new_user(app)
    stop = threading.Event()
    savers = [Saver(user, i, stop) for i in range(CLIENTS)]
    for saver in savers:
        saver.start()
    try:
        time.sleep(1.0)  # saves succeed before the outage
        assert cluster("stop").returncode == 0
        time.sleep(2.0)  # the clients keep saving into the outage
        assert cluster("start").returncode == 0
        deadline = time.monotonic() + 60
        while not _accepts(pg_url) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # and keep saving after it
    finally:
        stop.set()
        for saver in savers:
            saver.join(timeout=60)

    crashes = [saver.crash for saver in savers if saver.crash is not None]
    assert not crashes, crashes  # an exception escaping the app (teardown included) is a 500
    results = [row for saver in savers for row in saver.results]
    statuses = {status for _url, status, _body in results}
    assert statuses <= {201, 503}, sorted(statuses)
    outage = [body for _url, status, body in results if status == 503]
    assert outage, "no request fell into the outage"
    for body in outage:
        assert body["code"] == 503 and body["status"] == "Service Unavailable"
        assert "try again" in body["message"]
    # The clients' last saves (after the restart) went through on the same app.
    for saver in savers:
        assert saver.results[-1][1] == 201, saver.results[-5:]

    saved = {body["profiles"][0]["url"] for _url, status, body in results if status == 201}
    with app.app_context():
        from server.extensions import db

        stored = set(db.session.scalars(select(Profile.url).where(Profile.user_id == user.id)))
        db.session.remove()
    assert saved <= stored, sorted(saved - stored)[:5]
    r = user.get("/contacts", query_string={"limit": 5})
    assert r.status_code == 200 and r.get_json()["items"]
    assert user.get("/health").get_json()["database"] == "ok"
