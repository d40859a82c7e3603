"""Shared helpers for the nudge API tests (no tests here): a user's world driven over HTTP.

The server evaluates at the real clock, so every interaction is logged with an explicit
``occurred_at`` relative to ``datetime.now(UTC)``, and users get ``weekend: []`` (every day a
working day) unless a test is about weekends, so no expectation depends on today's weekday.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from server.domain import business_time as bt
from server.jobs.tasks import nudge_sweep, recompute_all
from tests.api.helpers import li, walk
from tests.conftest import ApiUser

ME = "Sam Seeker"


def now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s.replace("Z", "+00:00"))


def ago(**delta: float) -> datetime:
    return now() - timedelta(**delta)


@pytest.fixture(autouse=True)
def no_failed_jobs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """In-process jobs swallow their errors (the catch-up sweep retries): a test must not."""
    with caplog.at_level(logging.ERROR, logger="server.jobs.dispatch"):
        yield
    failed = [r for r in caplog.records if r.name == "server.jobs.dispatch"]
    assert not failed, failed[0].getMessage() + "\n" + (failed[0].exc_text or "")


def settings(user: ApiUser, **body: Any) -> dict[str, Any]:
    body.setdefault("weekend", [])
    r = user.patch("/me", json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def contact(user: ApiUser, name: str = "Dana Reyes", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, **fields}
    body.setdefault("profiles", [{"url": li()}])
    body.setdefault("emails", [f"{name.split()[0].lower()}@example.com"])
    r = user.post("/contacts", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def log(user: ApiUser, cid: int, type_: str, at: datetime, **body: Any) -> dict[str, Any]:
    r = user.post(f"/contacts/{cid}/interactions",
                  json={"type": type_, "occurred_at": iso(at), **body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def opportunity(user: ApiUser, *links: tuple[int, str | None], status: str = "interviewing",
                company: str = "Acme", title: str = "Staff Engineer") -> dict[str, Any]:
    body = {"company": company, "title": title, "status": status,
            "contacts": [{"contact_id": cid, **({"role": role} if role else {})}
                         for cid, role in links]}
    r = user.post("/opportunities", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def nudges(user: ApiUser, state: str = "all", **filters: Any) -> list[dict[str, Any]]:
    return walk(user, "/nudges", state=state, **filters)


def live(user: ApiUser, **filters: Any) -> list[dict[str, Any]]:
    return [n for n in nudges(user, **filters) if n["state"] in ("scheduled", "due", "snoozed")]


def one(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [n for n in items if all(n.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, [(n["rule"], n["step"], n["state"]) for n in items])
    return found[0]


def none_of(items: list[dict[str, Any]], **match: Any) -> None:
    found = [n for n in items if all(n.get(k) == v for k, v in match.items())]
    assert not found, (match, found)


def sweep(app: Flask, user: ApiUser | None = None) -> None:
    """The minute sweep: for every user, or only for `user` (the shared test database holds
    every test's users)."""
    with app.app_context():
        nudge_sweep(None if user is None else user.id)


def recompute(app: Flask, user: ApiUser) -> None:
    with app.app_context():
        recompute_all(user.id)


def assert_text(n: dict[str, Any], person: str, subject: str, *, signed: bool = True) -> None:
    """The message names the person and the subject (and is signed); the reason is one
    sentence."""
    assert person in n["message"], n["message"]
    assert subject in n["message"], (subject, n["message"])
    if signed:
        assert n["message"].rstrip().endswith(ME), n["message"]
    reason = n["reason"].strip()
    assert reason and reason[-1] in ".!?", reason
    assert "\n" not in reason
    body = reason[:-1]
    assert ". " not in body and "? " not in body and "! " not in body, reason


def today() -> date:
    return now().date()


def day(offset: int) -> date:
    return today() + timedelta(days=offset)


def at(d: date, hm: str, tz: str = "UTC") -> datetime:
    """Wall-clock ``d hm`` in ``tz`` as a UTC instant."""
    return bt.at_local(d, time.fromisoformat(hm), tz)


def last_monday_nine(now_: datetime, tz: str) -> datetime:
    """The latest Monday 09:00 local at or before `now_` (the weekly digest's time), counted
    by hand rather than with the code under test."""
    d = now_.astimezone(ZoneInfo(tz)).date()
    d -= timedelta(days=d.weekday())
    candidate = bt.at_local(d, time(9, 0), tz)
    return candidate if candidate <= now_ else bt.at_local(d - timedelta(days=7), time(9, 0), tz)
