"""Property tests: random histories through evaluate → reconcile → apply (SPEC §5.2)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain.interaction_types import INTERACTION_TYPES
from server.domain.nudges import lifecycle as lc
from server.domain.nudges.model import LIVE_STATES, PromiseCtx
from tests.domain.nudge_builders import LA, NY, World, utc

START = utc("2025-03-03T14:00Z")
ROLES = ["hiring_manager", "recruiter", "hr", "peer"]
STATUSES = ["targeting", "applied", "interviewing", "offer", "closed_lost", "on_hold"]

event = st.one_of(
    st.tuples(st.just("log"), st.sampled_from(INTERACTION_TYPES), st.integers(0, 2),
              st.integers(-72, 72), st.booleans(), st.booleans()),
    st.tuples(st.just("promise"), st.sampled_from(["call_at", "by_date", "wait_days"]),
              st.integers(0, 2), st.integers(-24, 96), st.booleans(), st.booleans()),
    st.tuples(st.just("act"), st.sampled_from(["complete", "dismiss", "snooze"]),
              st.integers(0, 5), st.integers(0, 0), st.booleans(), st.booleans()),
    st.tuples(st.just("opp"), st.sampled_from(STATUSES), st.integers(0, 0), st.integers(0, 0),
              st.booleans(), st.booleans()),
    st.tuples(st.just("flag"), st.sampled_from(["do_not_contact", "starred", "warmth"]),
              st.integers(0, 2), st.integers(0, 0), st.booleans(), st.booleans()),
)
steps = st.lists(st.tuples(event, st.integers(1, 96)), min_size=1, max_size=14)


def _world(roles: list[str], tz: str) -> tuple[World, list[int], int]:
    w = World(tz=tz)
    nets = [frozenset({"x"}), frozenset({"linkedin"}), frozenset()]
    cids = [w.contact(f"Person{k} Test", role=roles[k], tz=[None, NY, LA][k], networks=nets[k],
                      has_phone=k == 1, warmth=50, previous_warmth=50) for k in range(3)]
    o = w.opp(*((c, roles[k]) for k, c in enumerate(cids)), status="applied",
              changed=START - timedelta(days=10))
    return w, cids, o


def _apply(w: World, ev: tuple, cids: list[int], o: int, now) -> None:  # noqa: ANN001
    kind, what, who, hours, flag_a, flag_b = ev
    if kind == "log":
        if what == "promise_made":
            return
        w.log(cids[who], what, now + timedelta(hours=hours),
              opportunity_id=o if flag_a else None, final=flag_b and what == "no_received",
              network=("x" if flag_b else None) if what.startswith("social") else None)
    elif kind == "promise":
        when = now + timedelta(hours=min(hours, 0))
        p = {"call_at": PromiseCtx("call_at", at=now + timedelta(hours=hours)),
             "by_date": PromiseCtx("by_date", date=(now + timedelta(hours=hours)).date()),
             "wait_days": PromiseCtx("wait_days", days=max(1, hours // 12))}[what]
        w.log(cids[who], "promise_made", when, opportunity_id=o if flag_a else None, promise=p)
    elif kind == "act":
        live = sorted(w.live(), key=lambda n: n.key)
        if not live:
            return
        n = live[who % len(live)]
        if what == "complete":
            t = lc.complete(n, now)
        elif what == "dismiss":
            t = lc.dismiss(n, now, "handled_offline" if flag_a else "not_relevant")
        else:
            t = lc.snooze(n, now, w.user, preset="3h" if flag_a else "tomorrow")
        changes = {k: v for k, v in vars(t).items() if v is not None and k != "effects"}
        w.set_nudge(n.key, **changes)
    elif kind == "opp":
        w.set_opp(o, status=what, status_changed_at=now)
    elif what == "warmth":
        c = w.contacts[cids[who]]
        w.set_contact(cids[who], previous_warmth=c.warmth, warmth=30 if flag_a else 60)
    else:
        w.set_contact(cids[who], **{what: flag_a})


def _check(w: World) -> None:
    keys = Counter(n.key for n in w.nudges)
    assert max(keys.values(), default=1) == 1, keys
    visible = Counter(
        n.contact_id if n.contact_id is not None else f"o{n.opportunity_id}" if
        n.opportunity_id is not None else n.key
        for n in w.nudges if n.visible and n.state in LIVE_STATES)
    assert max(visible.values(), default=1) == 1, visible
    assert not [n for n in w.nudges if n.visible and n.state not in LIVE_STATES]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.lists(st.sampled_from(ROLES), min_size=3, max_size=3),
       st.sampled_from(["UTC", NY, "Asia/Tokyo"]))
def test_random_histories_are_idempotent_and_never_duplicate(script, roles, tz) -> None:
    w, cids, o = _world(roles, tz)
    now = START
    for ev, gap in script:
        _apply(w, ev, cids, o, now)
        created_before = {n.key for n in w.nudges}
        plan = w.run(now)
        assert not {c.spec.key for c in plan.create} & created_before
        _check(w)
        again = w.reconcile(now)
        assert again.is_empty, again
        assert {s.key for s in w.evaluate(now)} <= {n.key for n in w.live()}
        now += timedelta(hours=gap)
    # Time passing alone also settles in one pass.
    for _ in range(3):
        now += timedelta(days=5)
        w.run(now)
        _check(w)
        assert w.reconcile(now).is_empty


@settings(max_examples=60, deadline=None)
@given(steps)
def test_logging_order_does_not_change_the_outcome(script) -> None:
    w, cids, o = _world(["hiring_manager", "recruiter", "peer"], NY)
    now = START
    for ev, _ in script:
        if ev[0] in ("log", "promise"):
            _apply(w, ev, cids, o, now)
    end = START + timedelta(days=2)
    forward = {s.key: s for s in w.evaluate(end)}
    w.interactions = list(reversed(w.interactions))
    assert {s.key: s for s in w.evaluate(end)} == forward


def test_retried_job_adds_nothing() -> None:
    w, cids, o = _world(["recruiter", "hiring_manager", "peer"], NY)
    w.log(cids[0], "email_sent", START, opportunity_id=o)
    w.run(START)
    before = list(w.nudges)
    w.nudges = [replace(n) for n in before]  # a retried job sees the same rows
    assert w.reconcile(START).is_empty
