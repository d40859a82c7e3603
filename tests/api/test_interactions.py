"""Interactions: log, list, patch, delete; last-touch and warmth follow them (SPEC §2, §4, §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.helpers import assert_error, make_contact, walk

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def log(user, cid, **body):
    r = user.post(f"/contacts/{cid}/interactions", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_log_and_read_back(user):
    c = make_contact(user, "Ivy")
    i = log(user, c["id"], type="interview", occurred_at="2025-03-07T09:00:00+01:00",
            ends_at="2025-03-07T10:00:00+01:00", notes="<b>round 1</b>",
            promise={"kind": "wait_days", "days": 7}, external_id="cal-1")
    assert i["contact_id"] == c["id"] and i["type"] == "interview"
    assert i["occurred_at"] == "2025-03-07T08:00:00Z" and i["ends_at"] == "2025-03-07T09:00:00Z"
    assert i["notes"] == "<b>round 1</b>" and i["external_id"] == "cal-1"
    assert i["promise"] == {"kind": "wait_days", "days": 7}
    assert i["final"] is False and i["opportunity_id"] is None
    # The answer to a new log also says what was decided about its opportunity.
    assert i.pop("opportunity_attached") is False and i.pop("opportunity_choices") == []
    assert user.get(f"/interactions/{i['id']}").get_json() == i


def test_occurred_at_defaults_to_now_and_naive_means_utc(user):
    c = make_contact(user, "Now")
    before = datetime.now(UTC)
    i = log(user, c["id"], type="email_sent")
    at = datetime.fromisoformat(i["occurred_at"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC) + timedelta(seconds=1)
    j = log(user, c["id"], type="note", occurred_at="2025-01-01T10:00:00")
    assert j["occurred_at"] == "2025-01-01T10:00:00Z"


@pytest.mark.parametrize("promise", [
    {"kind": "call_at", "at": "2025-03-14T15:00:00+01:00"},
    {"kind": "by_date", "date": "2025-03-14", "tz": "Europe/Berlin"},
    {"kind": "wait_days", "days": 5},
])
def test_promise_kinds(user, promise):
    c = make_contact(user, "Promise")
    i = log(user, c["id"], type="promise_made", promise=promise)
    assert i["promise"]["kind"] == promise["kind"]
    if promise["kind"] == "call_at":
        assert i["promise"]["at"] == "2025-03-14T14:00:00Z"
    if promise["kind"] == "by_date":
        assert i["promise"] == promise


@pytest.mark.parametrize("body, field", [
    ({}, "type"),
    ({"type": "carrier_pigeon"}, "type"),
    ({"type": 3}, "type"),
    ({"type": "email_sent", "occurred_at": "yesterday"}, "occurred_at"),
    ({"type": "email_sent", "occurred_at": 1700000000}, "occurred_at"),
    ({"type": "meeting", "occurred_at": "2025-03-07T10:00:00Z",
      "ends_at": "2025-03-07T09:00:00Z"}, "ends_at"),
    ({"type": "meeting", "ends_at": "2000-01-01T00:00:00Z"}, "ends_at"),
    ({"type": "social_like", "network": "myspace"}, "network"),
    ({"type": "no_received", "final": "yes"}, "final"),
    ({"type": "email_sent", "external_id": ""}, "external_id"),
    ({"type": "email_sent", "external_id": "x" * 501}, "external_id"),
    ({"type": "email_sent", "notes": "n" * 10_001}, "notes"),
    ({"type": "email_sent", "contact_id": 1}, "contact_id"),
    ({"type": "promise_made", "promise": {"kind": "call_at"}}, "at"),
    ({"type": "promise_made", "promise": {"kind": "by_date"}}, "date"),
    ({"type": "promise_made", "promise": {"kind": "wait_days"}}, "days"),
    ({"type": "promise_made", "promise": {"kind": "wait_days", "days": 0}}, "days"),
    ({"type": "promise_made", "promise": {"kind": "wait_days", "days": "7"}}, "days"),
    ({"type": "promise_made", "promise": {"kind": "someday"}}, "kind"),
    ({"type": "promise_made", "promise": {"kind": "by_date", "date": "2025-02-30"}}, "date"),
    ({"type": "promise_made", "promise": {"kind": "wait_days", "days": 3, "tz": "Nowhere"}},
     "tz"),
    ({"type": "promise_made", "promise": "next week"}, "promise"),
    ({"type": "email_sent", "opportunity_id": "1"}, "opportunity_id"),
    ({"type": "email_sent", "opportunity_id": 0}, "opportunity_id"),
    ({"type": "email_sent", "opportunity_id": 2147483647}, "opportunity_id"),
    ({"type": "email_sent", "opportunity_id": 10**20}, "opportunity_id"),
    ({"type": "email_sent", "occurred_at": "9999-12-31T23:59:59-05:00"}, "occurred_at"),
    ({"type": "email_sent", "occurred_at": "0001-01-01T00:00:00+05:00"}, "occurred_at"),
])
def test_bad_interactions_are_422(user, body, field):
    c = make_contact(user, "Bad")
    assert_error(user.post(f"/contacts/{c['id']}/interactions", json=body), 422, field)
    assert user.get(f"/contacts/{c['id']}/interactions").get_json()["items"] == []


def test_external_id_conflict_is_409_and_per_contact(user):
    a, b = make_contact(user, "A"), make_contact(user, "B")
    log(user, a["id"], type="message_received", external_id="msg-1")
    body = assert_error(user.post(f"/contacts/{a['id']}/interactions",
                                  json={"type": "message_received", "external_id": "msg-1"}), 409)
    assert "external_id" in repr(body.get("errors")) or "external_id" in body["message"]
    log(user, b["id"], type="message_received", external_id="msg-1")  # other contact: fine
    assert len(user.get(f"/contacts/{a['id']}/interactions").get_json()["items"]) == 1
    other = log(user, a["id"], type="message_sent", external_id="msg-2")
    assert_error(user.patch(f"/interactions/{other['id']}", json={"external_id": "msg-1"}), 409)
    assert user.get(f"/interactions/{other['id']}").get_json()["external_id"] == "msg-2"


def test_list_is_newest_first_and_paginates(user):
    c = make_contact(user, "Busy")
    made = []
    for day in (5, 1, 3, 3, 2, 4, 1):
        made.append(log(user, c["id"], type="email_sent",
                        occurred_at=iso(NOW - timedelta(days=day)))["id"])
    items = walk(user, f"/contacts/{c['id']}/interactions", limit=2)
    assert sorted(i["id"] for i in items) == sorted(made) and len(items) == 7
    keys = [(i["occurred_at"], i["id"]) for i in items]
    assert keys == sorted(keys, reverse=True)
    only = walk(user, f"/contacts/{c['id']}/interactions", type="reply_received")
    assert only == []
    assert_error(user.get(f"/contacts/{c['id']}/interactions?cursor=garbage"), 422, "cursor")
    assert_error(user.get(f"/contacts/{c['id']}/interactions?limit=0"), 422, "limit")


def test_patch_and_delete_update_last_touch(user):
    c = make_contact(user, "Touch")
    assert c["last_touch_at"] is None
    old = log(user, c["id"], type="email_sent", occurred_at="2025-01-01T00:00:00Z")
    assert user.get(f"/contacts/{c['id']}").get_json()["last_touch_at"] == "2025-01-01T00:00:00Z"
    new = log(user, c["id"], type="reply_received", occurred_at="2025-02-01T00:00:00Z")
    log(user, c["id"], type="note", occurred_at="2025-02-15T00:00:00Z")  # notes don't touch
    assert user.get(f"/contacts/{c['id']}").get_json()["last_touch_at"] == "2025-02-01T00:00:00Z"

    r = user.patch(f"/interactions/{new['id']}", json={"occurred_at": "2025-01-15T00:00:00Z",
                                                      "notes": "edited"})
    assert r.status_code == 200 and r.get_json()["notes"] == "edited"
    assert r.get_json()["type"] == "reply_received"
    assert user.get(f"/contacts/{c['id']}").get_json()["last_touch_at"] == "2025-01-15T00:00:00Z"

    assert user.delete(f"/interactions/{new['id']}").status_code == 204
    assert_error(user.get(f"/interactions/{new['id']}"), 404)
    assert_error(user.delete(f"/interactions/{new['id']}"), 404)
    assert user.get(f"/contacts/{c['id']}").get_json()["last_touch_at"] == "2025-01-01T00:00:00Z"
    user.delete(f"/interactions/{old['id']}")
    assert user.get(f"/contacts/{c['id']}").get_json()["last_touch_at"] is None


@pytest.mark.parametrize("body, field", [
    ({"ends_at": "2024-01-01T00:00:00Z"}, "ends_at"),
    ({"type": "nope"}, "type"),
    ({"type": None}, "type"),
    ({"occurred_at": None}, "occurred_at"),
    ({"contact_id": 5}, "contact_id"),
])
def test_patch_validation(user, body, field):
    c = make_contact(user, "P")
    i = log(user, c["id"], type="meeting", occurred_at="2025-03-01T10:00:00Z")
    assert_error(user.patch(f"/interactions/{i['id']}", json=body), 422, field)
    unchanged = user.get(f"/interactions/{i['id']}").get_json()
    assert unchanged == {k: v for k, v in i.items() if not k.startswith("opportunity_")} | {
        "opportunity_id": i["opportunity_id"]}


def test_final_only_sticks_on_a_no(user):
    c = make_contact(user, "F")
    assert log(user, c["id"], type="no_received", final=True)["final"] is True
    assert log(user, c["id"], type="email_sent", final=True)["final"] is False


def test_warmth_endpoint_matches_the_spec_example(user):
    c = make_contact(user, "Warm")
    log(user, c["id"], type="email_sent", occurred_at=iso(NOW - timedelta(days=2)))
    log(user, c["id"], type="reply_received", occurred_at=iso(NOW - timedelta(days=1)))
    r = user.get(f"/contacts/{c['id']}/warmth", query_string={"at": "2025-03-10T12:00:00Z"})
    assert r.status_code == 200, r.get_json()
    w = r.get_json()
    assert w["score"] == 31 and w["band"] == "cool"
    assert w["S"] == pytest.approx(4.3661, abs=1e-3)
    assert w["reason"]
    assert {"O", "I", "B", "T", "computed_at"} <= set(w)
    later = user.get(f"/contacts/{c['id']}/warmth",
                     query_string={"at": iso(NOW + timedelta(days=60))}).get_json()
    assert later["score"] == 9
    assert user.get(f"/contacts/{c['id']}/warmth",
                    query_string={"at": "2025-03-10T12:00:00"}).get_json()["score"] == 31


@pytest.mark.parametrize("at", ["soon", "2025-13-01T00:00:00Z", "0001-01-01T00:00:00Z",
                                "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-05:00"])
def test_warmth_at_bad_or_extreme_values_never_500(user, at):
    c = make_contact(user, "Edge")
    r = user.get(f"/contacts/{c['id']}/warmth", query_string={"at": at})
    assert r.status_code in (200, 422), r.get_data()[:300]
    if r.status_code == 422:
        assert_error(r, 422, "at")


def test_interactions_of_unknown_contact_are_404(user):
    assert_error(user.post("/contacts/2147483647/interactions", json={"type": "call"}), 404)
    assert_error(user.get("/contacts/2147483647/interactions"), 404)
    assert_error(user.get("/contacts/2147483647/warmth"), 404)
