"""The nudge adapter's time-driven work (server.services.nudge_sync.sweep_user) at instants
other than the real now: what a later sweep does with snoozes, the daily cap and the digest.

Histories are written through the API (jobs inline), then ``sweep_user`` runs at a chosen
``now`` inside the app context, and the result is read back through the API.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from server.domain import business_time as bt
from server.extensions import db
from server.models import User
from server.services import nudge_sync
from tests.api.test_nudges_helpers import (
    at,
    contact,
    day,
    iso,
    last_monday_nine,
    log,
    no_failed_jobs,
    now,
    nudges,
    one,
    opportunity,
    settings,
)

__all__ = ["no_failed_jobs"]


def sweep_at(app: Any, user: Any, when: datetime) -> None:
    with app.app_context():
        row = db.session.get(User, user.id)
        nudge_sync.sweep_user(db.session, row, when)
        db.session.commit()
        db.session.remove()


def test_a_woken_snooze_counts_expiry_from_until(app, user):
    settings(user)
    c = contact(user, "Snooze Waker", profiles=[])
    d = day(-1)
    log(user, c["id"], "promise_made", at(d, "09:00"),
        promise={"kind": "call_at", "at": iso(at(d, "11:00"))})
    n = one(nudges(user, rule="R1"))  # P1, due yesterday 14:00: expires 3 working days later
    until = now() + timedelta(days=5)
    r = user.post(f"/nudges/{n['id']}/snooze", json={"until": iso(until)})
    assert r.status_code == 200 and r.get_json()["state"] == "snoozed"
    woke = until + timedelta(minutes=1)
    sweep_at(app, user, woke)
    sweep_at(app, user, woke + timedelta(minutes=1))
    n = one(nudges(user, rule="R1"))
    # Stored as snoozed (reads at that instant would show it due), alive and visible.
    assert n["state"] == "snoozed" and n["visible"], n
    # ... and it does expire 3 working days after until.
    sweep_at(app, user, until + timedelta(days=3, minutes=5))
    assert one(nudges(user, rule="R1"))["state"] == "expired"


def test_the_daily_cap_overflow_shows_the_next_day(app, user):
    settings(user)
    for k in range(12):
        c = contact(user, f"Over{k:02d} Flow", profiles=[])
        log(user, c["id"], "email_sent", at(day(-5), "08:00"))
    held = [n for n in nudges(user) if not n["visible"]]
    assert len(held) == 2 and all(n["state"] == "due" for n in held)
    sweep_at(app, user, now() + timedelta(minutes=1))
    assert len([n for n in nudges(user) if not n["visible"]]) == 2  # today's budget is spent
    tomorrow = bt.at_local(day(1), time(8, 0), "UTC")
    sweep_at(app, user, tomorrow)
    assert all(n["visible"] for n in nudges(user))
    before = nudges(user)
    sweep_at(app, user, tomorrow + timedelta(minutes=1))
    assert nudges(user) == before


def test_the_pipeline_digest_runs_once_a_week_on_any_day(app, user):
    settings(user, timezone="Asia/Tokyo")
    rec = contact(user, "Dig Est", role="recruiter", profiles=[])
    opportunity(user, (rec["id"], "recruiter"))
    sweep_at(app, user, now())
    # Never before the user's first opportunity existed: the first digest is the Monday after.
    assert nudges(user, rule="R11") == []
    monday = last_monday_nine(now(), "Asia/Tokyo") + timedelta(days=7)
    sweep_at(app, user, monday + timedelta(hours=30))  # a sweep that missed Monday itself
    first = one(nudges(user, rule="R11"))
    assert first["due_at"] == iso(monday)
    sweep_at(app, user, monday + timedelta(hours=30, minutes=1))
    assert nudges(user, rule="R11") == [first]
    next_monday = monday + timedelta(days=7, minutes=1)
    sweep_at(app, user, next_monday)
    items = nudges(user, rule="R11")
    assert len(items) == 2
    assert one(items, id=first["id"])["state"] == "superseded"
    assert one(items, due_at=iso(monday + timedelta(days=7)))["state"] == "due"
