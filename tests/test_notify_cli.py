"""`thrice notify run` and the schedule as real processes (SPEC §13).

- Two `thrice notify run` processes at once, on SQLite and on PostgreSQL: each digest and each
  push arrives exactly once.
- A process killed mid-send: killed before the message was handed over, the digest is sent by
  a later run; killed after, it is never sent a second time.
- The schedule sends and keeps GET /health's pulse in both of its modes: the in-process one
  that `thrice serve` runs without Redis, and `thrice cron` + `thrice worker` with Redis.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.models import utcnow
from server.services.notify import ledger
from tests.conftest import _make_app, new_user
from tests.jobs.conftest import REDIS_URL, Processes, wait_for
from tests.services.test_notify_transport import (
    PushReceiver,
    SmtpServer,
    add_nudge,
    configure,
    rows,
    running_receiver,
    running_smtp,
)

T0 = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)  # Mon 10:00 in Los Angeles


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    yield from running_receiver()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own: the processes see every user in it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'notify.sqlite3'}"
        return
    base = make_url(request.getfixturevalue("pg_url"))
    name = f"{base.database}_c{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def processes() -> Iterator[Processes]:
    procs = Processes()
    yield procs
    procs.stop_all()


def _env(app: Flask, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "THRICE_INSTANCE_PATH": app.config["THRICE"].instance_path,
           "THRICE_LOG_LEVEL": "WARNING", "THRICE_MAIL_FROM": "reminders@thrice.test", **extra}
    env.pop("REDIS_URL", None)
    return env


def notify_run(app: Flask, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "server.cli", "notify", "run", *args],
                            env=_env(app, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_two_runs_at_once_send_each_reminder_exactly_once(database_url, tmp_path, smtp_server,
                                                          receiver):
    app = _make_app(database_url, tmp_path)
    users = [new_user(app, timezone="America/Los_Angeles") for _ in range(5)]
    nudges = []
    for number, user in enumerate(users):
        configure(app, user, daily_digest=True, push_urls=[receiver.url(f"u{number}")])
        nudges.append(add_nudge(app, user, due_at=T0 - timedelta(hours=1), notify_at=T0)[0])
    smtp_server.inbox.data_delay = 0.2  # each send takes a while: the runs overlap
    env = {"THRICE_SMTP_URL": smtp_server.url()}

    runs = [notify_run(app, "--now", "2025-03-10T17:00:00Z", **env) for _ in range(2)]
    results = [finish(proc) for proc in runs]
    for code, out, err in results:
        assert code == 0, err
        assert "failed" in out and err == ""
    assert sum(int(out.split()[0]) for _, out, _ in results) == 5  # "N digest(s) and …"
    for number, user in enumerate(users):
        assert len(smtp_server.inbox.to(user.email)) == 1, user.email
        assert len(receiver.on(f"u{number}")) == 1
        assert sorted((r.channel, r.state, r.attempts) for r in rows(app, user)) == [
            ("email", "sent", 1), ("push", "sent", 1)]
    assert len(smtp_server.messages) == 5


def test_the_command_checks_its_moment_and_reports_failures(tmp_path):
    app = _make_app(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path)
    for bad, message in (("yesterday", "Invalid isoformat"), ("2025-03-10T10:00", "offset")):
        code, _, err = finish(notify_run(app, "--now", bad))
        assert code == 2 and "--now" in err and message in err
    user = new_user(app, timezone="America/Los_Angeles")
    configure(app, user, daily_digest=True)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    code, out, err = finish(notify_run(app, "--now", "2025-03-10T17:00:00+00:00",
                                       THRICE_SMTP_URL=f"smtp://127.0.0.1:{port}"))
    assert code == 1
    assert f"user {user.id} email: smtp://127.0.0.1:{port}: connection refused" in err
    assert out.strip() == "0 digest(s) and 0 push(es) sent, 0 skipped, 1 failed"
    assert rows(app, user)[0].next_attempt_at == T0 + timedelta(minutes=1)


def test_a_run_killed_after_hand_over_never_sends_twice(tmp_path, smtp_server):
    app = _make_app(f"sqlite:///{tmp_path / 'kill.sqlite3'}", tmp_path)
    user = new_user(app, timezone="America/Los_Angeles")
    configure(app, user, daily_digest=True)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    smtp_server.inbox.data_delay = 2.0
    env = {"THRICE_SMTP_URL": smtp_server.url()}
    proc = notify_run(app, "--now", "2025-03-10T17:00:00Z", **env)
    assert smtp_server.inbox.data_started.wait(60), "the run never reached DATA"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    wait_for(lambda: smtp_server.inbox.to(user.email), 10, "the server to keep the message")
    [row] = rows(app, user)
    assert row.state == "sending" and row.handed_over_at is not None

    # The restarted schedule finds the claim stale: it may have arrived, so it is not resent.
    for minutes in (5, 10, 11, 30):
        code, _, err = finish(notify_run(app, "--now", (T0 + timedelta(minutes=minutes))
                                         .isoformat(), **env))
        assert code == 0, err
    assert len(smtp_server.inbox.to(user.email)) == 1
    [row] = rows(app, user)
    assert row.state == "failed" and row.error == ledger.INTERRUPTED_DURING


def test_a_run_killed_before_hand_over_is_sent_by_a_later_run(tmp_path, smtp_server):
    app = _make_app(f"sqlite:///{tmp_path / 'kill2.sqlite3'}", tmp_path)
    user = new_user(app, timezone="America/Los_Angeles")
    configure(app, user, daily_digest=True)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    # A server that takes the connection and never greets: the run hangs before hand-over.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    try:
        proc = notify_run(app, "--now", "2025-03-10T17:00:00Z",
                          THRICE_SMTP_URL=f"smtp://127.0.0.1:{silent.getsockname()[1]}")
        wait_for(lambda: rows(app, user), 60, "the run to claim the digest")
        time.sleep(0.5)  # connecting to the silent server
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        silent.close()
    [row] = rows(app, user)
    assert row.state == "sending" and row.handed_over_at is None

    env = {"THRICE_SMTP_URL": smtp_server.url()}
    assert finish(notify_run(app, "--now", (T0 + timedelta(minutes=9)).isoformat(), **env))[0] == 0
    assert smtp_server.inbox.to(user.email) == []  # the claim might still be someone's send
    for minutes in (10, 11, 12):
        assert finish(notify_run(app, "--now", (T0 + timedelta(minutes=minutes)).isoformat(),
                                 **env))[0] == 0
    assert len(smtp_server.inbox.to(user.email)) == 1
    [row] = rows(app, user)
    assert (row.state, row.attempts) == ("sent", 2)


def _due_now(app: Flask, receiver) -> tuple[object, str]:  # noqa: ANN001
    """A user with a real P1 nudge due now (a promised call that did not come, R1) and a
    digest time a minute ago: in a zone where it is about 13:00 now, with no weekend, so the
    rule's business hours hold whenever the test runs."""
    now = utcnow()
    offset = 13 - now.hour
    zone = "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"
    local = now.astimezone(ZoneInfo(zone))
    user = new_user(app)
    topic = f"live-{secrets.token_hex(3)}"
    assert user.patch("/me", json={"timezone": zone, "weekend": []}).status_code == 200
    configure(app, user, daily_digest=True, push_urls=[receiver.url(topic)],
              preferred_time=(local - timedelta(minutes=1)).strftime("%H:%M"))
    cid = user.post("/contacts", json={"name": "Ada Lovelace"}).get_json()["id"]
    promised = user.post(f"/contacts/{cid}/interactions", json={
        "type": "promise_made", "occurred_at": (now - timedelta(hours=5)).isoformat(),
        "promise": {"kind": "call_at", "at": (now - timedelta(hours=4)).isoformat()}})
    assert promised.status_code == 201, promised.get_json()
    return user, topic


def _nudge_due(user) -> bool:  # noqa: ANN001
    due = user.get("/nudges?state=due").get_json()["items"]
    return [(n["rule"], n["priority"]) for n in due] == [("R1", "P1")]


def _healthy(app: Flask) -> dict | None:
    body = app.test_client().get("/api/v1/health").get_json()
    return body if body["status"] == "ok" else None


def test_the_in_process_schedule_sends_and_keeps_health_ok(tmp_path, smtp_server, receiver,
                                                           processes):
    app = _make_app(f"sqlite:///{tmp_path / 'inline.sqlite3'}", tmp_path)
    user, topic = _due_now(app, receiver)
    assert _nudge_due(user)
    assert app.test_client().get("/api/v1/health").get_json()["status"] == "degraded"
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": "",
           "THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "INFO",
           "THRICE_SMTP_URL": smtp_server.url(), "THRICE_MAIL_FROM": "reminders@thrice.test"}
    # What `thrice serve` starts beside gunicorn when there is no Redis; we are its parent.
    processes.start([sys.executable, "-m", "server.jobs.inline_schedule", str(os.getpid())],
                    env, tmp_path / "schedule.log")
    wait_for(lambda: smtp_server.inbox.to(user.email), 60, "the digest")
    wait_for(lambda: receiver.on(topic), 30, "the push")
    health = wait_for(lambda: _healthy(app), 30, "health to be ok")
    assert health["queue"] == "inline" and health["scheduler"]["last_run_at"]
    assert len(smtp_server.inbox.to(user.email)) == 1 and len(receiver.on(topic)) == 1


def test_rq_cron_and_a_worker_send_and_keep_health_ok(database_url, tmp_path, smtp_server,
                                                      receiver, processes):
    conn = Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except Exception:  # noqa: BLE001
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    conn.flushdb()
    app = _make_app(database_url, tmp_path, redis_url=REDIS_URL, inline_jobs=False)
    user, topic = _due_now(app, receiver)
    assert app.test_client().get("/api/v1/health").get_json()["status"] == "degraded"
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": REDIS_URL,
           "THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "INFO",
           "THRICE_SMTP_URL": smtp_server.url(), "THRICE_MAIL_FROM": "reminders@thrice.test"}
    try:
        # The worker computes the nudge first, then the cron's ticks send it.
        for command in ("worker", "cron"):
            processes.start([sys.executable, "-m", "server.cli", command], env,
                            tmp_path / f"{command}.log")
            if command == "worker":
                wait_for(lambda: _nudge_due(user), 60, "the worker to compute the nudge")
        wait_for(lambda: smtp_server.inbox.to(user.email), 90, "the digest")
        wait_for(lambda: receiver.on(topic), 30, "the push")
        health = wait_for(lambda: _healthy(app), 30, "health to be ok")
        assert health["queue"] == "redis" and health["scheduler"]["last_run_at"]
        assert len(smtp_server.inbox.to(user.email)) == 1 and len(receiver.on(topic)) == 1
    finally:
        processes.stop_all()
        conn.flushdb()
