"""Nudge lifecycle (SPEC §5.2): states, snooze, expiry, dismiss, visibility, order, reconcile."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from server.domain.nudges import lifecycle as lc
from server.domain.nudges.model import NudgeCtx, UserCtx
from tests.domain.nudge_builders import NY, World, apply_plan, at, utc

USER = UserCtx(id=1, tz=NY)


def nudge(**kw) -> NudgeCtx:
    base = dict(id=1, key="R8:FU1:c1:i1", rule="R8", step="FU1", contact_id=1,
                opportunity_id=7, priority="P3", state="scheduled",
                due_at=at("2025-03-06T10:00", NY))
    base.update(kw)
    return NudgeCtx(**base)


def test_effective_state_is_read_time_truth() -> None:
    n = nudge()
    assert lc.effective_state(n, at("2025-03-06T09:59", NY)) == "scheduled"
    assert lc.effective_state(n, at("2025-03-06T10:00", NY)) == "due"
    s = nudge(state="snoozed", snoozed_until=at("2025-03-07T09:00", NY))
    assert lc.effective_state(s, at("2025-03-06T12:00", NY)) == "snoozed"
    assert lc.effective_state(s, at("2025-03-07T09:00", NY)) == "due"
    assert lc.effective_state(nudge(state="completed"), at("2025-04-01T00:00", NY)) == \
        "completed"


def test_snooze_presets() -> None:
    now = at("2025-03-07T16:00", NY)  # Friday
    assert lc.snooze_until("3h", now, USER) == now + timedelta(hours=3)
    assert lc.snooze_until("tomorrow", now, USER) == at("2025-03-08T09:00", NY)
    assert lc.snooze_until("next_monday", now, USER) == at("2025-03-10T09:00", NY)
    assert lc.snooze_until("7d", now, USER) == at("2025-03-14T16:00", NY)
    monday = at("2025-03-10T08:00", NY)
    assert lc.snooze_until("next_monday", monday, USER) == at("2025-03-17T09:00", NY)
    with pytest.raises(lc.LifecycleError):
        lc.snooze_until("forever", now, USER)


def test_snooze_explicit_until_in_users_zone() -> None:
    from datetime import datetime
    now = at("2025-03-07T16:00", NY)
    t = lc.snooze(nudge(), now, USER, until=datetime(2025, 3, 8, 11, 0))
    assert t.state == "snoozed" and t.snoozed_until == at("2025-03-08T11:00", NY)
    assert t.snooze_count == 1
    assert t.expires_at == at("2025-03-22T11:00", NY)  # P3: until + 14 d
    with pytest.raises(lc.LifecycleError):
        lc.snooze(nudge(), now, USER, until=now - timedelta(minutes=1))
    with pytest.raises(lc.LifecycleError):
        lc.snooze(nudge(), now, USER)


@pytest.mark.parametrize(("priority", "expires"), [("P1", True), ("P2", True), ("P3", False)])
def test_fourth_snooze_expires_urgent_nudges(priority: str, expires: bool) -> None:
    n = nudge(priority=priority, snooze_count=3, state="snoozed",
              snoozed_until=at("2025-03-07T09:00", NY))
    t = lc.snooze(n, at("2025-03-07T10:00", NY), USER, preset="3h")
    assert (t.state == "expired") is expires
    assert lc.snooze(replace(n, snooze_count=2), at("2025-03-07T10:00", NY), USER,
                     preset="3h").state == "snoozed"


def test_actions_need_a_live_nudge() -> None:
    for action in (lambda n: lc.complete(n, utc("2025-03-07T00:00Z")),
                   lambda n: lc.dismiss(n, utc("2025-03-07T00:00Z"), "not_relevant"),
                   lambda n: lc.snooze(n, utc("2025-03-07T00:00Z"), USER, preset="3h")):
        with pytest.raises(lc.LifecycleError):
            action(nudge(state="dismissed"))
    assert lc.complete(nudge(state="snoozed"), utc("2025-03-07T00:00Z"), 9) \
        .completed_by_interaction_id == 9


@pytest.mark.parametrize(("priority", "expected"), [
    ("P1", "2025-03-11T10:00"),  # Thu + 3 working days
    ("P2", "2025-03-13T10:00"),
    ("P3", "2025-03-20T10:00"),
    ("P4", "2025-04-05T10:00"),
])
def test_expiry(priority: str, expected: str) -> None:
    assert lc.expires_at(priority, at("2025-03-06T10:00", NY), USER) == at(expected, NY)


def test_expiry_counts_from_until_after_a_snooze() -> None:
    n = nudge(state="snoozed", snoozed_until=at("2025-03-10T09:00", NY))
    assert lc.nudge_expires_at(n, USER) == at("2025-03-24T09:00", NY)


def test_dismiss_side_effects() -> None:
    now = utc("2025-03-07T00:00Z")
    t = lc.dismiss(nudge(), now, "position_filled")
    assert t.state == "dismissed" and t.closed_reason == "position_filled"
    assert t.effects == (lc.Effect("close_opportunity", opportunity_id=7, status="closed_lost"),)
    t = lc.dismiss(nudge(), now, "do_not_contact")
    assert [e.kind for e in t.effects] == ["set_do_not_contact", "cancel_contact_nudges"]
    assert lc.dismiss(nudge(), now, "handled_offline").effects == ()
    with pytest.raises(lc.LifecycleError):
        lc.dismiss(nudge(), now, "bored")


def test_order_priority_due_then_warmth() -> None:
    t = utc("2025-03-07T00:00Z")
    rows = [("a", "P3", t, 90), ("b", "P1", t + timedelta(days=1), 0), ("c", "P3", t, 10),
            ("d", "P3", t - timedelta(hours=1), 0)]
    assert [r[0] for r in sorted(rows, key=lambda r: lc.sort_key(r[1], r[2], r[3]))] == \
        ["b", "d", "a", "c"]


def _item(key: str, cid: int | None, prio: str, hours: int, visible: bool = False) -> lc.VisItem:
    return lc.VisItem(key, cid, None, prio, utc("2025-03-07T00:00Z") + timedelta(hours=hours),
                      visible)


def test_visibility_one_per_contact_lowest_priority_then_earliest() -> None:
    items = [_item("a", 1, "P3", 0, visible=True), _item("b", 1, "P2", 5),
             _item("c", 2, "P4", 1), _item("d", 2, "P4", 0)]
    r = lc.assign_visibility(items, utc("2025-03-07T00:00Z"), USER, 0)
    assert r.visible == {"b", "d"}
    assert r.newly_visible == {"b", "d"}


def test_visibility_daily_cap_exempts_p1_and_keeps_shown_ones() -> None:
    items = [_item(f"n{k}", k, "P3", k) for k in range(12)]
    items += [_item("urgent", 99, "P1", 50), _item("old", 100, "P4", 0, visible=True)]
    r = lc.assign_visibility(items, utc("2025-03-07T00:00Z"), USER, 3)
    assert "urgent" in r.visible and "old" in r.visible
    assert len(r.newly_visible - {"urgent"}) == 7  # 10 a day, 3 already shown today
    assert r.overflow == {f"n{k}" for k in range(7, 12)}


def test_shown_today_counts_user_local_day_without_p1() -> None:
    now = at("2025-03-07T23:30", NY)
    rows = [nudge(id=1, visible_since=at("2025-03-07T00:10", NY)),
            nudge(id=2, visible_since=at("2025-03-06T23:50", NY)),
            nudge(id=3, priority="P1", visible_since=at("2025-03-07T12:00", NY))]
    assert lc.shown_today(rows, now, USER) == 1


def test_overflow_becomes_visible_the_next_day() -> None:
    w = World(tz=NY)
    for k in range(12):
        c = w.contact(f"Person {k}")
        w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    assert sum(n.visible for n in w.live()) == 10
    assert w.reconcile(at("2025-03-03T18:00", NY)).is_empty
    plan = w.run(at("2025-03-04T08:00", NY))
    assert plan.visibility == tuple(sorted((k, True) for k, v in plan.visibility))
    assert sum(n.visible for n in w.live()) == 12


def test_reconcile_never_recreates_a_closed_key() -> None:
    w = World()
    c = w.contact()
    w.log(c, "email_sent", utc("2025-03-03T10:00Z"))
    w.run(utc("2025-03-03T10:05Z"))
    [n] = w.live()
    w.set_nudge(n.key, state="dismissed", closed_reason="not_relevant",
                closed_at=utc("2025-03-03T11:00Z"), visible=False)
    plan = w.reconcile(utc("2025-03-03T12:00Z"))
    assert [c.spec.rule for c in plan.create] == ["R9"]  # the ladder's place is taken by R9
    assert not [s for s in w.evaluate(utc("2025-03-03T12:00Z")) if s.key == n.key]


def test_dismissed_as_handled_offline_continues_the_chain() -> None:
    w = World(tz=NY)
    c = w.contact(tz=NY)
    e = w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    key = f"R8:FU1:c{c}:i{e}"
    w.set_nudge(key, state="dismissed", closed_reason="handled_offline",
                closed_at=at("2025-03-05T12:00", NY))
    w.run(at("2025-03-05T12:05", NY))
    assert w.nudge(f"R8:FU2:c{c}:i{e}").due_at == at("2025-03-13T10:00", NY)


def test_expiry_through_reconcile() -> None:
    w = World(tz=NY)
    c = w.contact(tz=NY)
    e = w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    plan = w.run(at("2025-03-20T10:00", NY))  # FU1 due 03-06 10:00, P3: +14 d
    assert [(x.key, x.at) for x in plan.expire] == [
        (f"R8:FU1:c{c}:i{e}", at("2025-03-20T10:00", NY))]
    assert w.reconcile(at("2025-03-20T10:00", NY)).is_empty


def test_snoozed_nudge_updates_keep_the_snooze() -> None:
    w = World(tz=NY)
    c = w.contact(tz=NY)
    e = w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    key = f"R8:FU1:c{c}:i{e}"
    t = lc.snooze(w.nudge(key), at("2025-03-06T10:00", NY), USER, preset="tomorrow")
    w.set_nudge(key, state=t.state, snoozed_until=t.snoozed_until, snooze_count=t.snooze_count,
                notify_at=t.notify_at, expires_at=t.expires_at)
    assert w.reconcile(at("2025-03-06T10:05", NY)).is_empty
    w.set_contact(c, first_name="Dee")  # the message changes, the snooze stays
    [u] = w.reconcile(at("2025-03-06T10:05", NY)).update
    assert set(u.changes) == {"message", "reason"}


def test_apply_plan_reference() -> None:
    w = World()
    c = w.contact()
    w.log(c, "email_sent", utc("2025-03-03T10:00Z"))
    plan = w.reconcile(utc("2025-03-03T10:05Z"))
    rows = apply_plan([], plan, utc("2025-03-03T10:05Z"), first_id=500)
    assert [(r.id, r.state, r.visible) for r in rows] == [(500, "scheduled", True)]
    assert rows[0].visible_since == utc("2025-03-03T10:05Z")
