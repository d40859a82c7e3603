"""Every rule R1–R11 end to end through the HTTP API (SPEC §5.3): log interactions, read the
nudge a user sees, then the interaction or change that satisfies or cancels it.

Users are in UTC with ``weekend: []`` (every day a working day), so expected due times are
hand-derived from today's date without depending on the weekday.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from server.extensions import db
from server.models import Opportunity
from tests.api.test_nudges_helpers import (
    ME,
    ago,
    assert_text,
    at,
    contact,
    day,
    iso,
    last_monday_nine,
    live,
    log,
    no_failed_jobs,
    none_of,
    now,
    nudges,
    one,
    opportunity,
    parse,
    recompute,
    settings,
    sweep,
)

__all__ = ["no_failed_jobs"]
ROLE = "the Staff Engineer role at Acme"


def due(n: dict) -> object:
    return parse(n["due_at"])


# --- R1–R3: promises -------------------------------------------------------------------------

def test_r1_missed_call_fires_then_an_email_completes_it(user):
    settings(user)
    c = contact(user, "Rita Recruiter", role="recruiter")
    o = opportunity(user, (c["id"], "recruiter"))
    d = day(-1)
    log(user, c["id"], "promise_made", at(d, "09:00"), opportunity_id=o["id"],
        promise={"kind": "call_at", "at": iso(at(d, "11:00"))})
    n = one(nudges(user, rule="R1"))
    assert (n["rule"], n["step"], n["priority"], n["channel"]) == ("R1", None, "P1", "call")
    assert due(n) == at(d, "14:00")  # in business hours: at + 3 h
    assert n["state"] == "due" and n["visible"] and n["contact_id"] == c["id"]
    assert_text(n, "Rita", ROLE, signed=False)
    assert ME in n["message"]  # the call script names the caller
    email = log(user, c["id"], "email_sent", ago(minutes=5), opportunity_id=o["id"])
    n = one(nudges(user, rule="R1"))
    assert n["state"] == "completed" and n["completed_by_interaction_id"] == email["id"]
    assert not n["visible"]


def test_r1_due_outside_business_hours(user):
    settings(user)
    c = contact(user, "Early Bird")
    d = day(-1)
    log(user, c["id"], "promise_made", at(d - timedelta(days=1), "18:00"),
        promise={"kind": "call_at", "at": iso(at(d, "07:00"))})
    log(user, c["id"], "promise_made", at(d, "09:00"),
        promise={"kind": "call_at", "at": iso(at(d, "15:00"))})
    r1 = nudges(user, rule="R1")
    # The first promise is superseded by the second (same thread).
    first, second = sorted(r1, key=lambda n: n["id"])
    assert first["state"] == "superseded" and due(first) == at(d, "10:00")
    assert second["state"] in ("due", "scheduled") and due(second) == at(d + timedelta(days=1),
                                                                          "09:00")


def test_r1_cancelled_when_they_call(user):
    settings(user)
    c = contact(user, "Callie Back")
    d = day(-1)
    log(user, c["id"], "promise_made", at(d, "09:00"),
        promise={"kind": "call_at", "at": iso(at(d, "11:00"))})
    assert one(nudges(user, rule="R1"))["state"] == "due"
    log(user, c["id"], "call", at(d, "10:45"))  # at − 30 min counts
    n = one(nudges(user, rule="R1"))
    assert n["state"] == "cancelled" and n["completed_by_interaction_id"] is None


def test_r2_date_passed_then_they_reply(user):
    settings(user)
    c = contact(user, "Bea Bydate")
    o = opportunity(user, (c["id"], "hiring_manager"))
    d = day(-2)
    log(user, c["id"], "promise_made", at(d - timedelta(days=3), "12:00"), opportunity_id=o["id"],
        promise={"kind": "by_date", "date": d.isoformat()})
    n = one(nudges(user, rule="R2"))
    assert (n["priority"], n["channel"], n["step"]) == ("P1", "email", None)
    assert due(n) == at(d + timedelta(days=1), "10:00")
    assert n["state"] == "due"
    assert_text(n, "Bea", ROLE)
    log(user, c["id"], "reply_received", ago(hours=1), opportunity_id=o["id"])
    n = one(nudges(user, rule="R2"))
    assert n["state"] == "cancelled" and n["completed_by_interaction_id"] is None


def test_r2_completed_by_following_up(user):
    settings(user)
    c = contact(user, "Bo Bydate")
    d = day(-2)
    log(user, c["id"], "promise_made", at(d - timedelta(days=1), "12:00"),
        promise={"kind": "by_date", "date": d.isoformat()})
    email = log(user, c["id"], "email_sent", ago(minutes=10))
    n = one(nudges(user, rule="R2"))
    assert n["state"] == "completed" and n["completed_by_interaction_id"] == email["id"]


def test_r3_day_eight_replaces_r4_f2(user):
    settings(user)
    c = contact(user, "Ivan Interviewer", role="hiring_manager")
    o = opportunity(user, (c["id"], "hiring_manager"))
    d0 = day(-9)
    log(user, c["id"], "interview", at(d0, "10:00"), ends_at=iso(at(d0, "11:00")),
        opportunity_id=o["id"])
    log(user, c["id"], "promise_made", at(d0, "11:00"), opportunity_id=o["id"],
        promise={"kind": "wait_days", "days": 7})
    items = nudges(user)
    n = one(items, rule="R3")
    assert (n["priority"], n["step"]) == ("P1", None)
    assert n["channel"] in ("call", "email")
    assert due(n) == at(d0 + timedelta(days=8), "10:00") and n["state"] == "due"
    assert_text(n, "Ivan", ROLE)
    # F2 appeared with the interview; the promise sets day eight instead.
    assert one(items, rule="R4", step="F2")["state"] == "superseded"
    # The opportunity closing cancels it.
    r = user.patch(f"/opportunities/{o['id']}", json={"status": "closed_lost"})
    assert r.status_code == 200
    assert one(nudges(user, rule="R3"))["state"] == "cancelled"


# --- R4: thrice ------------------------------------------------------------------------------

def test_r4_ladder_f1_to_f4_chains_as_steps_get_done(user):
    settings(user)
    c = contact(user, "Hana Manager", role="hiring_manager", profiles=[])
    o = opportunity(user, (c["id"], "hiring_manager"))
    d = day(-1)
    log(user, c["id"], "interview", at(d, "13:00"), ends_at=iso(at(d, "14:00")),
        opportunity_id=o["id"])
    items = nudges(user, rule="R4")
    f1 = one(items, step="F1")
    assert (f1["priority"], f1["channel"]) == ("P1", "email")
    assert due(f1) == at(d, "16:00") and f1["state"] == "due"
    assert_text(f1, "Hana", ROLE)
    # F2 is day eight after the interview, not chained on F1; F3 waits for F2.
    f2 = one(items, step="F2")
    assert f2["priority"] == "P2" and due(f2) == at(d + timedelta(days=8), "10:00")
    assert f2["state"] == "scheduled" and not f2["visible"]  # F1 is the contact's visible one
    assert_text(f2, "Hana", ROLE)
    none_of(items, step="F3")

    e1 = log(user, c["id"], "email_sent", ago(minutes=30), opportunity_id=o["id"])
    items = nudges(user, rule="R4")
    assert one(items, step="F1")["completed_by_interaction_id"] == e1["id"]
    assert one(items, step="F2")["visible"]
    none_of(items, step="F3")

    # Done before its due time: the next step counts from F2's due date.
    e2 = log(user, c["id"], "email_sent", ago(minutes=20), opportunity_id=o["id"])
    items = nudges(user, rule="R4")
    assert one(items, step="F2")["completed_by_interaction_id"] == e2["id"]
    f3 = one(items, step="F3")
    assert f3["priority"] == "P2" and due(f3) == at(d + timedelta(days=15), "10:00")

    e3 = log(user, c["id"], "email_sent", ago(minutes=10), opportunity_id=o["id"])
    items = nudges(user, rule="R4")
    assert one(items, step="F3")["completed_by_interaction_id"] == e3["id"]
    f4 = one(items, step="F4")
    assert f4["priority"] == "P3" and due(f4) == at(d + timedelta(days=29), "10:00")
    assert_text(f4, "Hana", ROLE)

    # An offer stops the ladder.
    assert user.patch(f"/opportunities/{o['id']}", json={"status": "offer"}).status_code == 200
    assert one(nudges(user, rule="R4"), step="F4")["state"] == "cancelled"


def test_r4_late_interview_thanks_next_morning_and_final_no_stops(user):
    settings(user)
    c = contact(user, "Lars Late", role="hiring_manager", profiles=[])
    o = opportunity(user, (c["id"], "hiring_manager"))
    d = day(-1)
    log(user, c["id"], "interview", at(d, "16:30"), ends_at=iso(at(d, "17:30")),
        opportunity_id=o["id"])
    f1 = one(nudges(user, rule="R4"), step="F1")
    assert due(f1) == at(d + timedelta(days=1), "09:00")
    log(user, c["id"], "no_received", ago(minutes=5), opportunity_id=o["id"], final=True)
    f1 = one(nudges(user, rule="R4"), step="F1")
    assert f1["state"] == "cancelled"


# --- R5 / R6: a no, and going to the hiring manager ---------------------------------------------

def test_r5_r6_after_a_recruiter_no_with_a_manager_linked(user):
    settings(user)
    rec = contact(user, "Rhea Recruiter", role="recruiter", profiles=[])
    hm = contact(user, "Max Manager", role="hiring_manager", profiles=[])
    o = opportunity(user, (rec["id"], "recruiter"), (hm["id"], "hiring_manager"))
    d = day(-2)
    log(user, rec["id"], "no_received", at(d, "14:00"), opportunity_id=o["id"])
    items = nudges(user)
    n1 = one(items, rule="R5", step="N1")
    assert (n1["priority"], n1["channel"], n1["contact_id"]) == ("P2", "email", rec["id"])
    assert due(n1) == at(d + timedelta(days=1), "10:00") and n1["state"] == "due"
    assert_text(n1, "Rhea", ROLE)
    n3 = one(items, rule="R5", step="N3")
    assert n3["priority"] == "P3" and due(n3) == at(d + timedelta(days=30), "10:00")
    # R6 (a) comes with the no itself, due N1's date + 1 working day at 10:00 (the
    # article: go around the gatekeeper to the hiring manager).
    r6 = one(items, rule="R6")
    assert (r6["step"], r6["priority"], r6["contact_id"]) == ("N2", "P2", hm["id"])
    assert due(r6) == at(d + timedelta(days=2), "10:00")
    assert_text(r6, "Max", ROLE)

    thanks = log(user, rec["id"], "email_sent", ago(minutes=10), opportunity_id=o["id"])
    items = nudges(user)
    assert one(items, rule="R5", step="N1")["completed_by_interaction_id"] == thanks["id"]
    assert one(items, rule="R6")["state"] in ("scheduled", "due")  # thanking HR is not it
    w = log(user, hm["id"], "email_sent", ago(minutes=5), opportunity_id=o["id"])
    r6 = one(nudges(user, rule="R6"))
    assert r6["state"] == "completed" and r6["completed_by_interaction_id"] == w["id"]


def test_r6_find_the_hiring_manager_completes_when_one_is_linked(user):
    settings(user)
    rec = contact(user, "Hugo Hr", role="hr", profiles=[])
    o = opportunity(user, (rec["id"], "hr"))
    log(user, rec["id"], "no_received", at(day(-2), "14:00"), opportunity_id=o["id"])
    log(user, rec["id"], "email_sent", ago(minutes=10), opportunity_id=o["id"])
    find = one(nudges(user, rule="R6"))
    assert find["contact_id"] is None and find["opportunity_id"] == o["id"]
    assert (find["step"], find["priority"]) == ("N2", "P2")
    assert "find the hiring manager" in find["message"].lower()
    assert_text(find, "Hugo", ROLE, signed=False)
    # Re-checking the contact again (any write) must not trip over the contact-less nudge.
    log(user, rec["id"], "note", ago(minutes=5))
    assert one(nudges(user, rule="R6"))["state"] in ("scheduled", "due")

    hm = contact(user, "Mia Manager", role="hiring_manager", profiles=[])
    r = user.post(f"/opportunities/{o['id']}/contacts",
                  json={"contact_id": hm["id"], "role": "hiring_manager"})
    assert r.status_code in (200, 201), r.get_json()
    items = nudges(user, rule="R6")
    assert one(items, contact_id=None)["state"] == "completed"
    write = one(items, contact_id=hm["id"])
    assert write["state"] in ("scheduled", "due") and write["step"] == "N2"
    assert_text(write, "Mia", ROLE)


def test_r5_cancelled_when_the_contact_becomes_do_not_contact(user):
    settings(user)
    rec = contact(user, "Dora Dnc", role="peer", profiles=[])
    o = opportunity(user, (rec["id"], "peer"))
    log(user, rec["id"], "no_received", at(day(-2), "14:00"), opportunity_id=o["id"])
    assert len(live(user, rule="R5")) == 2
    r = user.patch(f"/contacts/{rec['id']}", json={"do_not_contact": True})
    assert r.status_code == 200
    assert live(user) == []
    assert {n["state"] for n in nudges(user, rule="R5")} == {"cancelled"}


# --- R7: social warm-up ----------------------------------------------------------------------

def test_r7_social_warm_up_for_a_hiring_manager_on_x(user):
    settings(user)
    hm = contact(user, "Xena Manager", role="hiring_manager",
                 profiles=[{"url": "https://x.com/xena_m"}])
    s1 = one(nudges(user, rule="R7"))
    assert (s1["step"], s1["priority"], s1["channel"]) == ("S1", "P3", "social")
    assert abs(due(s1) - now()) < timedelta(minutes=1) and s1["state"] == "due"
    assert "Xena" in s1["message"] and "X" in s1["message"]
    assert_text(s1, "Xena", "your search", signed=False)
    follow = log(user, hm["id"], "social_follow", now(), network="x")
    items = nudges(user, rule="R7")
    s1 = one(items, step="S1")
    assert s1["state"] == "completed" and s1["completed_by_interaction_id"] == follow["id"]
    s2 = one(items, step="S2")
    # Two days after the follow, at the preferred time (never the follow's clock time).
    assert due(s2) == at(parse(follow["occurred_at"]).date() + timedelta(days=2), "10:00")
    # Any inbound stops the ladder.
    log(user, hm["id"], "social_comment_received", now(), network="x")
    assert live(user, rule="R7") == []


def test_r7_not_for_a_manager_already_followed_or_without_social_profile(user):
    settings(user)
    a = contact(user, "Ann Followed", role="peer",
                profiles=[{"url": "https://instagram.com/ann_f"}])
    log(user, a["id"], "social_follow", ago(days=3))  # no network: counts for every network
    assert user.patch(f"/contacts/{a['id']}", json={"role": "hiring_manager"}).status_code == 200
    contact(user, "Gil Github", role="hiring_manager",
            profiles=[{"url": "https://github.com/gilgh"}])
    contact(user, "Pat Peer", role="peer", profiles=[{"url": "https://x.com/patpeer"}])
    assert nudges(user, rule="R7") == []


# --- R8: no reply ----------------------------------------------------------------------------

def test_r8_fu1_to_fu3_then_stop(user):
    settings(user)
    c = contact(user, "Nora Noreply", profiles=[])
    d = day(-1)
    first = log(user, c["id"], "email_sent", at(d, "08:00"))
    fu1 = one(nudges(user, rule="R8"))
    assert (fu1["step"], fu1["priority"], fu1["channel"]) == ("FU1", "P3", "email")
    assert due(fu1) == at(d + timedelta(days=3), "10:00") and fu1["state"] == "scheduled"
    assert_text(fu1, "Nora", "reconnecting")
    assert first["id"]
    e1 = log(user, c["id"], "email_sent", ago(minutes=30))
    items = nudges(user, rule="R8")
    assert one(items, step="FU1")["completed_by_interaction_id"] == e1["id"]
    fu2 = one(items, step="FU2")
    assert due(fu2) == at(d + timedelta(days=10), "10:00")
    e2 = log(user, c["id"], "message_sent", ago(minutes=20))
    items = nudges(user, rule="R8")
    assert one(items, step="FU2")["completed_by_interaction_id"] == e2["id"]
    fu3 = one(items, step="FU3")
    assert due(fu3) == at(d + timedelta(days=24), "10:00")
    e3 = log(user, c["id"], "email_sent", ago(minutes=10))
    items = nudges(user, rule="R8")
    assert one(items, step="FU3")["completed_by_interaction_id"] == e3["id"]
    assert [n for n in live(user) if n["rule"] == "R8"] == []


def test_r8_cancelled_when_they_reply(user):
    settings(user)
    c = contact(user, "Remy Reply", profiles=[])
    log(user, c["id"], "message_sent", ago(days=2))
    fu1 = one(nudges(user, rule="R8"))
    assert fu1["channel"] == "message"
    log(user, c["id"], "reply_received", ago(hours=1))
    fu1 = one(nudges(user, rule="R8"))
    assert fu1["state"] == "cancelled" and fu1["completed_by_interaction_id"] is None


def test_saved_but_never_touched_gets_nothing(user):
    settings(user)
    contact(user, "Quiet Quinn", profiles=[])
    assert nudges(user) == []


# --- R9 / R10 / R11 --------------------------------------------------------------------------

def test_r9_keep_warm_per_tier(app, user):
    settings(user)
    d = day(-5)
    c_tier = contact(user, "Cara Tierc", profiles=[])
    b_tier = contact(user, "Ben Tierb", starred=True, profiles=[])
    a_tier = contact(user, "Abe Tiera", role="peer", profiles=[])
    opportunity(user, (a_tier["id"], "peer"), status="targeting")
    for c in (c_tier, b_tier, a_tier):
        log(user, c["id"], "call", at(d, "12:00"))
    sweep(app)
    expect = {c_tier["id"]: (90, "P4"), b_tier["id"]: (30, "P4"), a_tier["id"]: (14, "P3")}
    for cid, (days, prio) in expect.items():
        n = one(nudges(user, rule="R9", contact_id=cid))
        assert n["priority"] == prio and due(n) == at(d + timedelta(days=days), "10:00"), n
        assert n["state"] == "scheduled" and n["visible"]
    assert_text(one(nudges(user, rule="R9", contact_id=c_tier["id"])), "Cara",
                "your last conversation")
    # A new meaningful touch resets it: the old one is completed by that touch.
    call = log(user, c_tier["id"], "call", ago(hours=2))
    items = nudges(user, rule="R9", contact_id=c_tier["id"])
    old = one(items, state="completed")
    assert old["completed_by_interaction_id"] == call["id"]
    new = one(items, state="scheduled")
    # Two calls made her warm (≥ 40): tier B now, so 30 days.
    assert user.get(f"/contacts/{c_tier['id']}").get_json()["warmth"]["score"] >= 40
    assert due(new) == at(parse(call["occurred_at"]).date() + timedelta(days=30), "10:00")


def test_r10_cooling_after_warmth_falls_below_40(app, user):
    settings(user)
    c = contact(user, "Cole Cooling", starred=True, profiles=[])
    log(user, c["id"], "call", ago(days=20))
    iv = log(user, c["id"], "interview", ago(hours=1))
    assert user.get(f"/contacts/{c['id']}").get_json()["warmth"]["score"] >= 40
    assert user.delete(f"/interactions/{iv['id']}").status_code == 204
    assert user.get(f"/contacts/{c['id']}").get_json()["warmth"]["score"] < 40
    n = one(nudges(user, rule="R10"))
    assert (n["priority"], n["step"], n["contact_id"]) == ("P3", None, c["id"])
    assert abs(due(n) - now()) < timedelta(minutes=1) and n["state"] == "due"
    assert_text(n, "Cole", "staying in touch")
    recompute(app, user)
    sweep(app)
    assert one(nudges(user, rule="R10"))["id"] == n["id"]
    e = log(user, c["id"], "email_sent", now())
    n = one(nudges(user, rule="R10"))
    assert n["state"] == "completed" and n["completed_by_interaction_id"] == e["id"]


def test_r10_when_the_only_interaction_is_deleted(user):
    settings(user)
    c = contact(user, "Solo Interview", starred=True, profiles=[])
    iv = log(user, c["id"], "interview", ago(hours=1))
    assert user.delete(f"/interactions/{iv['id']}").status_code == 204
    assert live(user) == []  # nothing to be cooling about, and no failed job


def test_r11_pipeline_digest(app, user):
    settings(user)
    rec = contact(user, "Pia Pipeline", role="recruiter", profiles=[])
    o = opportunity(user, (rec["id"], "recruiter"), company="Globex")
    log(user, rec["id"], "email_sent", ago(days=3))
    sweep(app, user)
    none_of(nudges(user), rule="R11")  # never before the first opportunity existed
    with app.app_context():  # as if the opportunity had been saved two weeks ago
        db.session.execute(update(Opportunity).where(Opportunity.id == o["id"])
                           .values(created_at=now() - timedelta(days=14)))
        db.session.commit()
    sweep(app, user)
    n = one(nudges(user, rule="R11"))
    assert n["contact_id"] is None and n["priority"] == "P4" and n["step"] is None
    monday = last_monday_nine(now(), "UTC")
    assert due(n) == monday and n["state"] == "due" and n["visible"]
    assert "Pia (Globex)" in n["message"]
    assert_text(n, "Pia", "your search", signed=False)
    before = nudges(user)
    sweep(app, user)
    recompute(app, user)
    assert nudges(user) == before
