"""Idempotence of the nudge machinery through the API (SPEC §5.2): sweeps and recomputes
twice, re-posted contacts, re-imported interactions and merges never duplicate, plus a
property test over arbitrary histories."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from server.domain.interaction_types import INTERACTION_TYPES
from server.extensions import db
from server.models import Nudge
from tests.api.helpers import li
from tests.api.test_nudges_helpers import (
    ago,
    at,
    contact,
    day,
    iso,
    live,
    log,
    no_failed_jobs,
    nudges,
    opportunity,
    recompute,
    settings,
    sweep,
)
from tests.conftest import new_user

__all__ = ["no_failed_jobs"]
LIVE = ("scheduled", "due", "snoozed")


def busy_world(user: Any) -> None:
    """Most rules at once: a promise, an interview ladder, a no, a silent email, a manager."""
    rec = contact(user, "Rae Recruiter", role="recruiter", profiles=[])
    hm = contact(user, "Hal Manager", role="hiring_manager",
                 profiles=[{"url": "https://x.com/hal_m"}])
    peer = contact(user, "Pam Peer", role="peer", profiles=[])
    o = opportunity(user, (rec["id"], "recruiter"), (hm["id"], "hiring_manager"))
    d = day(-2)
    log(user, hm["id"], "interview", at(d, "13:00"), ends_at=iso(at(d, "14:00")),
        opportunity_id=o["id"])
    log(user, rec["id"], "promise_made", at(d, "15:00"), opportunity_id=o["id"],
        promise={"kind": "call_at", "at": iso(at(day(-1), "11:00"))})
    log(user, peer["id"], "email_sent", ago(days=6))
    log(user, peer["id"], "call", ago(days=20))
    o2 = opportunity(user, (rec["id"], "recruiter"), company="Initech")
    log(user, rec["id"], "no_received", at(day(-3), "10:00"), opportunity_id=o2["id"])


def keys(app: Any, user_id: int) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(select(
            Nudge.key, Nudge.rule, Nudge.step, Nudge.contact_id, Nudge.anchor, Nudge.state,
            Nudge.visible).where(Nudge.user_id == user_id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def assert_sane(app: Any, user: Any) -> None:
    """No two nudges share (rule, step, contact, anchor); one visible live nudge per contact."""
    rows = keys(app, user.id)
    dupes = Counter((r[1], r[2], r[3], r[4]) for r in rows)
    assert all(v == 1 for v in dupes.values()), [k for k, v in dupes.items() if v > 1]
    visible = Counter(n["contact_id"] for n in live(user) if n["visible"]
                      and n["contact_id"] is not None)
    assert all(v == 1 for v in visible.values()), visible


def test_sweep_and_recompute_twice_change_nothing(app, user):
    settings(user)
    busy_world(user)
    sweep(app)
    recompute(app, user)
    before = nudges(user)
    assert len(before) >= 8
    sweep(app)
    recompute(app, user)
    sweep(app)
    assert nudges(user) == before
    assert_sane(app, user)


def test_reposting_a_contact_creates_no_duplicate_nudges(app, user):
    settings(user)
    url = li()
    c = contact(user, "Remi Repost", role="hiring_manager",
                profiles=[{"url": "https://x.com/remi_r"}, {"url": url}])
    log(user, c["id"], "email_sent", ago(days=5))
    before = nudges(user)
    for _ in range(2):
        r = user.post("/contacts", json={"name": "Remi Repost", "profiles": [{"url": url}],
                                         "headline": "Head of Things"})
        assert r.status_code == 200 and r.get_json()["id"] == c["id"]
    after = nudges(user)
    assert [(n["id"], n["rule"], n["step"], n["state"], n["due_at"]) for n in after] == \
        [(n["id"], n["rule"], n["step"], n["state"], n["due_at"]) for n in before]
    assert_sane(app, user)


def test_reimporting_the_same_interactions_adds_no_nudges(app, user):
    settings(user)
    url = li()
    item = {"name": "Ira Import", "profiles": [{"url": url}], "interactions": [
        {"type": "email_sent", "occurred_at": iso(ago(days=5)), "external_id": "m-1"},
        {"type": "message_sent", "occurred_at": iso(ago(days=40)), "external_id": "m-0"},
        {"type": "reply_received", "occurred_at": iso(ago(days=39)), "external_id": "m-r"},
    ]}
    r = user.post("/contacts/bulk", json={"items": [item]})
    assert r.status_code == 200, r.get_json()
    first = nudges(user)
    assert any(n["rule"] == "R8" for n in first)
    for _ in range(2):
        r = user.post("/contacts/bulk", json={"items": [item]})
        assert r.status_code == 200
        assert r.get_json()["results"][0]["interactions_added"] == 0
    assert nudges(user) == first
    assert_sane(app, user)


def test_merge_leaves_one_visible_nudge_for_the_survivor(app, user):
    settings(user)
    a = contact(user, "Mo Merge", role="hiring_manager",
                profiles=[{"url": "https://x.com/mo_merge"}])
    b = contact(user, "Mo Merge", role="hiring_manager", profiles=[{"url": li()}])
    for c in (a, b):
        log(user, c["id"], "email_sent", at(day(-5), "08:00"))
    assert len([n for n in live(user) if n["visible"]]) == 2
    r = user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [b["id"]]})
    assert r.status_code == 200, r.get_json()
    survivors = live(user)
    assert {n["contact_id"] for n in survivors} == {a["id"]}
    assert len([n for n in survivors if n["visible"]]) == 1
    assert all(n["state"] not in LIVE for n in nudges(user, contact_id=b["id"]))
    # Both emails are one run now: one ladder, not two.
    assert len([n for n in survivors if n["rule"] == "R8"]) == 1
    assert_sane(app, user)
    before = nudges(user)
    sweep(app)
    recompute(app, user)
    assert nudges(user) == before


# --- property --------------------------------------------------------------------------------

PROMISES = st.one_of(
    st.none(),
    st.builds(lambda h: {"kind": "call_at", "at": iso(ago(hours=h))},
              st.integers(min_value=-48, max_value=24 * 20)),
    st.builds(lambda d: {"kind": "by_date", "date": day(-d).isoformat()},
              st.integers(min_value=-10, max_value=30)),
    st.builds(lambda n: {"kind": "wait_days", "days": n}, st.integers(min_value=1, max_value=14)),
)
EVENT = st.tuples(
    st.integers(min_value=0, max_value=1),               # which contact
    st.sampled_from(INTERACTION_TYPES),
    st.integers(min_value=0, max_value=60 * 24),          # hours ago (≤ 60 days)
    st.booleans(),                                        # on the opportunity
    PROMISES,
    st.booleans(),                                        # final (for a no)
)


@hsettings(max_examples=25, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=st.lists(EVENT, min_size=1, max_size=8),
       status=st.sampled_from(["applied", "interviewing", "closed_lost"]))
def test_arbitrary_histories_never_duplicate(app, events, status):
    user = new_user(app)
    settings(user)
    hm = contact(user, "Hedy Manager", role="hiring_manager",
                 profiles=[{"url": f"https://x.com/h{user.id}"}])
    rec = contact(user, "Rolf Recruiter", role="recruiter", profiles=[])
    o = opportunity(user, (hm["id"], "hiring_manager"), (rec["id"], "recruiter"), status=status)
    people = (hm["id"], rec["id"])
    for who, type_, hours, on_opp, promise, final in events:
        body: dict[str, Any] = {}
        if on_opp:
            body["opportunity_id"] = o["id"]
        if type_ == "promise_made" and promise is not None:
            body["promise"] = promise
        if type_ == "no_received":
            body["final"] = final
        if type_ in ("interview", "meeting"):
            body["ends_at"] = iso(ago(hours=hours) + timedelta(hours=1))
        log(user, people[who], type_, ago(hours=hours), **body)
    assert_sane(app, user)
    sweep(app, user)
    recompute(app, user)
    once = nudges(user)
    sweep(app, user)
    recompute(app, user)
    assert nudges(user) == once
    assert_sane(app, user)
