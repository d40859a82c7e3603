"""IMAP sync against a real Dovecot: settings, incremental reads, UIDVALIDITY, failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.extensions import db
from server.models import MailAccount
from server.services.mail.secret import encrypt
from tests.conftest import ApiUser, new_user
from tests.mail.build import raw_message
from tests.mail.conftest import SECRET
from tests.mail.dovecot import PASSWORD, Dovecot

BOX = "box0@example.com"
TUESDAY = "Tue, 04 Mar 2025 09:00:00 +0000"


def _settings(server: Dovecot, password: str = PASSWORD, user: str = BOX) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": server.port, "security": "none", "username": user,
            "password": password}


def _contact(api: ApiUser, name: str, email: str, tz: str | None = None) -> int:
    body: dict[str, Any] = {"name": name, "emails": [email]}
    if tz:
        body["timezone"] = tz
    response = api.post("/contacts", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _interactions(api: ApiUser, contact_id: int) -> list[dict[str, Any]]:
    return api.get(f"/contacts/{contact_id}/interactions").get_json()["items"]


@pytest.fixture
def api(mail_app: Flask) -> ApiUser:
    return new_user(mail_app)


def test_settings_are_checked_and_the_password_never_answered(api: ApiUser, imap: Dovecot):
    bad = api.put("/me/mail", json=_settings(imap, password="wrong"))
    assert bad.status_code == 422
    assert "password" in bad.get_json()["errors"]["json"]
    assert api.get("/me/mail").status_code == 404

    good = api.put("/me/mail", json=_settings(imap))
    assert good.status_code == 200
    body = good.get_json()
    assert "password" not in body and PASSWORD not in str(body)
    assert body == {"host": "127.0.0.1", "port": imap.port, "security": "none",
                    "username": BOX, "last_sync_at": None, "last_error": None}
    with api.app.app_context():
        stored = db.session.scalar(select(MailAccount).where(MailAccount.user_id == api.id))
        assert stored is not None and PASSWORD not in stored.password_encrypted
    assert api.get("/me/mail").get_json()["username"] == BOX
    assert api.delete("/me/mail").status_code == 204
    assert api.get("/me/mail").status_code == 404


def test_unreachable_server_is_a_field_error(api: ApiUser, imap: Dovecot):
    closed = {**_settings(imap), "port": 1}
    response = api.put("/me/mail", json=closed)
    assert response.status_code == 422
    assert "host" in response.get_json()["errors"]["json"]


def test_sync_logs_known_contacts_once_and_suggests(api: ApiUser, imap: Dovecot):
    recruiter = _contact(api, "Rita Recruiter", "rita@acme.example", tz="Europe/Paris")
    manager = _contact(api, "Hank Manager", "hank@acme.example")
    imap.append(BOX, "INBOX", raw_message(
        "<m1@acme.example>", "Rita <Rita@Acme.example>", BOX, TUESDAY,
        "Hi Sam,\n\nThanks for your time today. You will hear from us by Friday.\n\nBest,\nRita"
        "\n\nOn Mon, Mar 3, 2025 at 9:00 AM Sam <box0@example.com> wrote:\n"
        "> I will call you tomorrow at 3pm.\n"))
    imap.append(BOX, "INBOX", raw_message(
        "<m2@stranger.example>", "stranger@else.example", BOX, TUESDAY,
        "We will get back to you by Friday."))
    imap.append(BOX, "Sent Items", raw_message(
        "<m3@example.com>", BOX, "hank@acme.example, nobody@else.example",
        "Wed, 05 Mar 2025 10:00:00 +0000", "Hello Hank, following up on the role."))

    assert api.put("/me/mail", json=_settings(imap)).status_code == 200
    first = api.post("/me/mail/sync")
    assert first.status_code == 200
    assert first.get_json() == {"messages_read": 3, "interactions_added": 2,
                                "suggestions_added": 1}
    rita = _interactions(api, recruiter)
    assert [(i["type"], i["external_id"], i["occurred_at"]) for i in rita] == [
        ("reply_received", "<m1@acme.example>", "2025-03-04T09:00:00Z")]
    hank = _interactions(api, manager)
    assert [(i["type"], i["external_id"]) for i in hank] == [("email_sent", "<m3@example.com>")]
    contacts = api.get("/contacts").get_json()["items"]
    assert {c["name"] for c in contacts} == {"Rita Recruiter", "Hank Manager"}

    suggestions = api.get("/suggestions").get_json()["items"]
    assert len(suggestions) == 1
    promise = suggestions[0]
    assert promise["kind"] == "promise" and promise["state"] == "pending"
    assert promise["contact_id"] == recruiter
    assert promise["source_interaction_id"] == rita[0]["id"]
    assert promise["evidence"] == "You will hear from us by Friday."
    assert promise["value"]["promise"] == {"kind": "by_date", "date": "2025-03-07",
                                           "tz": "Europe/Paris"}

    again = api.post("/me/mail/sync").get_json()
    assert again == {"messages_read": 0, "interactions_added": 0, "suggestions_added": 0}
    status = api.get("/me/mail").get_json()
    assert status["last_error"] is None and status["last_sync_at"] is not None

    imap.append(BOX, "INBOX", raw_message(
        "<m4@acme.example>", "rita@acme.example", BOX, "Thu, 06 Mar 2025 09:00:00 +0000",
        "Unfortunately, we have decided to move forward with other candidates."))
    third = api.post("/me/mail/sync").get_json()
    assert third == {"messages_read": 1, "interactions_added": 1, "suggestions_added": 1}


def test_accepting_logs_what_a_manual_log_would(api: ApiUser, imap: Dovecot):
    recruiter = _contact(api, "Rita Recruiter", "rita@acme.example")
    twin = _contact(api, "Manual Twin", "twin@acme.example")
    yesterday = format_datetime(datetime.now(UTC) - timedelta(days=1))
    imap.append(BOX, "INBOX", raw_message(
        "<p1@acme.example>", "rita@acme.example", BOX, yesterday,
        "Give us a week to decide, please."))
    imap.append(BOX, "INBOX", raw_message(
        "<n1@acme.example>", "rita@acme.example", BOX, TUESDAY,
        "I regret to inform you that the position has been filled."))
    api.put("/me/mail", json=_settings(imap))
    assert api.post("/me/mail/sync").get_json()["suggestions_added"] == 2
    by_kind = {s["kind"]: s for s in api.get("/suggestions").get_json()["items"]}

    accepted = api.post(f"/suggestions/{by_kind['promise']['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    logged = accepted.get_json()["interaction"]
    manual = api.post(f"/contacts/{twin}/interactions", json=by_kind["promise"]["value"])
    assert manual.status_code == 201
    ignore = {"id", "contact_id", "created_at", "updated_at"}
    assert {k: v for k, v in logged.items() if k not in ignore} == \
        {k: v for k, v in manual.get_json().items() if k not in ignore}
    assert logged["type"] == "promise_made"
    assert logged["promise"]["kind"] == "wait_days" and logged["promise"]["days"] == 7
    # The promise now drives the rules like a hand-logged one: a nudge for the recruiter.
    nudges = api.get(f"/nudges?state=all&contact_id={recruiter}").get_json()["items"]
    twins = api.get(f"/nudges?state=all&contact_id={twin}").get_json()["items"]
    promise_rule = [(n["rule"], n["due_at"]) for n in twins]
    assert promise_rule and promise_rule[0][0] == "R3"
    assert [(n["rule"], n["due_at"]) for n in nudges if n["rule"] == "R3"] == promise_rule

    assert api.post(f"/suggestions/{by_kind['promise']['id']}/accept").status_code == 409
    rejected = api.post(f"/suggestions/{by_kind['no']['id']}/reject")
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    assert api.get("/suggestions").get_json()["items"] == []
    assert len(api.get("/suggestions?state=all").get_json()["items"]) == 2
    types = [i["type"] for i in _interactions(api, recruiter)]
    assert "no_received" not in types  # a rejected suggestion logs nothing


def test_changed_uidvalidity_rereads_without_duplicates(api: ApiUser, imap: Dovecot):
    recruiter = _contact(api, "Rita Recruiter", "rita@acme.example")
    for n in range(3):
        imap.append(BOX, "INBOX", raw_message(
            f"<u{n}@acme.example>", "rita@acme.example", BOX, TUESDAY, f"Note {n}."))
    api.put("/me/mail", json=_settings(imap))
    assert api.post("/me/mail/sync").get_json()["interactions_added"] == 3
    with api.app.app_context():
        account = db.session.scalar(select(MailAccount).where(MailAccount.user_id == api.id))
        assert account is not None
        assert account.folders["INBOX"]["last_uid"] == 3
        account.folders = {"INBOX": {"uidvalidity": 1, "last_uid": 3}}
        db.session.commit()
    reread = api.post("/me/mail/sync").get_json()
    assert reread == {"messages_read": 3, "interactions_added": 0, "suggestions_added": 0}
    assert len(_interactions(api, recruiter)) == 3


def test_failures_are_a_clear_last_error(api: ApiUser, imap: Dovecot):
    api.put("/me/mail", json=_settings(imap))
    with api.app.app_context():
        account = db.session.scalar(select(MailAccount).where(MailAccount.user_id == api.id))
        assert account is not None
        account.password_encrypted = encrypt(SECRET, "changed-since")
        db.session.commit()
    response = api.post("/me/mail/sync")
    assert response.status_code == 200
    assert "user name or password" in api.get("/me/mail").get_json()["last_error"]

    api.put("/me/mail", json=_settings(imap))
    imap.stop()
    assert api.post("/me/mail/sync").status_code == 200
    assert "Could not reach" in api.get("/me/mail").get_json()["last_error"]


def test_a_server_without_sent_folder_reads_inbox_and_says_so(
        api: ApiUser, imap_without_sent: Dovecot):
    _contact(api, "Rita Recruiter", "rita@acme.example")
    imap_without_sent.append(BOX, "INBOX", raw_message(
        "<s1@acme.example>", "rita@acme.example", BOX, TUESDAY, "Hello."))
    api.put("/me/mail", json=_settings(imap_without_sent))
    assert api.post("/me/mail/sync").get_json()["interactions_added"] == 1
    assert "Sent" in api.get("/me/mail").get_json()["last_error"]


def test_without_secret_key_saving_says_to_set_it(sqlite_app: Flask, imap: Dovecot):
    api = new_user(sqlite_app)
    response = api.put("/me/mail", json=_settings(imap))
    assert response.status_code == 409
    assert "THRICE_SECRET_KEY" in response.get_json()["message"]
