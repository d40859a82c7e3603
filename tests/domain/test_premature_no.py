"""A premature no (SPEC §5.3 R4/R5/R6): a quick no from a gatekeeper does not end the follow-up
with the hiring manager; the no itself gets R5's thank-you and question, and R6 (a) points at
the manager at once."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.nudges.model import NudgeCtx, NudgeSpec
from tests.domain.nudge_builders import NY, World, at, utc

BERLIN = "Europe/Berlin"


def row(n: NudgeCtx) -> tuple:
    return (n.rule, n.step, n.contact_id, n.state, n.due_at, n.channel, n.priority)


def spec_row(s: NudgeSpec) -> tuple:
    return (s.rule, s.step, s.contact_id, s.due_at, s.channel, s.priority)


def _scenario() -> tuple[World, dict[str, int]]:
    """Monday: interview with the hiring manager. Tuesday: the recruiter says "give us a
    week", then hr sends a quick, non-final no on the same opportunity."""
    w = World(tz=NY)
    ids = {
        "hm": w.contact("Morgan Diaz", role="hiring_manager"),
        "rec": w.contact("Pat Lee", role="recruiter", has_phone=True),
        "hr": w.contact("Jordan Kim", role="hr"),
    }
    ids["opp"] = w.opp((ids["hm"], "hiring_manager"), (ids["rec"], "recruiter"),
                       (ids["hr"], "hr"), changed=at("2025-03-03T09:30", NY))
    ids["iv"] = w.log(ids["hm"], "interview", at("2025-03-03T14:00", NY),
                      opportunity_id=ids["opp"], ends_at=at("2025-03-03T15:00", NY))
    ids["promise"] = w.promise(ids["rec"], at("2025-03-04T10:00", NY), kind="wait_days",
                               days=7, opp=ids["opp"])
    ids["no"] = w.log(ids["hr"], "no_received", at("2025-03-04T11:00", NY),
                      opportunity_id=ids["opp"])
    return w, ids


def test_central_scenario_every_nudge() -> None:
    w, k = _scenario()
    now = at("2025-03-04T11:30", NY)
    hm, rec, hr = k["hm"], k["rec"], k["hr"]
    expected = {
        # The thank-you to the manager stays (already overdue: Monday 17:00 EST).
        f"R4:F1:c{hm}:i{k['iv']}": ("R4", "F1", hm, "due", utc("2025-03-03T22:00Z"), "email",
                                    "P1"),
        # The recruiter's "give us a week": day eight, the R3 call takes F2's place. Tuesday
        # 11 March 10:00 is EDT (DST started on the 9th).
        f"R3:-:c{rec}:i{k['promise']}": ("R3", None, rec, "scheduled", utc("2025-03-11T14:00Z"),
                                         "call", "P1"),
        # hr's quick no: thank them and ask (N1), one re-ask a month later (N3).
        f"R5:N1:c{hr}:i{k['no']}": ("R5", "N1", hr, "scheduled", utc("2025-03-05T15:00Z"),
                                    "email", "P2"),
        f"R5:N3:c{hr}:i{k['no']}": ("R5", "N3", hr, "scheduled", utc("2025-04-03T14:00Z"),
                                    "email", "P3"),
        # R6 (a) at once, on the hiring manager: N1's date (Wed) + 1 working day, 10:00.
        f"R6:N2:c{hm}:i{k['no']}": ("R6", "N2", hm, "scheduled", utc("2025-03-06T15:00Z"),
                                    "email", "P2"),
    }
    specs = {s.key: spec_row(s) for s in w.evaluate(now)}
    assert specs == {key: (r[0], r[1], r[2], r[4], r[5], r[6]) for key, r in expected.items()}
    w.run(now)
    assert {n.key: row(n) for n in w.nudges} == expected

    f1 = w.nudge(f"R4:F1:c{hm}:i{k['iv']}")
    # Written for when it is acted on: the interview was yesterday, not "today".
    assert "talk with me yesterday about the Staff Engineer role at Acme" in f1.message
    assert "today" not in f1.message
    r3 = w.nudge(f"R3:-:c{rec}:i{k['promise']}")
    assert r3.message.startswith("Call Pat about the Staff Engineer role at Acme")
    assert "After my interview last week, you asked for a week" in r3.message
    r6 = w.nudge(f"R6:N2:c{hm}:i{k['no']}")
    assert r6.message.startswith("Hi Morgan,") and "Jordan" in r6.message
    assert "Jordan (hr) said no" in r6.reason
    n1 = w.nudge(f"R5:N1:c{hr}:i{k['no']}")
    assert "feedback" in n1.message and "anyone else at Acme" in n1.message
    assert n1.message.rstrip().endswith("Sam Seeker")


def test_central_scenario_over_the_following_days() -> None:
    w, k = _scenario()
    hm, rec, hr, o, no = k["hm"], k["rec"], k["hr"], k["opp"], k["no"]
    w.run(at("2025-03-04T11:30", NY))
    # Thanking hr for the no answers N1; it is not the manager's interview thank-you.
    reply = w.log(hr, "email_sent", at("2025-03-04T12:00", NY), opportunity_id=o)
    w.run(at("2025-03-04T12:05", NY))
    assert w.nudge(f"R5:N1:c{hr}:i{no}").completed_by_interaction_id == reply
    assert w.nudge(f"R4:F1:c{hm}:i{k['iv']}").state == "due"
    # The thank-you to the manager completes F1, and does not count as going around hr.
    thanks = w.log(hm, "email_sent", at("2025-03-04T13:00", NY), opportunity_id=o)
    w.run(at("2025-03-04T13:05", NY))
    assert w.nudge(f"R4:F1:c{hm}:i{k['iv']}").completed_by_interaction_id == thanks
    assert w.nudge(f"R6:N2:c{hm}:i{no}").state == "scheduled"
    direct = w.log(hm, "email_sent", at("2025-03-06T10:30", NY), opportunity_id=o)
    w.run(at("2025-03-06T10:35", NY))
    assert w.nudge(f"R6:N2:c{hm}:i{no}").completed_by_interaction_id == direct
    # Day eight: the patient call to the recruiter; the ladder goes on with the manager.
    call = w.log(rec, "call_attempt", at("2025-03-11T10:30", NY), opportunity_id=o)
    w.run(at("2025-03-11T10:35", NY))
    assert w.nudge(f"R3:-:c{rec}:i{k['promise']}").completed_by_interaction_id == call
    f3 = w.nudge(f"R4:F3:c{hm}:i{k['iv']}")
    assert row(f3) == ("R4", "F3", hm, "scheduled", utc("2025-03-18T14:00Z"), "email", "P2")
    assert w.nudge(f"R5:N3:c{hr}:i{no}").state == "scheduled"


def test_the_managers_own_no_ends_the_ladder_and_r6() -> None:
    w, k = _scenario()
    w.run(at("2025-03-04T11:30", NY))
    w.log(k["hm"], "no_received", at("2025-03-05T09:00", NY), opportunity_id=k["opp"])
    plan = w.run(at("2025-03-05T09:05", NY))
    cancelled = {x.key: x.reason for x in plan.cancel}
    assert cancelled[f"R4:F1:c{k['hm']}:i{k['iv']}"] == "the hiring manager said no (see R5)"
    assert cancelled[f"R6:N2:c{k['hm']}:i{k['no']}"] == "the hiring manager said no"
    # R3 (the recruiter's promise) is answered by the manager's no.
    assert w.nudge(f"R3:-:c{k['rec']}:i{k['promise']}").state == "cancelled"
    # hr's own N1/N3 stay: a thank-you and a re-ask are still right.
    assert w.nudge(f"R5:N1:c{k['hr']}:i{k['no']}").state == "scheduled"


@pytest.mark.parametrize("status", ["offer", "closed_lost"])
def test_an_offer_or_a_closed_opportunity_ends_everything(status: str) -> None:
    w, k = _scenario()
    w.run(at("2025-03-04T11:30", NY))
    w.set_opp(k["opp"], status=status, status_changed_at=at("2025-03-05T09:00", NY))
    w.run(at("2025-03-05T09:05", NY))
    live = {(n.rule, n.step) for n in w.live()}
    assert not live & {("R4", "F1"), ("R6", "N2"), ("R5", "N3")}
    assert (("R3", None) in live) == (status == "offer")  # promises end with a closed one


def test_a_premature_no_from_someone_else_leaves_promises_alone() -> None:
    w = World(tz=NY)
    rec = w.contact("Pat Lee", role="recruiter")
    hr = w.contact("Jordan Kim", role="assistant")
    o = w.opp((rec, "recruiter"), (hr, "assistant"))
    p = w.promise(rec, at("2025-03-03T12:00", NY), kind="by_date", opp=o, day=date(2025, 3, 7))
    w.log(hr, "no_received", at("2025-03-04T12:00", NY), opportunity_id=o)
    w.run(at("2025-03-04T12:05", NY))
    assert w.nudge(f"R2:-:c{rec}:i{p}").state == "scheduled"
    w.log(rec, "no_received", at("2025-03-05T12:00", NY), opportunity_id=o)  # their own no
    plan = w.run(at("2025-03-05T12:05", NY))
    assert [x.reason for x in plan.cancel if x.key.startswith("R2")] == ["they got back to you"]


def test_r6a_is_not_prevented_by_the_interview_thank_you() -> None:
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    rec = w.contact("Pat Lee", role="recruiter")
    o = w.opp((hm, "hiring_manager"), (rec, "recruiter"))
    iv = w.log(hm, "interview", at("2025-03-03T10:00", NY), opportunity_id=o)
    w.run(at("2025-03-03T11:05", NY))
    thanks = w.log(hm, "email_sent", at("2025-03-03T13:00", NY), opportunity_id=o)
    no = w.log(rec, "no_received", at("2025-03-04T12:00", NY), opportunity_id=o)
    w.run(at("2025-03-04T12:05", NY))
    assert w.nudge(f"R4:F1:c{hm}:i{iv}").completed_by_interaction_id == thanks
    assert w.nudge(f"R6:N2:c{hm}:i{no}").due_at == at("2025-03-06T10:00", NY)


def test_r6a_points_at_a_manager_known_from_the_interview() -> None:
    # The manager interviewed the user on the opportunity but was never linked to it.
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    rec = w.contact("Pat Lee", role="recruiter")
    o = w.opp((rec, "recruiter"))
    w.log(hm, "interview", at("2025-03-03T10:00", NY), opportunity_id=o)
    no = w.log(rec, "no_received", at("2025-03-04T12:00", NY), opportunity_id=o)
    keys = set(w.specs(at("2025-03-04T12:05", NY), "R6"))
    assert keys == {f"R6:N2:c{hm}:i{no}"}


# --- a no without an opportunity --------------------------------------------------------------


def test_a_no_without_opportunity_gets_the_thank_you_and_question() -> None:
    w = World(tz=NY)
    c = w.contact("Dana Reyes", role="peer")
    w.log(c, "email_sent", at("2025-03-03T09:00", NY))
    no = w.log(c, "no_received", at("2025-03-06T16:00", NY))  # Thursday
    w.run(at("2025-03-06T16:05", NY))
    assert [row(n) for n in w.live()] == [
        ("R5", "N1", c, "scheduled", utc("2025-03-07T15:00Z"), "email", "P2")]
    n1 = w.nudge(f"R5:N1:c{c}:i{no}")
    assert n1.opportunity_id is None
    assert n1.message.startswith("Hi Dana,\n\nThank you for letting me know, and for your time.")
    assert "feedback" in n1.message and "anyone else you'd suggest" in n1.message
    assert n1.reason.startswith("Dana said no on Thursday 6 March")
    # Once answered, keep-warm takes over again.
    w.log(c, "email_sent", at("2025-03-07T11:00", NY))
    w.run(at("2025-03-07T11:05", NY))
    assert w.nudge(f"R5:N1:c{c}:i{no}").state == "completed"
    assert {n.rule for n in w.live()} == {"R9"}


# --- due times: DST and weekends (§5.4 R5 row and its variants) -----------------------------


@pytest.mark.parametrize(
    ("tz", "weekend", "no_at", "n1", "r6", "n3"),
    [
        # §5.4: Thursday 16:00 New York; R6 lands after the spring-forward weekend.
        (NY, {6, 7}, "2025-03-06T16:00", "2025-03-07T15:00Z", "2025-03-10T14:00Z",
         "2025-04-07T14:00Z"),
        # Fri+Sat weekend: N1 Thursday, R6 Sunday (the DST switch day itself), N3's Friday
        # 4 April rolls to Sunday 6 April.
        (NY, {5, 6}, "2025-03-05T16:00", "2025-03-06T15:00Z", "2025-03-09T14:00Z",
         "2025-04-06T14:00Z"),
        # New York, autumn: EDT on Friday, EST on Monday.
        (NY, {6, 7}, "2025-10-30T16:00", "2025-10-31T14:00Z", "2025-11-03T15:00Z",
         "2025-12-01T15:00Z"),
        # Berlin's spring switch (30 March): CET Friday, CEST Monday; N3's Saturday rolls.
        (BERLIN, {6, 7}, "2025-03-27T16:00", "2025-03-28T09:00Z", "2025-03-31T08:00Z",
         "2025-04-28T08:00Z"),
        # Berlin's autumn switch (26 October).
        (BERLIN, {6, 7}, "2025-10-23T16:00", "2025-10-24T08:00Z", "2025-10-27T09:00Z",
         "2025-11-24T09:00Z"),
    ],
)
def test_r5_r6_due_times(tz: str, weekend: set[int], no_at: str, n1: str, r6: str,
                         n3: str) -> None:
    w = World(tz=tz, weekend=frozenset(weekend))
    rec = w.contact("Pat Lee", role="recruiter")
    hm = w.contact("Morgan Diaz", role="hiring_manager")
    o = w.opp((rec, "recruiter"), (hm, "hiring_manager"))
    no = w.log(rec, "no_received", at(no_at, tz), opportunity_id=o)
    specs = w.specs(at(no_at, tz))
    assert specs[f"R5:N1:c{rec}:i{no}"].due_at == utc(n1)
    assert specs[f"R6:N2:c{hm}:i{no}"].due_at == utc(r6)
    assert specs[f"R5:N3:c{rec}:i{no}"].due_at == utc(n3)
