"""The schedule's mail job and `thrice mail sync`: every mailbox, one user's failure isolated."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from server import create_app
from server.cli import main
from server.config import Settings
from server.extensions import db
from server.jobs import tasks
from server.jobs.schedule import SCHEDULE
from server.models import Interaction, MailAccount
from tests.conftest import new_user
from tests.mail.build import raw_message
from tests.mail.conftest import SECRET
from tests.mail.dovecot import PASSWORD, Dovecot

DATE = "Tue, 04 Mar 2025 09:00:00 +0000"


def _connect(app: Flask, imap: Dovecot, box: str, contact_email: str) -> int:
    api = new_user(app)
    assert api.post("/contacts", json={"name": "Rita", "emails": [contact_email]}) \
        .status_code == 201
    assert api.put("/me/mail", json={"host": "127.0.0.1", "port": imap.port,
                                     "security": "none", "username": box,
                                     "password": PASSWORD}).status_code == 200
    return api.id


def _logged(app: Flask, user_id: int) -> int:
    with app.app_context():
        return len(db.session.scalars(
            select(Interaction).where(Interaction.user_id == user_id)).all())


def test_the_schedule_reads_mail_every_five_minutes():
    entries = [p for p in SCHEDULE if p.func is tasks.mail_sync]
    assert len(entries) == 1 and entries[0].interval == 300


def test_job_isolates_a_failing_user(mail_sqlite_app: Flask, imap: Dovecot):
    app = mail_sqlite_app
    good = _connect(app, imap, "box1@example.com", "rita@one.example")
    broken = _connect(app, imap, "box2@example.com", "rita@two.example")
    imap.append("box1@example.com", "INBOX", raw_message(
        "<j1@one.example>", "rita@one.example", "box1@example.com", DATE, "Hello."))
    with app.app_context():
        account = db.session.scalar(select(MailAccount).where(MailAccount.user_id == broken))
        assert account is not None
        account.password_encrypted = "not a fernet token"
        db.session.commit()
        assert tasks.mail_sync() >= 2
        failed = db.session.scalar(select(MailAccount).where(MailAccount.user_id == broken))
        assert failed is not None and "THRICE_SECRET_KEY" in (failed.last_error or "")
    assert _logged(app, good) == 1 and _logged(app, broken) == 0


def test_cli_syncs_one_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imap: Dovecot):
    monkeypatch.setenv("THRICE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THRICE_SECRET_KEY", SECRET)
    monkeypatch.setenv("THRICE_INLINE_JOBS", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    created = runner.invoke(main, ["user", "create", "cli@example.com", "--timezone", "UTC",
                                   "--display-name", "Cli"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    api_app = create_app(Settings.from_env())
    client = api_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/contacts", headers=headers, json={
        "name": "Rita", "emails": ["rita@cli.example"]}).status_code == 201
    assert client.put("/api/v1/me/mail", headers=headers, json={
        "host": "127.0.0.1", "port": imap.port, "security": "none",
        "username": "box0@example.com", "password": PASSWORD}).status_code == 200
    imap.append("box0@example.com", "INBOX", raw_message(
        "<c1@cli.example>", "rita@cli.example", "box0@example.com", DATE,
        "You will hear from us by Friday."))
    result = runner.invoke(main, ["mail", "sync", "--user", "cli@example.com"])
    assert result.exit_code == 0, result.output
    assert "1 messages read, 1 interactions added, 1 suggestions added" in result.output
    missing = runner.invoke(main, ["mail", "sync", "--user", "nobody@example.com"])
    assert missing.exit_code != 0
