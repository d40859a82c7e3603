"""The nudge lifecycle through the API (SPEC §5.2, §6): read-time due, complete / snooze /
dismiss, visibility (one per contact, ten a day), summary, order, pause, suppression, the
iCalendar feed and isolation between users."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from server.extensions import db
from server.models import Nudge
from tests.api.helpers import assert_error
from tests.api.test_nudges_helpers import (
    ago,
    at,
    contact,
    day,
    iso,
    live,
    log,
    no_failed_jobs,
    now,
    nudges,
    one,
    opportunity,
    parse,
    settings,
    sweep,
)

__all__ = ["no_failed_jobs"]


def fu1(user: Any, name: str, sent_days_ago: int = 1) -> dict[str, Any]:
    """A contact with one unanswered email: an R8 FU1 (P3), due when sent ≥ 3 days ago."""
    c = contact(user, name, profiles=[])
    log(user, c["id"], "email_sent", at(day(-sent_days_ago), "08:00"))
    return one(nudges(user, contact_id=c["id"], rule="R8"))


def p1(user: Any, name: str) -> dict[str, Any]:
    """A contact with a missed promised call: an R1 (P1), due."""
    c = contact(user, name, profiles=[])
    d = day(-1)
    log(user, c["id"], "promise_made", at(d, "09:00"),
        promise={"kind": "call_at", "at": iso(at(d, "11:00"))})
    return one(nudges(user, contact_id=c["id"], rule="R1"))


def move(app: Any, nudge_id: int, **values: Any) -> None:
    """Stand-in for the passing of time: the stored instant moves, the clock doesn't."""
    with app.app_context():
        db.session.execute(update(Nudge).where(Nudge.id == nudge_id).values(**values))
        db.session.commit()


def post(user: Any, nudge_id: int, action: str, body: dict[str, Any] | None = None) -> Any:
    return user.post(f"/nudges/{nudge_id}/{action}", json=body or {})


# --- read-time due ---------------------------------------------------------------------------

def test_state_due_is_read_time_truth(app, user):
    settings(user)
    n = fu1(user, "Dee Due")
    assert n["state"] == "scheduled"
    assert [x["id"] for x in nudges(user, state="due")] == []
    move(app, n["id"], due_at=ago(minutes=1))  # stored state stays 'scheduled'
    due = nudges(user, state="due")
    assert [x["id"] for x in due] == [n["id"]] and due[0]["state"] == "due"
    assert nudges(user, state="scheduled") == []
    assert user.get(f"/nudges/{n['id']}").get_json()["state"] == "due"
    assert user.get("/nudges/summary").get_json()["due"] == 1
    sweep(app)  # persists it; what the user sees doesn't change
    assert [x["id"] for x in nudges(user, state="due")] == [n["id"]]


def test_snoozed_past_until_reads_as_due(app, user):
    settings(user)
    n = fu1(user, "Sid Snooze", sent_days_ago=5)
    assert n["state"] == "due"
    r = post(user, n["id"], "snooze", {"preset": "3h"})
    assert r.status_code == 200 and r.get_json()["state"] == "snoozed"
    assert nudges(user, state="due") == []
    assert [x["id"] for x in nudges(user, state="snoozed")] == [n["id"]]
    move(app, n["id"], snoozed_until=ago(minutes=1))
    assert [x["id"] for x in nudges(user, state="due")] == [n["id"]]
    assert nudges(user, state="snoozed") == []


# --- actions ---------------------------------------------------------------------------------

def test_complete_then_every_action_is_409(user):
    settings(user)
    n = fu1(user, "Cody Complete", sent_days_ago=5)
    r = post(user, n["id"], "complete", {"log": False})
    assert r.status_code == 200
    done = r.get_json()
    assert done["state"] == "completed" and not done["visible"]
    assert done["completed_by_interaction_id"] is None  # nothing logged: log was false
    assert one(nudges(user), id=n["id"])["state"] == "completed"
    for action, body in (("complete", {}), ("snooze", {"preset": "3h"}),
                         ("dismiss", {"reason": "not_relevant"})):
        assert_error(post(user, n["id"], action, body), 409)


def test_complete_with_an_interaction_logs_and_links_it(user):
    settings(user)
    n = fu1(user, "Ines Interaction", sent_days_ago=5)
    r = post(user, n["id"], "complete", {"interaction": {"type": "call_attempt",
                                                         "notes": "left a voicemail"}})
    assert r.status_code == 200, r.get_json()
    done = r.get_json()
    assert done["state"] == "completed" and done["completed_by_interaction_id"]
    logged = user.get(f"/interactions/{done['completed_by_interaction_id']}").get_json()
    assert logged["contact_id"] == n["contact_id"] and logged["type"] == "call_attempt"
    assert logged["notes"] == "left a voicemail"
    # FU2 now chains on it.
    assert one(live(user), contact_id=n["contact_id"])["step"] == "FU2"


def test_complete_with_a_bad_interaction_is_422_and_changes_nothing(user):
    settings(user)
    n = fu1(user, "Bad Body", sent_days_ago=5)
    assert_error(post(user, n["id"], "complete", {"interaction": {"type": "hug"}}), 422, "type")
    assert_error(post(user, n["id"], "complete", {"surprise": 1}), 422)
    assert one(nudges(user), id=n["id"])["state"] == "due"


@pytest.mark.parametrize("preset", ["3h", "tomorrow", "next_monday", "7d"])
def test_snooze_presets(user, preset):
    settings(user, timezone="America/New_York")
    n = fu1(user, "Pre Set", sent_days_ago=5)
    before = now()
    r = post(user, n["id"], "snooze", {"preset": preset})
    assert r.status_code == 200, r.get_json()
    s = r.get_json()
    assert s["state"] == "snoozed" and s["snooze_count"] == 1
    until = parse(s["snoozed_until"])
    tz = "America/New_York"
    from server.domain import business_time as bt

    local_today = bt.local_date(before, tz)
    if preset == "3h":
        assert timedelta(hours=3) <= until - before < timedelta(hours=3, minutes=1)
    elif preset == "tomorrow":
        assert until == at(local_today + timedelta(days=1), "09:00", tz)
    elif preset == "next_monday":
        nxt = local_today + timedelta(days=8 - local_today.isoweekday())
        assert until == at(nxt, "09:00", tz) and nxt.isoweekday() == 1
    else:
        assert until == bt.add_days_local(before, 7, tz) or \
            timedelta(days=6, hours=23) < until - before < timedelta(days=7, hours=1)
    assert parse(s["due_at"]) == parse(n["due_at"])  # snoozing never moves due_at


def test_snooze_until_and_validation(user):
    settings(user)
    n = fu1(user, "Una Until", sent_days_ago=5)
    target = now() + timedelta(days=2)
    r = post(user, n["id"], "snooze", {"until": iso(target)})
    assert r.status_code == 200 and parse(r.get_json()["snoozed_until"]) == target
    assert_error(post(user, n["id"], "snooze", {"preset": "someday"}), 422, "preset")
    assert_error(post(user, n["id"], "snooze", {}), 422)
    assert_error(post(user, n["id"], "snooze", {"preset": "3h", "until": iso(target)}), 422)
    past = post(user, n["id"], "snooze", {"until": iso(ago(hours=1))})
    assert past.status_code in (409, 422)
    assert one(nudges(user), id=n["id"])["snooze_count"] == 1


def test_fourth_snooze_of_p1_expires_it_p3_keeps_snoozing(user):
    settings(user)
    urgent = p1(user, "Una Urgent")
    calm = fu1(user, "Carl Calm", sent_days_ago=5)
    for k in range(1, 4):
        r = post(user, urgent["id"], "snooze", {"preset": "3h"})
        assert r.get_json()["state"] == "snoozed" and r.get_json()["snooze_count"] == k
    r = post(user, urgent["id"], "snooze", {"preset": "3h"})
    assert r.status_code == 200 and r.get_json()["state"] == "expired"
    assert one(nudges(user), id=urgent["id"])["state"] == "expired"
    for _ in range(5):
        r = post(user, calm["id"], "snooze", {"preset": "tomorrow"})
        assert r.get_json()["state"] == "snoozed"
    assert r.get_json()["snooze_count"] == 5


@pytest.mark.parametrize("reason", ["handled_offline", "not_relevant", "wrong_person"])
def test_dismiss_plain_reasons(user, reason):
    settings(user)
    n = fu1(user, "Dis Miss", sent_days_ago=5)
    r = post(user, n["id"], "dismiss", {"reason": reason})
    assert r.status_code == 200 and r.get_json()["state"] == "dismissed"
    assert not r.get_json()["visible"]
    c = user.get(f"/contacts/{n['contact_id']}").get_json()
    assert c["do_not_contact"] is False


def test_dismiss_bad_reason_is_422(user):
    settings(user)
    n = fu1(user, "Bad Reason", sent_days_ago=5)
    assert_error(post(user, n["id"], "dismiss", {"reason": "bored"}), 422, "reason")
    assert one(nudges(user), id=n["id"])["state"] == "due"


def test_dismiss_position_filled_closes_the_opportunity(user):
    settings(user)
    c = contact(user, "Fay Filled", role="hiring_manager", profiles=[])
    o = opportunity(user, (c["id"], "hiring_manager"))
    d = day(-1)
    log(user, c["id"], "interview", at(d, "13:00"), ends_at=iso(at(d, "14:00")),
        opportunity_id=o["id"])
    f1 = one(nudges(user, rule="R4"), step="F1")
    r = post(user, f1["id"], "dismiss", {"reason": "position_filled"})
    assert r.status_code == 200 and r.get_json()["state"] == "dismissed"
    assert user.get(f"/opportunities/{o['id']}").get_json()["status"] == "closed_lost"
    assert live(user, opportunity_id=o["id"]) == []  # F2 went with it


def test_dismiss_do_not_contact_flags_and_cancels_the_rest(user):
    settings(user)
    c = contact(user, "Nia Never", role="hiring_manager",
                profiles=[{"url": "https://x.com/nia_never"}])
    log(user, c["id"], "email_sent", ago(days=5))
    items = live(user, contact_id=c["id"])
    assert {n["rule"] for n in items} == {"R7", "R8"}
    r = post(user, items[0]["id"], "dismiss", {"reason": "do_not_contact"})
    assert r.status_code == 200
    assert user.get(f"/contacts/{c['id']}").get_json()["do_not_contact"] is True
    assert live(user, contact_id=c["id"]) == []
    states = {n["id"]: n["state"] for n in nudges(user, contact_id=c["id"])}
    assert states[items[0]["id"]] == "dismissed"
    assert states[items[1]["id"]] == "cancelled"
    log(user, c["id"], "email_sent", ago(minutes=1))  # suppressed: nothing new
    assert live(user, contact_id=c["id"]) == []


# --- visibility ------------------------------------------------------------------------------

def test_one_visible_nudge_per_contact_lowest_priority_first(user):
    settings(user)
    c = contact(user, "Vic Visible", role="hiring_manager",
                profiles=[{"url": "https://x.com/vic_v"}])
    log(user, c["id"], "email_sent", ago(days=5))
    log(user, c["id"], "promise_made", at(day(-1), "09:00"),
        promise={"kind": "call_at", "at": iso(at(day(-1), "11:00"))})
    items = live(user, contact_id=c["id"])
    assert len(items) >= 2
    visible = [n for n in items if n["visible"]]
    assert len(visible) == 1 and visible[0]["priority"] == "P1"
    assert [n["id"] for n in nudges(user, state="due")] == [visible[0]["id"]]


def test_at_most_ten_new_visible_a_day_p1_exempt(user):
    settings(user)
    made = [fu1(user, f"Cap{k:02d} Contact", sent_days_ago=5) for k in range(12)]
    urgent = p1(user, "Zed Urgent")
    every = {n["id"]: n for n in nudges(user)}
    assert all(every[n["id"]]["state"] == "due" for n in made)
    shown = [n for n in every.values() if n["visible"]]
    assert len(shown) == 11 and every[urgent["id"]]["visible"]
    assert sum(1 for n in shown if n["priority"] == "P3") == 10
    due = nudges(user, state="due")
    assert len(due) == 11 and due[0]["id"] == urgent["id"]
    assert user.get("/nudges/summary").get_json()["due"] == 11
    # Completing one does not make room today: the budget counts what became visible.
    post(user, due[1]["id"], "complete")
    assert len(nudges(user, state="due")) == 10


def test_order_priority_then_due_then_warmth(user):
    settings(user)
    d = day(-5)
    warm = contact(user, "Walt Warm", profiles=[])
    cold = contact(user, "Carl Cold", profiles=[])
    log(user, warm["id"], "social_comment_received", at(d - timedelta(days=1), "08:00"))
    for c in (cold, warm):
        log(user, c["id"], "email_sent", at(d, "08:00"))
    older = contact(user, "Olga Older", profiles=[])
    log(user, older["id"], "email_sent", at(d - timedelta(days=1), "08:00"))
    urgent = p1(user, "Ursula Urgent")
    due = nudges(user, state="due")
    assert [n["contact_id"] for n in due] == [urgent["contact_id"], older["id"], warm["id"],
                                              cold["id"]]
    w = {c: user.get(f"/contacts/{c}").get_json()["warmth"]["score"]
         for c in (warm["id"], cold["id"])}
    assert w[warm["id"]] > w[cold["id"]]


def test_summary_counts(app, user):
    settings(user)
    assert user.get("/nudges/summary").get_json() == {"due": 0, "overdue": 0,
                                                       "next_due_at": None}
    old = fu1(user, "Odin Overdue", sent_days_ago=6)  # due 3 days ago
    fresh = fu1(user, "Fred Fresh", sent_days_ago=5)
    move(app, fresh["id"], due_at=ago(hours=2))
    later = fu1(user, "Lea Later", sent_days_ago=1)
    s = user.get("/nudges/summary").get_json()
    assert s["due"] == 2 and s["overdue"] == 1
    assert parse(s["next_due_at"]) == parse(later["due_at"])
    assert old["state"] == "due"


def test_paused_hides_everything_until_resumed(user):
    settings(user)
    n = fu1(user, "Paul Paused", sent_days_ago=5)
    later = fu1(user, "Lou Later", sent_days_ago=1)
    settings(user, nudges_paused=True)
    assert nudges(user, state="due") == []
    assert user.get("/nudges/summary").get_json() == {"due": 0, "overdue": 0,
                                                       "next_due_at": None}
    assert {x["id"] for x in nudges(user) if not x["visible"]} >= {n["id"], later["id"]}
    assert "BEGIN:VEVENT" not in feed(user)
    c = contact(user, "New While Paused", profiles=[])
    log(user, c["id"], "email_sent", ago(days=5))
    assert nudges(user, contact_id=c["id"]) == []
    settings(user, nudges_paused=False)
    assert {x["contact_id"] for x in nudges(user, state="due")} == {n["contact_id"], c["id"]}


def test_archived_contacts_get_no_nudges(user):
    settings(user)
    n = fu1(user, "Archie Archived", sent_days_ago=5)
    assert user.patch(f"/contacts/{n['contact_id']}", json={"archived": True}).status_code == 200
    assert one(nudges(user), id=n["id"])["state"] == "cancelled"
    log(user, n["contact_id"], "message_sent", ago(minutes=5))
    assert live(user) == []


# --- the iCalendar feed ----------------------------------------------------------------------

def feed(user: Any, token: str | None = None) -> str:
    url = user.get("/me").get_json()["calendar_url"]
    parts = urlsplit(url)
    query = parts.query if token is None else f"feed={token}"
    r = user.app.test_client().get(f"{parts.path}?{query}")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "text/calendar"
    return r.get_data(as_text=True)


def test_ics_feed_lists_visible_live_nudges_folded(user):
    settings(user)
    fu1(user, "Iris Calendar", sent_days_ago=5)
    fu1(user, "Ivo Calendar", sent_days_ago=1)
    c = contact(user, "Hidden Second", role="hiring_manager",
                profiles=[{"url": "https://x.com/hidden_2"}])
    log(user, c["id"], "email_sent", ago(days=5))  # R7 + R8: one visible
    done = fu1(user, "Done Already", sent_days_ago=5)
    post(user, done["id"], "complete")
    body = feed(user)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    lines = body[:-2].split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in body.replace("\r\n", "")
    assert any(line.startswith(" ") for line in lines)  # long descriptions are folded
    visible = [n for n in nudges(user) if n["visible"] and n["state"] in ("scheduled", "due")]
    # Two FU1s, one of R7/R8 for the manager, and the FU2 that followed the completed FU1.
    assert body.count("BEGIN:VEVENT") == len(visible) == 4
    unfolded = body.replace("\r\n ", "")
    for n in visible:
        assert f"UID:nudge-{n['id']}@" in unfolded
    assert f"UID:nudge-{done['id']}@" not in unfolded


def test_ics_feed_refuses_a_wrong_token(user):
    url = user.get("/me").get_json()["calendar_url"]
    path = urlsplit(url).path
    client = user.app.test_client()
    for query in ("feed=not-the-token", "", "feed="):
        r = client.get(f"{path}?{query}")
        assert r.status_code in (401, 403, 404, 422), (query, r.status_code)
        assert "VCALENDAR" not in r.get_data(as_text=True)


# --- isolation -------------------------------------------------------------------------------

def test_another_user_cannot_see_or_touch_nudges(user, make_user):
    settings(user)
    n = fu1(user, "Alice Private", sent_days_ago=5)
    other = make_user()
    settings(other)
    assert nudges(other) == []
    assert user.get("/nudges/summary").get_json()["due"] == 1
    assert other.get("/nudges/summary").get_json() == {"due": 0, "overdue": 0,
                                                        "next_due_at": None}
    assert_error(other.get(f"/nudges/{n['id']}"), 404)
    for action, body in (("complete", {}), ("snooze", {"preset": "3h"}),
                         ("dismiss", {"reason": "do_not_contact"})):
        assert_error(post(other, n["id"], action, body), 404)
    assert nudges(other, contact_id=n["contact_id"]) == []
    assert "BEGIN:VEVENT" not in feed(other)
    assert "Alice Private" in feed(user)
    mine = one(nudges(user), id=n["id"])
    assert mine["state"] == "due" and mine["snooze_count"] == 0
    assert user.get(f"/contacts/{n['contact_id']}").get_json()["do_not_contact"] is False
