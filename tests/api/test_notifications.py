"""Reminder settings and delivery over HTTP (SPEC §13): PATCH/GET /me `daily_digest` and
`push_urls`, GET /me/notifications, and the schedule's pulse in GET /health."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.extensions import db
from server.jobs import tasks
from server.models import Contact, utcnow
from server.services.notify import ledger
from tests.api.helpers import assert_error
from tests.conftest import _make_app, new_user
from tests.services.test_notify_transport import (
    PushReceiver,
    SmtpServer,
    add_nudge,
    configure,
    run,
    running_receiver,
    running_smtp,
)

T0 = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    yield from running_receiver()


@pytest.fixture
def mail_app(app: Flask, smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Flask]:
    """The session's database, behind an app whose server can send e-mail."""
    mail = _make_app(app.config["DATABASE_URL"], tmp_path, smtp_url=smtp_server.url(),
                     mail_from="reminders@thrice.test")
    yield mail
    with mail.app_context():
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own: the schedule's pulse is one per database."""
    if request.param == "sqlite":
        yield _make_app(f"sqlite:///{tmp_path / 'pulse.sqlite3'}", tmp_path)
        return
    base = make_url(request.getfixturevalue("pg_url"))
    name = f"{base.database}_n{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = _make_app(base.set(database=name).render_as_string(hide_password=False), tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_settings_round_trip(mail_app, receiver):
    user = new_user(mail_app)
    me = user.get("/me").get_json()
    assert me["daily_digest"] is False and me["push_urls"] == []
    urls = [receiver.url("sam"), "  tgram://123456789:abcdefg_hijklmnop/12315544/ ",
            receiver.url("sam")]
    r = user.patch("/me", json={"daily_digest": True, "push_urls": urls})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["daily_digest"] is True
    assert body["push_urls"] == [receiver.url("sam"),
                                 "tgram://123456789:abcdefg_hijklmnop/12315544/"]
    assert user.get("/me").get_json()["push_urls"] == body["push_urls"]
    assert user.patch("/me", json={"push_urls": [], "daily_digest": False}).get_json()[
        "push_urls"] == []
    assert user.get("/me/export").get_json()["user"]["daily_digest"] is False


def test_push_urls_apprise_does_not_know_are_refused_by_position(mail_app, receiver):
    user = new_user(mail_app)
    r = user.patch("/me", json={"push_urls": [receiver.url("ok"), "https://example.com/x",
                                              "nonsense"]})
    body = assert_error(r, 422)
    errors = body["errors"]["json"]["push_urls"]
    assert set(errors) == {"1", "2"} and "Apprise" in errors["1"][0]
    assert user.get("/me").get_json()["push_urls"] == []  # nothing was saved


@pytest.mark.parametrize("bad", [
    {"push_urls": "ntfy://ntfy.sh/a"},
    {"push_urls": [1]},
    {"push_urls": [""]},
    {"push_urls": ["ntfy://ntfy.sh/" + "a" * 2048]},
    {"push_urls": [f"ntfy://ntfy.sh/t{i}" for i in range(11)]},
    {"push_urls": ["ntfy://ntfy.sh/\x00"]},
    {"daily_digest": "yes"},
    {"daily_digest": None},
])
def test_malformed_reminder_settings_are_422(mail_app, bad):
    user = new_user(mail_app)
    body = assert_error(user.patch("/me", json=bad), 422)
    assert set(body["errors"]["json"]) == set(bad)


def test_the_digest_cannot_be_turned_on_where_no_e_mail_can_be_sent(user):
    body = assert_error(user.patch("/me", json={"daily_digest": True}), 422)
    assert "THRICE_SMTP_URL" in body["errors"]["json"]["daily_digest"][0]
    assert user.patch("/me", json={"daily_digest": False}).status_code == 200


def test_notifications_show_the_sends_and_the_last_failure(mail_app, smtp_server, receiver):
    user = new_user(mail_app, timezone="America/Los_Angeles")
    other = new_user(mail_app)
    assert user.get("/me/notifications").get_json() == {
        "last_sent_at": None, "last_error": None, "sent": []}
    receiver.failing.add("broken")
    assert user.patch("/me", json={"daily_digest": True, "push_urls": [
        receiver.url("broken")]}).status_code == 200
    due_id, _ = add_nudge(mail_app, user, due_at=T0 - timedelta(hours=1), notify_at=T0)
    report = run(mail_app, T0, [user])
    assert report.digests == 1 and len(report.failed) == 1

    body = user.get("/me/notifications").get_json()
    assert body["last_sent_at"] == "2025-03-10T17:00:00Z"
    assert body["sent"] == [{"channel": "email", "at": "2025-03-10T17:00:00Z",
                             "nudge_ids": [due_id]}]
    error = body["last_error"]
    assert error["channel"] == "push" and error["at"] == "2025-03-10T17:00:00Z"
    assert "push URL 1" in error["error"] and error["retry_at"] == "2025-03-10T17:01:00Z"
    # Someone else's ledger is not theirs.
    assert other.get("/me/notifications").get_json()["sent"] == []

    receiver.failing.clear()
    assert run(mail_app, T0 + timedelta(minutes=1), [user]).pushes == 1
    body = user.get("/me/notifications").get_json()
    assert [s["channel"] for s in body["sent"]] == ["push", "email"]
    assert body["last_sent_at"] == "2025-03-10T17:01:00Z"
    # The failure stays visible, older than the last send, and is no longer retried.
    assert body["last_error"]["at"] == "2025-03-10T17:00:00Z"
    assert body["last_error"]["retry_at"] is None


def test_notifications_need_a_token(client):
    assert client.get("/api/v1/me/notifications").status_code == 401


def test_a_reminder_setting_alone_re_checks_no_nudge(mail_app):
    """PATCH /me with only reminder settings leaves every contact's derived state alone; a
    setting that moves due times re-checks them all."""
    user = new_user(mail_app)
    cid = user.post("/contacts", json={"name": "Untouched"}).get_json()["id"]

    def computed_at() -> datetime:
        with mail_app.app_context():
            value = db.session.get(Contact, cid).warmth_computed_at
            db.session.remove()
            return value

    before = computed_at()
    assert user.patch("/me", json={"daily_digest": True, "push_urls": []}).status_code == 200
    assert computed_at() == before
    assert user.patch("/me", json={"timezone": "Europe/Berlin"}).status_code == 200
    assert computed_at() > before


def health(app: Flask) -> tuple[int, dict]:
    r = app.test_client().get("/api/v1/health")
    return r.status_code, r.get_json()


def test_health_reports_the_schedule_and_degrades_when_it_stops(fresh_app):
    status, body = health(fresh_app)
    assert status == 200
    assert body == {"status": "degraded", "database": "ok", "queue": "inline",
                    "scheduler": {"last_run_at": None}}
    # The scheduled job records its run, whatever it has to send.
    with fresh_app.app_context():
        assert tasks.notify_due() == 0
        ran = ledger.last_tick(db.session)
    assert ran is not None and utcnow() - ran < timedelta(minutes=1)
    status, body = health(fresh_app)
    assert (status, body["status"]) == (200, "ok")
    assert body["scheduler"]["last_run_at"] == ran.isoformat().replace("+00:00", "Z")
    # Five minutes without a run: degraded, still 200 (the API itself works).
    with fresh_app.app_context():
        ledger.record_tick(db.session, utcnow() - timedelta(minutes=5, seconds=5))
    status, body = health(fresh_app)
    assert (status, body["status"], body["database"]) == (200, "degraded", "ok")


def test_health_documents_the_scheduler(client):
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "last_run_at" in schema["SchedulerOut"]["properties"]
    assert "scheduler" in schema["HealthOut"]["properties"]
    assert "/api/v1/me/notifications" in client.get("/api/openapi.json").get_json()["paths"]


def test_erasing_the_user_erases_their_ledger(mail_app, smtp_server):
    user = new_user(mail_app, timezone="America/Los_Angeles")
    configure(mail_app, user, daily_digest=True)
    add_nudge(mail_app, user, due_at=T0 - timedelta(hours=1))
    assert run(mail_app, T0, [user]).digests == 1
    assert user.delete("/me").status_code == 204
    with mail_app.app_context():
        left = db.session.execute(text("SELECT count(*) FROM notifications WHERE user_id = :u"),
                                  {"u": user.id}).scalar()
    assert left == 0
