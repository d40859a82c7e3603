"""Issue 12, hardening: the iCalendar feed carries no control character that could end a line
or smuggle a property, and POST /me/calendar/rotate replaces its token (SPEC §6)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import update

from server.extensions import db
from server.models import Nudge
from tests.api.helpers import assert_error
from tests.api.test_nudges_helpers import at, contact, day, log, no_failed_jobs, nudges, one
from tests.api.test_nudges_helpers import settings as set_settings

__all__ = ["no_failed_jobs"]

HOSTILE_NAME = "Eve\rX-INJECTED:1\x1b[31m\x07\x0b\x7f\x85 Mallory\u2028END:VEVENT"


def feed_response(user: Any, url: str | None = None) -> Any:
    url = url or user.get("/me").get_json()["calendar_url"]
    parts = urlsplit(url)
    return user.app.test_client().get(f"{parts.path}?{parts.query}")


def hostile_nudge(user: Any, message: str) -> dict[str, Any]:
    set_settings(user)
    c = contact(user, HOSTILE_NAME, profiles=[], emails=["eve@example.com"])
    log(user, c["id"], "email_sent", at(day(-5), "08:00"))
    n = one(nudges(user, contact_id=c["id"], rule="R8"))
    with user.app.app_context():
        db.session.execute(update(Nudge).where(Nudge.id == n["id"]).values(message=message))
        db.session.commit()
    return n


def unfolded_lines(body: str) -> list[str]:
    assert body.endswith("\r\n")
    return body[:-2].replace("\r\n ", "").split("\r\n")


def test_feed_text_has_no_control_characters(app, user):
    # NUL cannot be stored in PostgreSQL text; SQLite keeps it, so the feed must drop it there.
    nul = "\x00" if app.config["DATABASE_URL"].startswith("sqlite") else ""
    message = f"line one\rBEGIN:VALARM{nul}\r\nline\x1b[2J two\nthree\x1f\x9b\u2029four\tend"
    n = hostile_nudge(user, message)
    r = feed_response(user)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    # Every line ends with CRLF; there is no other CR or LF, and no control but HTAB at all.
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]",
                         body.replace("\r\n", ""))
    lines = unfolded_lines(body)
    assert all(len(line.encode()) <= 75 for line in body[:-2].split("\r\n"))
    # Nothing the hostile text contained became a property or a component of its own.
    assert not any(line.startswith(("X-INJECTED", "END:VEVENT\\", "BEGIN:VALARM"))
                   for line in lines)
    assert [ln for ln in lines if ln.startswith("BEGIN:")] == ["BEGIN:VCALENDAR", "BEGIN:VEVENT"]
    event = lines[lines.index("BEGIN:VEVENT"):lines.index("END:VEVENT") + 1]
    assert f"UID:nudge-{n['id']}@localhost" in event
    summary = next(ln for ln in event if ln.startswith("SUMMARY:"))
    assert summary.endswith("Eve\\nX-INJECTED:1[31m\\n Mallory\\nEND:VEVENT")
    description = next(ln for ln in event if ln.startswith("DESCRIPTION:"))
    assert description.endswith("line one\\nBEGIN:VALARM\\nline[2J two\\nthree\\nfour\tend")


def test_uid_host_is_reduced_to_a_domain(user):
    hostile_nudge(user, "hello")
    parts = urlsplit(user.get("/me").get_json()["calendar_url"])
    r = user.app.test_client().get(f"{parts.path}?{parts.query}",
                                   headers={"Host": "evil;x=1,y"})
    assert r.status_code == 200
    uids = [ln for ln in unfolded_lines(r.get_data(as_text=True)) if ln.startswith("UID:")]
    assert uids and all(re.fullmatch(r"UID:nudge-\d+@[A-Za-z0-9.-]+", u) for u in uids)


def test_rotate_replaces_the_feed_token_at_once(user, make_user):
    old_url = user.get("/me").get_json()["calendar_url"]
    assert feed_response(user, old_url).status_code == 200
    other = make_user()
    other_url = other.get("/me").get_json()["calendar_url"]

    r = user.post("/me/calendar/rotate")
    assert r.status_code == 200, r.get_json()
    new_url = r.get_json()["calendar_url"]
    assert set(r.get_json()) == {"calendar_url"}
    assert new_url != old_url
    assert urlsplit(new_url).path == urlsplit(old_url).path == "/api/v1/nudges.ics"
    token = parse_qs(urlsplit(new_url).query)["feed"][0]
    assert len(token) >= 32
    body = assert_error(feed_response(user, old_url), 403)
    assert "calendar_url" in body["message"]
    assert feed_response(user, new_url).status_code == 200
    assert user.get("/me").get_json()["calendar_url"] == new_url
    # Another user's feed is untouched; rotating again gives yet another URL.
    assert other.get("/me").get_json()["calendar_url"] == other_url
    assert feed_response(other, other_url).status_code == 200
    again = user.post("/me/calendar/rotate").get_json()["calendar_url"]
    assert again not in (new_url, old_url)
    assert_error(feed_response(user, new_url), 403)


def test_rotate_needs_a_token_and_is_documented(user, client):
    assert_error(client.post("/api/v1/me/calendar/rotate"), 401)
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/me/calendar/rotate"]["post"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "calendar_url" in repr(doc["components"]["schemas"]) and schema


def test_a_feed_token_with_a_nul_byte_or_odd_characters_is_a_403(app, user):
    client = app.test_client()
    for feed in ("\x00abc", "a b", "é" * 5, "x" * 201):
        answer = client.get("/api/v1/nudges.ics", query_string={"feed": feed})
        assert answer.status_code in (403, 422), (feed, answer.status_code)
        assert answer.get_json()["code"] in (403, 422)
