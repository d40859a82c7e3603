"""The article's central case end to end through the API (issue 13), and what "Done" logs.

A hiring manager interviewed the user yesterday; the recruiter said "give us a week"; then HR
sent a quick "no". The article: a quick no from the gatekeeper is premature, so the thank-you
and the follow-up ladder with the manager go on, the day-eight check stays, HR is thanked and
asked for feedback, and the user is told to go around HR to the hiring manager.
"""

from __future__ import annotations

from datetime import timedelta

from tests.api.test_nudges_helpers import (
    ago,
    at,
    contact,
    day,
    live,
    log,
    no_failed_jobs,
    nudges,
    one,
    opportunity,
    parse,
    settings,
)

__all__ = ["no_failed_jobs"]


def due(n: dict) -> object:
    return parse(n["due_at"])


def _cast(user):  # noqa: ANN202
    settings(user)
    hm = contact(user, "Maya Manager", role="hiring_manager", profiles=[])
    rec = contact(user, "Rita Recruiter", role="recruiter", profiles=[])
    hr = contact(user, "Hank Hr", role="hr", profiles=[])
    o = opportunity(user, (hm["id"], "hiring_manager"), (rec["id"], "recruiter"),
                    (hr["id"], "hr"))
    return hm, rec, hr, o


def test_a_gatekeepers_quick_no_keeps_the_manager_ladder_and_goes_around_hr(user):
    hm, rec, hr, o = _cast(user)
    d0 = day(-1)
    log(user, hm["id"], "interview", at(d0, "14:00"), ends_at=at(d0, "15:00").isoformat(),
        opportunity_id=o["id"])
    log(user, rec["id"], "promise_made", at(d0, "16:00"), opportunity_id=o["id"],
        promise={"kind": "wait_days", "days": 7})
    # The no is logged without its opportunity: HR is on exactly one, so it lands there.
    no = log(user, hr["id"], "no_received", ago(minutes=30))
    assert no["opportunity_id"] == o["id"] and no["opportunity_attached"] is True
    d_no = parse(no["occurred_at"]).date()

    items = live(user)
    f1 = one(items, rule="R4", step="F1")
    assert (f1["contact_id"], f1["priority"], f1["state"], f1["channel"]) == (
        hm["id"], "P1", "due", "email")
    assert due(f1) == at(d0, "17:00")  # ends 15:00 + 2 h, that day, before 18:00
    r3 = one(items, rule="R3")
    assert (r3["contact_id"], r3["priority"], r3["state"], r3["channel"]) == (
        rec["id"], "P1", "scheduled", "email")
    assert due(r3) == at(d0 + timedelta(days=8), "10:00")  # day eight
    n1 = one(items, rule="R5", step="N1")
    assert (n1["contact_id"], n1["priority"], n1["channel"]) == (hr["id"], "P2", "email")
    assert due(n1) == at(d_no + timedelta(days=1), "10:00")
    assert n1["state"] == "scheduled"
    n3 = one(items, rule="R5", step="N3")
    assert (n3["contact_id"], n3["priority"]) == (hr["id"], "P3")
    assert due(n3) == at(d_no + timedelta(days=30), "10:00")
    r6 = one(items, rule="R6")
    assert (r6["contact_id"], r6["priority"], r6["state"]) == (hm["id"], "P2", "scheduled")
    assert due(r6) == at(d_no + timedelta(days=2), "10:00")  # N1's date + 1 working day
    assert "Maya" in r6["message"]
    assert not [n for n in nudges(user) if n["rule"] == "R4" and n["state"] == "cancelled"]

    # Done on HR's thank-you logs the e-mail it asked for, and the manager's ladder goes on.
    done = user.post(f"/nudges/{n1['id']}/complete", json={})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "completed"
    mail = done.get_json()["completed_by_interaction_id"]
    logged = user.get(f"/interactions/{mail}").get_json()
    assert (logged["type"], logged["contact_id"], logged["opportunity_id"]) == (
        "email_sent", hr["id"], o["id"])
    items = live(user)
    assert one(items, rule="R4", step="F1")["contact_id"] == hm["id"]
    assert one(items, rule="R6")["state"] == "scheduled"


def test_a_no_from_the_hiring_manager_stops_the_ladder(user):
    hm, _rec, _hr, o = _cast(user)
    d0 = day(-1)
    log(user, hm["id"], "interview", at(d0, "14:00"), opportunity_id=o["id"])
    log(user, hm["id"], "no_received", ago(minutes=30), opportunity_id=o["id"])
    items = nudges(user)
    assert not [n for n in items if n["rule"] == "R4" and n["state"] in ("scheduled", "due")]
    assert not [n for n in items if n["rule"] == "R6" and n["state"] in ("scheduled", "due")]


def test_a_no_without_any_opportunity_still_asks_for_feedback(user):
    settings(user)
    lone = contact(user, "Lone Recruiter", role="recruiter", profiles=[])
    no = log(user, lone["id"], "no_received", ago(minutes=30))
    assert no["opportunity_id"] is None and no["opportunity_attached"] is False
    n1 = one(live(user), rule="R5", step="N1")
    assert n1["contact_id"] == lone["id"]
    assert due(n1) == at(parse(no["occurred_at"]).date() + timedelta(days=1), "10:00")


def test_with_several_active_opportunities_the_answer_lists_them(user):
    settings(user)
    c = contact(user, "Two Jobs", role="recruiter", profiles=[])
    first = opportunity(user, (c["id"], "recruiter"), company="Acme")
    second = opportunity(user, (c["id"], "recruiter"), company="Globex")
    opportunity(user, (c["id"], "recruiter"), company="Initech", status="closed_lost")
    no = log(user, c["id"], "promise_made", ago(minutes=5),
             promise={"kind": "wait_days", "days": 7})
    assert no["opportunity_id"] is None and no["opportunity_attached"] is False
    assert [(x["id"], x["company"]) for x in no["opportunity_choices"]] == [
        (first["id"], "Acme"), (second["id"], "Globex")]
    # An explicit null means "about no opportunity": nothing is guessed or listed.
    none = log(user, c["id"], "no_received", ago(minutes=4), opportunity_id=None)
    assert none["opportunity_choices"] == [] and none["opportunity_id"] is None
    # Other types are never attached by guess.
    mail = log(user, c["id"], "email_sent", ago(minutes=3))
    assert mail["opportunity_id"] is None and mail["opportunity_choices"] == []


def test_done_on_a_follow_nudge_logs_the_follow_and_starts_the_engagement(user):
    settings(user)
    hm = contact(user, "Priya Manager", role="hiring_manager",
                 profiles=[{"url": "https://x.com/priya_hm"}])
    s1 = one(live(user), rule="R7", step="S1")
    done = user.post(f"/nudges/{s1['id']}/complete", json={}).get_json()
    assert done["state"] == "completed"
    follow = user.get(f"/interactions/{done['completed_by_interaction_id']}").get_json()
    assert (follow["type"], follow["network"], follow["contact_id"]) == (
        "social_follow", "x", hm["id"])
    s2 = one(live(user), rule="R7", step="S2")
    assert parse(s2["due_at"]).hour == 10  # at the preferred time, not the clock's


def test_done_with_log_false_or_its_own_interaction(user):
    settings(user)
    c = contact(user, "Quiet Person", profiles=[])
    log(user, c["id"], "email_sent", ago(days=5))
    fu = one(live(user), rule="R8")
    answer = user.post(f"/nudges/{fu['id']}/complete", json={"log": False}).get_json()
    assert answer["state"] == "completed" and answer["completed_by_interaction_id"] is None
    types = [i["type"] for i in user.get(f"/contacts/{c['id']}/interactions").get_json()["items"]]
    assert types == ["email_sent"]  # nothing logged
    fu2 = one(live(user), rule="R8", step="FU2")  # the ladder goes on from the one done
    answer = user.post(f"/nudges/{fu2['id']}/complete",
                       json={"interaction": {"type": "message_sent"}}).get_json()
    assert answer["state"] == "completed", answer
    logged = user.get(f"/interactions/{answer['completed_by_interaction_id']}").get_json()
    assert (logged["type"], logged["contact_id"]) == ("message_sent", c["id"])
