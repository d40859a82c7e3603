"""The follow-up rules R1–R11 (SPEC §5.3) and every due-time row of §5.4."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.domain.nudge_builders import LA, NY, World, at, utc

# --- §5.4 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promised", "expected"),
    [
        ("2025-03-07T11:00", "2025-03-07T19:00Z"),
        ("2025-03-07T15:00", "2025-03-10T13:00Z"),  # +3 h after hours; DST starts Sunday
        ("2025-03-04T07:00", "2025-03-04T15:00Z"),  # before hours: 10:00 local
        ("2025-03-08T11:00", "2025-03-10T13:00Z"),  # Saturday: Monday 09:00 EDT
    ],
)
def test_row_r1(promised: str, expected: str) -> None:
    w = World()
    c = w.contact(tz=NY)
    w.promise(c, at("2025-03-03T12:00", NY), kind="call_at", on=at(promised, NY))
    [spec] = w.evaluate(at("2025-03-03T13:00", NY))
    assert (spec.rule, spec.priority, spec.channel) == ("R1", "P1", "call")
    assert spec.due_at == utc(expected)


def test_row_r2() -> None:
    w = World()
    c = w.contact(tz=NY)
    w.promise(c, at("2025-03-03T12:00", NY), kind="by_date", day=date(2025, 3, 7))
    [spec] = w.evaluate(at("2025-03-03T13:00", NY))
    assert (spec.rule, spec.priority) == ("R2", "P1")
    assert spec.due_at == utc("2025-03-10T14:00Z")


@pytest.mark.parametrize(
    ("interview_day", "expected"),
    [("2025-03-04", "2025-03-12T17:00Z"), ("2025-02-28", "2025-03-10T17:00Z")],
)
def test_row_r3(interview_day: str, expected: str) -> None:
    w = World()
    c = w.contact(tz=LA)
    o = w.opp((c, "hiring_manager"))
    w.log(c, "interview", at(f"{interview_day}T10:00", LA), opportunity_id=o)
    w.promise(c, at(f"{interview_day}T11:00", LA), kind="wait_days", days=7, opp=o)
    specs = w.specs(at(f"{interview_day}T12:00", LA))
    r3 = [s for s in specs.values() if s.rule == "R3"]
    assert [s.due_at for s in r3] == [utc(expected)]
    assert r3[0].priority == "P1"
    # The promise takes day eight's place: no second nudge for the same day.
    assert not [s for s in specs.values() if s.step == "F2"]


def _interview(w: World, c: int, o: int, ends: str) -> int:
    end = at(ends, LA)
    return w.log(c, "interview", end - timedelta(hours=1), opportunity_id=o, ends_at=end)


def test_row_r4_ladder() -> None:
    w = World(tz=LA)
    c = w.contact(tz=LA)
    o = w.opp((c, "hiring_manager"))
    iv = _interview(w, c, o, "2025-03-04T15:00")
    specs = w.specs(at("2025-03-04T15:30", LA), "R4")
    assert specs[f"R4:F1:c{c}:i{iv}"].due_at == utc("2025-03-05T01:00Z")
    assert specs[f"R4:F1:c{c}:i{iv}"].priority == "P1"
    assert specs[f"R4:F2:c{c}:i{iv}"].due_at == utc("2025-03-12T17:00Z")
    assert specs[f"R4:F2:c{c}:i{iv}"].priority == "P2"
    assert f"R4:F3:c{c}:i{iv}" not in specs  # chained: only once F2 is done
    w.run(at("2025-03-04T15:30", LA))
    w.log(c, "email_sent", at("2025-03-04T16:30", LA), opportunity_id=o)  # thank-you → F1
    w.log(c, "email_sent", at("2025-03-12T09:00", LA), opportunity_id=o)  # F2, before due
    w.run(at("2025-03-12T09:30", LA))
    assert w.nudge(f"R4:F1:c{c}:i{iv}").state == "completed"
    assert w.nudge(f"R4:F2:c{c}:i{iv}").state == "completed"
    assert w.nudge(f"R4:F3:c{c}:i{iv}").due_at == utc("2025-03-19T17:00Z")
    assert w.nudge(f"R4:F3:c{c}:i{iv}").priority == "P2"
    w.log(c, "call_attempt", at("2025-03-19T10:00", LA), opportunity_id=o)
    w.run(at("2025-03-19T11:00", LA))
    f4 = w.nudge(f"R4:F4:c{c}:i{iv}")
    assert (f4.due_at, f4.priority) == (utc("2025-04-02T17:00Z"), "P3")


def test_row_r4_late_interview_thanks_next_morning() -> None:
    w = World(tz=LA)
    c = w.contact(tz=LA)
    o = w.opp((c, "hiring_manager"))
    iv = _interview(w, c, o, "2025-03-04T17:30")
    specs = w.specs(at("2025-03-04T18:00", LA), "R4")
    assert specs[f"R4:F1:c{c}:i{iv}"].due_at == utc("2025-03-05T17:00Z")


def test_row_r5_r6() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    o = w.opp((rec, "recruiter"), (hm, "hiring_manager"))
    no = w.log(rec, "no_received", at("2025-03-06T16:00", NY), opportunity_id=o)
    specs = w.specs(at("2025-03-06T16:30", NY))
    assert specs[f"R5:N1:c{rec}:i{no}"].due_at == utc("2025-03-07T15:00Z")
    assert specs[f"R5:N1:c{rec}:i{no}"].priority == "P2"
    assert specs[f"R5:N3:c{rec}:i{no}"].due_at == utc("2025-04-07T14:00Z")
    assert specs[f"R5:N3:c{rec}:i{no}"].priority == "P3"
    w.run(at("2025-03-06T16:30", NY))
    w.log(rec, "email_sent", at("2025-03-07T09:30", NY), opportunity_id=o)  # N1 done early
    w.run(at("2025-03-07T11:00", NY))
    r6 = w.nudge(f"R6:N2:c{hm}:i{no}")
    assert (r6.due_at, r6.priority, r6.contact_id) == (utc("2025-03-10T14:00Z"), "P2", hm)
    assert "Morgan" in r6.message


def test_row_r8() -> None:
    w = World()
    c = w.contact(tz=NY)
    e = w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    assert w.nudge(f"R8:FU1:c{c}:i{e}").due_at == utc("2025-03-06T15:00Z")
    w.log(c, "email_sent", at("2025-03-06T10:00", NY))
    w.run(at("2025-03-06T10:05", NY))
    assert w.nudge(f"R8:FU1:c{c}:i{e}").state == "completed"
    assert w.nudge(f"R8:FU2:c{c}:i{e}").due_at == utc("2025-03-13T14:00Z")
    w.log(c, "message_sent", at("2025-03-13T10:00", NY))
    w.run(at("2025-03-13T10:05", NY))
    assert w.nudge(f"R8:FU3:c{c}:i{e}").due_at == utc("2025-03-27T14:00Z")
    w.log(c, "email_sent", at("2025-03-27T10:00", NY))
    w.run(at("2025-03-27T10:05", NY))
    assert w.nudge(f"R8:FU3:c{c}:i{e}").state == "completed"
    assert not [n for n in w.live() if n.rule == "R8"]  # then stop


@pytest.mark.parametrize(("tier", "expected", "priority"), [
    ("A", "2025-03-19T14:00Z", "P3"), ("B", "2025-04-04T14:00Z", "P4"),
    ("C", "2025-06-03T14:00Z", "P4"),
])
def test_row_r9(tier: str, expected: str, priority: str) -> None:
    w = World(tz=NY)
    c = w.contact(starred=tier == "B")
    if tier == "A":
        w.opp((c, "peer"), status="applied")
    w.log(c, "reply_received", at("2025-03-05T12:00", NY))
    specs = w.specs(at("2025-03-05T13:00", NY), "R9")
    [spec] = specs.values()
    assert (spec.due_at, spec.priority) == (utc(expected), priority)


# --- R1–R3 promises -------------------------------------------------------------------------


def _r1_world() -> tuple[World, int, int, int]:
    w = World()
    c = w.contact("Dana Reyes", tz=NY)
    o = w.opp((c, "recruiter"))
    p = w.promise(c, at("2025-03-06T12:00", NY), kind="call_at", opp=o,
                  on=at("2025-03-07T15:00", NY))
    w.run(at("2025-03-06T12:05", NY))
    return w, c, o, p


def test_r1_cancelled_when_they_call_even_a_little_early() -> None:
    w, c, _, p = _r1_world()
    w.log(c, "call", at("2025-03-07T14:40", NY))
    plan = w.run(at("2025-03-07T15:00", NY))
    assert [x.reason for x in plan.cancel] == ["they called"]
    assert w.nudge(f"R1:-:c{c}:i{p}").state == "cancelled"


def test_r1_not_cancelled_by_contact_long_before_the_call() -> None:
    w, c, _, p = _r1_world()
    w.log(c, "reply_received", at("2025-03-07T14:00", NY))  # more than 30 min early
    w.run(at("2025-03-07T15:00", NY))
    assert w.nudge(f"R1:-:c{c}:i{p}").state == "scheduled"


def test_r1_cancelled_by_anyone_on_the_opportunity() -> None:
    w, c, o, p = _r1_world()
    hm = w.contact("Morgan Diaz")
    w.set_opp(o, contacts=((c, "recruiter"), (hm, "hiring_manager")))
    w.log(hm, "message_received", at("2025-03-07T16:00", NY))
    w.run(at("2025-03-07T16:30", NY))
    assert w.nudge(f"R1:-:c{c}:i{p}").state == "cancelled"


def test_r1_completed_by_the_users_call_attempt() -> None:
    w, c, _, p = _r1_world()
    i = w.log(c, "call_attempt", at("2025-03-07T17:30", NY))
    plan = w.run(at("2025-03-07T17:31", NY))
    assert [(x.key, x.interaction_id) for x in plan.complete] == [(f"R1:-:c{c}:i{p}", i)]


def test_r1_superseded_by_a_new_promise() -> None:
    w, c, o, p = _r1_world()
    q = w.promise(c, at("2025-03-07T10:00", NY), kind="by_date", opp=o, day=date(2025, 3, 12))
    plan = w.run(at("2025-03-07T10:05", NY))
    assert [(x.key, x.by_key) for x in plan.supersede] == [
        (f"R1:-:c{c}:i{p}", f"R2:-:c{c}:i{q}")]
    assert w.nudge(f"R2:-:c{c}:i{q}").state == "scheduled"


def test_r1_cancelled_when_opportunity_closes() -> None:
    w, c, o, p = _r1_world()
    w.set_opp(o, status="closed_lost", status_changed_at=at("2025-03-07T09:00", NY))
    plan = w.run(at("2025-03-07T09:05", NY))
    assert [x.reason for x in plan.cancel] == ["opportunity closed"]


def test_r2_inbound_before_the_date_cancels() -> None:
    w = World()
    c = w.contact(tz=NY)
    p = w.promise(c, at("2025-03-03T12:00", NY), kind="by_date", day=date(2025, 3, 7))
    w.run(at("2025-03-03T12:05", NY))
    w.log(c, "reply_received", at("2025-03-07T16:00", NY))
    w.run(at("2025-03-07T16:05", NY))
    assert w.nudge(f"R2:-:c{c}:i{p}").state == "cancelled"


def test_r2_outbound_before_the_date_does_not_count_after_does() -> None:
    w = World()
    c = w.contact(tz=NY)
    p = w.promise(c, at("2025-03-03T12:00", NY), kind="by_date", day=date(2025, 3, 7))
    w.log(c, "email_sent", at("2025-03-05T12:00", NY))
    w.run(at("2025-03-05T12:05", NY))
    assert w.nudge(f"R2:-:c{c}:i{p}").state == "scheduled"
    assert not [n for n in w.live() if n.rule == "R8"]  # inside R2: no R8 chase
    e = w.log(c, "email_sent", at("2025-03-10T10:00", NY))
    w.run(at("2025-03-10T10:05", NY))
    n = w.nudge(f"R2:-:c{c}:i{p}")
    assert (n.state, n.completed_by_interaction_id) == ("completed", e)


def test_r3_without_interview_counts_from_the_promise_day() -> None:
    w = World()
    c = w.contact(tz=NY)
    w.promise(c, at("2025-03-03T12:00", NY), kind="wait_days", days=7)
    [spec] = w.evaluate(at("2025-03-03T12:05", NY))
    assert spec.rule == "R3"
    assert spec.due_at == at("2025-03-11T10:00", NY)  # d = 03-10, +1 at 10:00
    assert spec.channel == "email"  # no phone on file


def test_promise_zone_wins_over_contact_zone() -> None:
    w = World()
    c = w.contact(tz=NY, has_phone=True)
    w.promise(c, at("2025-03-03T12:00", NY), kind="by_date", day=date(2025, 3, 7), tz=LA)
    [spec] = w.evaluate(at("2025-03-03T12:05", NY))
    assert spec.due_at == at("2025-03-10T10:00", LA)


def test_user_preferred_time_is_the_ten_oclock() -> None:
    from datetime import time
    w = World(preferred_time=time(11, 30))
    c = w.contact(tz=NY)
    w.promise(c, at("2025-03-03T12:00", NY), kind="by_date", day=date(2025, 3, 7))
    [spec] = w.evaluate(at("2025-03-03T12:05", NY))
    assert spec.due_at == at("2025-03-10T11:30", NY)


# --- R4 -------------------------------------------------------------------------------------


def _r4_world() -> tuple[World, int, int, int, int]:
    w = World(tz=LA)
    hm = w.contact("Morgan Diaz", tz=LA, role="hiring_manager")
    rec = w.contact("Pat Lee", tz=LA, role="recruiter")
    o = w.opp((hm, "hiring_manager"), (rec, "recruiter"))
    iv = _interview(w, hm, o, "2025-03-04T15:00")
    w.run(at("2025-03-04T15:05", LA))
    return w, hm, rec, o, iv


def test_r4_follow_up_to_anyone_on_the_opportunity_counts() -> None:
    w, hm, rec, o, iv = _r4_world()
    e = w.log(rec, "email_sent", at("2025-03-04T18:00", LA))
    w.run(at("2025-03-04T18:05", LA))
    assert w.nudge(f"R4:F1:c{hm}:i{iv}").completed_by_interaction_id == e
    assert w.nudge(f"R4:F2:c{hm}:i{iv}").state == "scheduled"  # one email, one step


def test_r4_social_like_is_not_a_follow_up() -> None:
    w, hm, _, o, iv = _r4_world()
    w.log(hm, "social_like", at("2025-03-04T18:00", LA))
    w.run(at("2025-03-04T18:05", LA))
    assert w.nudge(f"R4:F1:c{hm}:i{iv}").state in ("scheduled", "due")


def test_r4_stops_at_an_offer() -> None:
    w, hm, _, o, iv = _r4_world()
    w.set_opp(o, status="offer", status_changed_at=at("2025-03-06T12:00", LA))
    plan = w.run(at("2025-03-06T12:05", LA))
    assert {x.key for x in plan.cancel} == {f"R4:F1:c{hm}:i{iv}", f"R4:F2:c{hm}:i{iv}"}
    assert {x.reason for x in plan.cancel} == {"an offer came in"}


def test_r4_a_recruiters_quick_no_does_not_stop_the_managers_ladder() -> None:
    w, hm, rec, o, iv = _r4_world()
    no = w.log(rec, "no_received", at("2025-03-06T12:00", LA), opportunity_id=o)
    w.run(at("2025-03-06T12:05", LA))
    assert w.nudge(f"R4:F2:c{hm}:i{iv}").state == "scheduled"
    assert w.nudge(f"R5:N1:c{rec}:i{no}").state == "scheduled"
    assert w.nudge(f"R6:N2:c{hm}:i{no}").state == "scheduled"


@pytest.mark.parametrize("who", ["manager", "final"])
def test_r4_a_managers_no_or_a_final_no_stops_the_ladder(who: str) -> None:
    w, hm, rec, o, iv = _r4_world()
    sender = hm if who == "manager" else rec
    w.log(sender, "no_received", at("2025-03-06T12:00", LA), opportunity_id=o,
          final=who == "final")
    plan = w.run(at("2025-03-06T12:05", LA))
    assert w.nudge(f"R4:F2:c{hm}:i{iv}").state == "cancelled"
    assert not [n for n in w.live() if n.rule in ("R4", "R6")]
    assert {x.reason for x in plan.cancel if x.key.startswith("R4")} == {
        "the hiring manager said no (see R5)" if who == "manager" else "they said no for good"}


def test_r4_later_promise_supersedes_day_eight() -> None:
    w, hm, rec, o, iv = _r4_world()
    p = w.promise(rec, at("2025-03-05T09:00", LA), kind="wait_days", days=7, opp=o)
    plan = w.run(at("2025-03-05T09:05", LA))
    assert [(x.key, x.by_key) for x in plan.supersede] == [
        (f"R4:F2:c{hm}:i{iv}", f"R3:-:c{rec}:i{p}")]
    r3 = w.nudge(f"R3:-:c{rec}:i{p}")
    assert (r3.priority, r3.due_at) == ("P1", utc("2025-03-12T17:00Z"))
    # The promise's nudge is the F2 of the ladder: F3 chains from it.
    w.log(rec, "call_attempt", at("2025-03-12T10:30", LA))
    w.run(at("2025-03-12T10:35", LA))
    assert w.nudge(f"R3:-:c{rec}:i{p}").state == "completed"
    assert w.nudge(f"R4:F3:c{hm}:i{iv}").due_at == utc("2025-03-19T17:00Z")


def test_r4_closed_opportunity_suppresses() -> None:
    w = World(tz=LA)
    c = w.contact(tz=LA)
    o = w.opp((c, "hiring_manager"), status="closed_lost")
    _interview(w, c, o, "2025-03-04T15:00")
    assert not [s for s in w.evaluate(at("2025-03-04T15:05", LA)) if s.rule == "R4"]


def test_r4_chain_anchors_on_late_completion() -> None:
    w, hm, _, o, iv = _r4_world()
    w.log(hm, "email_sent", at("2025-03-04T17:00", LA))
    w.run(at("2025-03-04T17:05", LA))
    w.log(hm, "email_sent", at("2025-03-14T12:00", LA))  # F2 done two days late
    w.run(at("2025-03-14T12:05", LA))
    assert w.nudge(f"R4:F3:c{hm}:i{iv}").due_at == at("2025-03-21T10:00", LA)


# --- R5/R6 ----------------------------------------------------------------------------------


def test_r5_final_no_only_thanks() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    o = w.opp((rec, "recruiter"))
    no = w.log(rec, "no_received", at("2025-03-06T16:00", NY), opportunity_id=o, final=True)
    keys = set(w.specs(at("2025-03-06T16:05", NY)))
    assert f"R5:N1:c{rec}:i{no}" in keys
    assert not {k for k in keys if k.startswith(("R5:N3", "R6"))}


def test_r5_n3_cancelled_when_opportunity_marked_lost() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="peer")
    o = w.opp((rec, "peer"))
    no = w.log(rec, "no_received", at("2025-03-06T16:00", NY), opportunity_id=o)
    w.run(at("2025-03-06T16:05", NY))
    assert not [n for n in w.live() if n.rule == "R6"]  # a peer is no gatekeeper
    w.set_opp(o, status="closed_lost", status_changed_at=at("2025-03-08T12:00", NY))
    w.run(at("2025-03-08T12:05", NY))
    assert w.nudge(f"R5:N3:c{rec}:i{no}").state == "cancelled"
    assert w.nudge(f"R5:N1:c{rec}:i{no}").state in ("scheduled", "due")


def test_r6a_find_the_hiring_manager_then_write() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    o = w.opp((rec, "recruiter"))
    no = w.log(rec, "no_received", at("2025-03-06T16:00", NY), opportunity_id=o)
    w.log(rec, "email_sent", at("2025-03-07T09:00", NY), opportunity_id=o)
    w.run(at("2025-03-07T09:05", NY))
    find = w.nudge(f"R6:N2:c-:i{no}:find")
    assert find.contact_id is None and find.opportunity_id == o
    assert "Find the hiring manager" in find.message and "Pat" in find.message
    hm = w.contact("Morgan Diaz")
    w.set_opp(o, contacts=((rec, "recruiter"), (hm, "hiring_manager")))
    w.run(at("2025-03-09T12:00", NY))
    assert w.nudge(f"R6:N2:c-:i{no}:find").state == "completed"
    write = w.nudge(f"R6:N2:c{hm}:i{no}")
    assert (write.state, write.due_at) == ("scheduled", at("2025-03-10T10:00", NY))
    e = w.log(hm, "email_sent", at("2025-03-10T11:00", NY))
    w.run(at("2025-03-10T11:05", NY))
    assert w.nudge(f"R6:N2:c{hm}:i{no}").completed_by_interaction_id == e


def test_r6a_skipped_when_manager_was_written_recently() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    o = w.opp((rec, "recruiter"), (hm, "hiring_manager"))
    w.log(hm, "email_sent", at("2025-03-01T09:00", NY))
    w.log(rec, "no_received", at("2025-03-06T16:00", NY), opportunity_id=o)
    w.log(rec, "email_sent", at("2025-03-07T09:00", NY), opportunity_id=o)
    assert not [s for s in w.evaluate(at("2025-03-07T09:05", NY)) if s.rule == "R6"]


def test_r6b_silent_gatekeeper() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    o = w.opp((rec, "recruiter"), (hm, "hiring_manager"), status="applied",
              changed=at("2025-03-03T08:00", NY))
    w.log(rec, "email_sent", at("2025-03-03T09:00", NY))  # Monday
    second = w.log(rec, "email_sent", at("2025-03-06T09:00", NY))
    w.log(hm, "social_like", at("2025-03-10T09:00", NY))  # keeps (c) quiet
    w.log(hm, "social_like", at("2025-03-14T09:00", NY))
    # 10 working days after Mon 03-03 is Mon 03-17; not yet silent on that day.
    assert not [s for s in w.evaluate(at("2025-03-17T12:00", NY)) if s.rule == "R6"]
    [spec] = [s for s in w.evaluate(at("2025-03-18T00:30", NY)) if s.rule == "R6"]
    assert spec.key == f"R6:-:c{hm}:o{o}:i{second}"
    assert spec.due_at == at("2025-03-18T10:00", NY)
    assert "Pat" in spec.reason


def test_r6c_applied_and_quiet() -> None:
    w = World(tz=NY)
    o = w.opp(status="applied", changed=at("2025-03-03T12:00", NY), company="Globex")
    assert not [s for s in w.evaluate(at("2025-03-10T11:00", NY)) if s.rule == "R6"]
    [spec] = [s for s in w.evaluate(at("2025-03-10T12:30", NY)) if s.rule == "R6"]
    assert spec.contact_id is None and spec.opportunity_id == o
    assert spec.due_at == at("2025-03-11T10:00", NY)
    assert "Globex" in spec.message


# --- R7 -------------------------------------------------------------------------------------


def test_r7_ladder() -> None:
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager", networks=frozenset({"linkedin", "x"}))
    w.run(at("2025-03-03T09:00", NY))
    s1 = w.nudge(f"R7:S1:c{hm}:x")
    assert (s1.due_at, s1.channel, s1.priority) == (at("2025-03-03T09:00", NY), "social", "P3")
    assert "X" in s1.message and "Morgan" in s1.message
    assert w.reconcile(at("2025-03-03T10:00", NY)).is_empty  # due "at creation" stays put
    w.log(hm, "social_follow", at("2025-03-03T12:00", NY), network="x")
    w.run(at("2025-03-03T12:05", NY))
    assert w.nudge(f"R7:S1:c{hm}:x").state == "completed"
    # Chained steps at the preferred time, not at 12:00 when the follow was logged.
    assert w.nudge(f"R7:S2:c{hm}:x:1").due_at == at("2025-03-05T10:00", NY)
    assert w.nudge(f"R7:S3:c{hm}:x").due_at == at("2025-03-17T10:00", NY)
    w.log(hm, "social_like", at("2025-03-05T09:30", NY))
    w.run(at("2025-03-05T09:35", NY))
    assert w.nudge(f"R7:S2:c{hm}:x:2").due_at == at("2025-03-12T10:00", NY)
    w.log(hm, "social_comment", at("2025-03-08T10:30", NY), network="x")  # a Saturday
    w.run(at("2025-03-08T10:35", NY))
    # Two engagements: the note comes next, at 10:00 of the next working day.
    assert w.nudge(f"R7:S3:c{hm}:x").due_at == at("2025-03-10T10:00", NY)
    w.log(hm, "social_comment_received", at("2025-03-09T10:00", NY))
    w.run(at("2025-03-09T10:05", NY))
    assert not [n for n in w.live() if n.rule == "R7"]  # stops on any inbound


def test_r7_not_for_followed_or_non_managers() -> None:
    w = World()
    hm = w.contact("Morgan Diaz", role="hiring_manager", networks=frozenset({"linkedin"}))
    w.log(hm, "social_follow", utc("2025-02-01T12:00Z"), network="linkedin")  # import
    w.contact("Peer Person", role="peer", networks=frozenset({"x"}))
    assert not [s for s in w.evaluate(utc("2025-03-03T12:00Z")) if s.rule == "R7"]


# --- R8 -------------------------------------------------------------------------------------


def test_r8_reply_cancels() -> None:
    w = World()
    c = w.contact(tz=NY)
    e = w.log(c, "message_sent", at("2025-03-03T10:00", NY))
    w.run(at("2025-03-03T10:05", NY))
    assert w.nudge(f"R8:FU1:c{c}:i{e}").channel == "message"
    w.log(c, "reply_received", at("2025-03-04T10:00", NY))
    plan = w.run(at("2025-03-04T10:05", NY))
    assert [x.reason for x in plan.cancel] == ["they replied"]


def test_r8_not_for_old_imported_history() -> None:
    w = World()
    c = w.contact()
    w.log(c, "email_sent", utc("2023-03-03T10:00Z"))
    assert not [s for s in w.evaluate(utc("2025-03-03T10:00Z")) if s.rule == "R8"]
    e = w.log(c, "email_sent", utc("2025-03-03T09:00Z"))  # a fresh note restarts the ladder
    assert f"R8:FU1:c{c}:i{e}" in w.specs(utc("2025-03-03T10:00Z"))


def test_r8_not_after_an_interview_thank_you() -> None:
    w, hm, _, o, iv = _r4_world()
    w.log(hm, "email_sent", at("2025-03-04T17:00", LA))
    w.run(at("2025-03-04T17:05", LA))
    assert not [n for n in w.live() if n.rule == "R8"]


# --- R9/R10/R11 -----------------------------------------------------------------------------


def test_never_touched_contacts_get_nothing() -> None:
    w = World()
    w.contact(starred=True, warmth=80)
    assert w.evaluate(utc("2025-03-03T10:00Z")) == []


def test_r9_reset_by_a_new_touch() -> None:
    w = World(tz=NY)
    c = w.contact(starred=True)
    first = w.log(c, "reply_received", at("2025-03-05T12:00", NY))
    w.run(at("2025-03-05T13:00", NY))
    assert w.nudge(f"R9:-:c{c}:i{first}").state == "scheduled"
    call = w.log(c, "call", at("2025-03-20T12:00", NY))
    w.run(at("2025-03-20T13:00", NY))
    assert w.nudge(f"R9:-:c{c}:i{first}").completed_by_interaction_id == call
    assert w.nudge(f"R9:-:c{c}:i{call}").due_at == at("2025-04-21T10:00", NY)  # Sat → Mon


def test_r9_yields_to_a_live_follow_up_rule() -> None:
    w = World()
    c = w.contact(starred=True)
    w.log(c, "email_sent", utc("2025-03-03T10:00Z"))
    rules = {s.rule for s in w.evaluate(utc("2025-03-03T11:00Z"))}
    assert rules == {"R8"}


def test_r10_cooling() -> None:
    w = World(tz=NY)
    c = w.contact(starred=True, warmth=35, previous_warmth=45)
    w.log(c, "reply_received", at("2025-02-25T12:00", NY))  # R9 (B) due 03-27: not soon
    now = at("2025-03-05T12:00", NY)
    [spec] = [s for s in w.evaluate(now) if s.rule == "R10"]
    assert (spec.due_at, spec.priority) == (now, "P3")
    assert "Dana" in spec.message
    w.run(now)
    w.set_contact(c, previous_warmth=35)  # the next recompute forgets the crossing
    assert w.reconcile(at("2025-03-05T13:00", NY)).is_empty
    w.set_contact(c, warmth=41, previous_warmth=35)
    plan = w.run(at("2025-03-06T13:00", NY))
    assert [x.reason for x in plan.cancel] == ["warm again"]


def test_r10_not_when_r9_is_due_soon() -> None:
    w = World(tz=NY)
    c = w.contact(starred=True, warmth=35, previous_warmth=45)
    w.log(c, "reply_received", at("2025-02-05T12:00", NY))  # R9 (B) due 2025-03-07
    assert not [s for s in w.evaluate(at("2025-03-05T12:00", NY)) if s.rule == "R10"]


def test_r11_monday_digest() -> None:
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager", warmth=20, previous_warmth=50)
    rec = w.contact("Pat Lee", role="recruiter", warmth=60)
    w.opp((hm, "hiring_manager"), (rec, "recruiter"))
    now = at("2025-03-12T12:00", NY)  # Wednesday
    [spec] = [s for s in w.evaluate(now) if s.rule == "R11"]
    assert spec.contact_id is None
    assert spec.key == "R11:-:c-:w2025-03-10"
    assert spec.due_at == at("2025-03-10T09:00", NY)
    assert "Morgan (Acme)" in spec.message and "1 of" in spec.message
    w.run(now)
    w.run(at("2025-03-17T09:00", NY))
    assert w.nudge("R11:-:c-:w2025-03-10").state == "superseded"
    assert w.nudge("R11:-:c-:w2025-03-17").state == "due"


def test_r11_needs_an_opportunity_and_a_thin_pipeline() -> None:
    w = World()
    assert w.evaluate(utc("2025-03-10T12:00Z")) == []
    ids = [w.contact(f"Person {k}", role="recruiter", warmth=50) for k in range(5)]
    w.opp(*((i, "recruiter") for i in ids))
    assert not [s for s in w.evaluate(utc("2025-03-10T12:00Z")) if s.rule == "R11"]


# --- suppression and messages ----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["do_not_contact", "archived", "merged"])
def test_suppressed_contacts_get_nothing_and_lose_live_nudges(flag: str) -> None:
    w = World()
    c = w.contact()
    w.log(c, "email_sent", utc("2025-03-03T10:00Z"))
    w.run(utc("2025-03-03T10:05Z"))
    assert w.live()
    w.set_contact(c, **{flag: True})
    plan = w.run(utc("2025-03-03T11:00Z"))
    assert {x.reason for x in plan.cancel} == {flag}
    assert not w.live()


def test_paused_user_gets_nothing_and_visible_nudges_hide() -> None:
    from dataclasses import replace
    w = World()
    c = w.contact()
    w.log(c, "email_sent", utc("2025-03-03T10:00Z"))
    w.run(utc("2025-03-03T10:05Z"))
    assert [n.visible for n in w.live()] == [True]
    w.user = replace(w.user, nudges_paused=True)
    assert w.evaluate(utc("2025-03-03T11:00Z")) == []
    plan = w.run(utc("2025-03-03T11:00Z"))
    assert plan.visibility and not plan.create and not plan.cancel
    assert [n.visible for n in w.live()] == [False]


def _everything() -> tuple[World, list]:
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager", networks=frozenset({"x"}),
                   warmth=20, previous_warmth=50)
    rec = w.contact("Pat Lee", role="recruiter")
    o = w.opp((hm, "hiring_manager"), (rec, "recruiter"))
    w.promise(rec, at("2025-03-03T09:00", NY), kind="call_at", opp=o,
              on=at("2025-03-03T15:00", NY))
    w.log(hm, "interview", at("2025-03-04T10:00", NY), opportunity_id=o)
    w.promise(rec, at("2025-03-04T12:00", NY), kind="by_date", opp=o, day=date(2025, 3, 7))
    w.log(rec, "no_received", at("2025-03-10T10:00", NY), opportunity_id=o)
    return w, w.evaluate(at("2025-03-04T12:30", NY)) + w.evaluate(at("2025-03-10T11:00", NY))


def test_each_message_names_the_person_and_the_subject() -> None:
    _, specs = _everything()
    assert {s.rule for s in specs} >= {"R4", "R5", "R7", "R11"}
    for s in specs:
        assert ("Morgan" in s.message or "Pat" in s.message), s.key
        assert ("Staff Engineer" in s.message and "Acme" in s.message) or s.rule == "R11" \
            and "your search" in s.message, s.key
        assert s.reason.endswith(".") and "\n" not in s.reason, s.key


def test_sent_texts_are_signed() -> None:
    _, specs = _everything()
    signed = [s for s in specs if s.rule in ("R4", "R5") and s.channel == "email"]
    assert signed
    for s in signed:
        assert s.message.rstrip().endswith("Sam Seeker")


def test_every_template_renders_in_every_channel() -> None:
    from server.domain.nudges.messages import TEMPLATES, Clock, Day, compose
    fields = dict(when=Clock(at("2025-03-07T15:00", NY), NY), interview=Day(date(2025, 3, 4)),
                  span="a week", met="my interview", met_reason="your interview",
                  why_wait="", after=Day(date(2025, 3, 4)), by=Day(date(2025, 3, 7), on=False),
                  about=" about the role at Acme", at_company=" at Acme", company="Acme",
                  no_day=Day(date(2025, 3, 6)), gatekeeper="Pat", why="because", network="X",
                  round=1, medium="email", sent=Day(date(2025, 3, 3), on=False, prefix="from "),
                  last=Day(date(2025, 3, 3), on=False), cadence="every 14 days",
                  previous=45, warmth=30, count=1, names="Dana (Acme)")
    for tid in TEMPLATES:
        for channel in ("call", "email", "message", "social"):
            c = compose(tid, channel=channel, me="Sam", first="Dana",
                        subject="the Staff Engineer role at Acme", ref=at("2025-03-10T10:00", NY),
                        tz=NY, **fields)
            assert "Dana" in c.message and "Acme" in c.message, (tid, channel)
            assert "Dana" in c.reason or tid in ("R6:find", "R11"), tid
            assert "{" not in c.message + c.reason, (tid, channel)
