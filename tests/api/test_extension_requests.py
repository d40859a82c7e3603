"""The extension's hottest requests (token check, the popup's list, the badge, lookup, saving a
contact): what they answer, what they store, and their errors (§5.2, §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import ApiToken, Contact, ContactEmail, Nudge

NOW = datetime.now(UTC)


def _due_nudges(user, n: int) -> list[int]:  # noqa: ANN001
    """n contacts, each with a by-date promise that passed: n due R2 nudges."""
    assert user.patch("/me", json={"weekend": []}).status_code == 200
    ids = []
    for i in range(n):
        cid = user.post("/contacts", json={"name": f"Due {i}",
                                           "emails": [f"Due.{i}@Example.com"]}).get_json()["id"]
        answer = user.post(f"/contacts/{cid}/interactions", json={
            "type": "promise_made", "occurred_at": (NOW - timedelta(days=3 + i)).isoformat(),
            "promise": {"kind": "by_date", "date": (NOW - timedelta(days=2)).date().isoformat()}})
        assert answer.status_code == 201, answer.get_json()
        ids.append(cid)
    return ids


def test_the_popup_list_matches_the_general_path(user):
    _due_nudges(user, 7)
    with user.app.app_context():  # a snoozed nudge past its time is due too (§5.2)
        row = db.session.scalars(select(Nudge).where(Nudge.user_id == user.id)).first()
        row.state, row.snoozed_until = "snoozed", NOW - timedelta(minutes=1, microseconds=7)
        db.session.commit()
    fast = user.get("/nudges?state=due&limit=5")
    # A cursor (even an empty one) sends the request through NudgeQuery and list_nudges.
    general = user.get("/nudges?state=due&limit=5&cursor=")
    assert fast.status_code == general.status_code == 200
    assert fast.get_json() == general.get_json()
    assert len(fast.get_json()["items"]) == 5 and fast.get_json()["next"]
    rest = user.get(f"/nudges?state=due&limit=5&cursor={fast.get_json()['next']}").get_json()
    assert len(rest["items"]) == 2 and rest["next"] is None
    default = user.get("/nudges").get_json()  # state=due and limit=50 by default
    assert default == user.get("/nudges?state=due&limit=50&cursor=").get_json()
    assert len(default["items"]) == 7
    assert {n["state"] for n in default["items"]} == {"due"}
    snoozed = [n for n in default["items"] if n["snoozed_until"]]
    assert len(snoozed) == 1 and snoozed[0]["snoozed_until"].endswith("Z")
    first = default["items"][0]
    assert first["contact"]["email"] == f"{first['contact']['name']}@example.com".replace(
        " ", ".")  # the contact's first e-mail, as saved


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=abc", "limit=-1",
                                   "state=nope"])
def test_unusual_popup_queries_get_the_schema_errors(user, query):
    answer = user.get(f"/nudges?{query}")
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["query"]


def test_the_popup_list_is_scoped_to_the_token(make_user):
    alice, bob = make_user(), make_user()
    _due_nudges(alice, 2)
    assert len(alice.get("/nudges").get_json()["items"]) == 2
    assert bob.get("/nudges").get_json() == {"items": [], "next": None}


def test_a_new_contact_is_stored_complete_with_nothing_left_to_do(user):
    body = {"name": "Ada Lovelace", "company": "Analytical", "emails": ["Ada@Example.com"],
            "profiles": [{"url": "https://www.linkedin.com/in/Ada-L/"}], "tags": ["math"]}
    answer = user.post("/contacts", json=body)
    assert answer.status_code == 201
    created = answer.get_json()
    assert created["warmth"]["score"] == 0 and created["warmth"]["band"] == "cold"
    assert created["profiles"] == [{"network": "linkedin",
                                    "url": "https://linkedin.com/in/ada-l", "handle": "ada-l"}]
    assert created["first_name"] == "Ada" and created["source"] == "api"
    assert created["role"] == "other" and created["tier"] is None
    # What a read right after shows is what was answered.
    again = user.get(f"/contacts/{created['id']}").get_json()
    assert again == created
    with user.app.app_context():
        row = db.session.get(Contact, created["id"])
        assert row.dirty_at is None and row.warmth_components is not None
        assert db.session.scalars(select(ContactEmail.email).where(
            ContactEmail.contact_id == row.id)).all() == ["ada@example.com"]
    # The stored warmth is what the scoring job computes for it.
    recomputed = user.get(f"/contacts/{created['id']}/warmth").get_json()
    assert recomputed["score"] == 0
    # The e-mail index is filled: an import of the same address lands on this contact.
    bulk = user.post("/contacts/bulk", json={"items": [
        {"name": "A. Lovelace", "emails": ["ada@example.com"]}]}).get_json()
    assert bulk["results"][0]["id"] == created["id"]


def test_saving_a_known_url_again_goes_the_general_way(user):
    first = user.post("/contacts", json={"name": "Grace", "profiles": [
        {"url": "https://github.com/grace"}]})
    second = user.post("/contacts", json={"name": "Grace Hopper", "title": "Admiral",
                                          "profiles": [{"url": "http://github.com/Grace/"}]})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["title"] == "Admiral"


def test_a_manager_goes_the_general_way_and_gets_the_warm_up_nudge(user):
    answer = user.post("/contacts", json={
        "name": "Hal Manager", "role": "hiring_manager",
        "profiles": [{"url": "https://x.com/hal"}]})
    assert answer.status_code == 201
    r7 = user.get(f"/nudges?state=all&contact_id={answer.get_json()['id']}").get_json()["items"]
    assert [n["rule"] for n in r7] == ["R7"]


@pytest.mark.parametrize("body", [
    {"name": ""}, {"name": "X", "emails": ["not-an-email"]}, {"name": "X", "starred": 1},
    {"name": "X", "profiles": [{"url": "ftp://nope"}]}, {"nom": "X"}, ["X"],
])
def test_bad_contacts_get_the_schema_errors_and_store_nothing(user, body):
    answer = user.post("/contacts", json=body)
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["errors"]
    assert user.get("/contacts").get_json()["items"] == []


def test_the_token_check_records_use_once_a_minute(user):
    assert user.get("/me").status_code == 200
    with user.app.app_context():
        token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
        first = token.last_used_at
        assert first is not None and NOW - timedelta(minutes=1) < first
    assert user.get("/contacts").status_code == 200
    with user.app.app_context():
        token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
        assert token.last_used_at == first  # not rewritten within the minute


def test_the_badge_summary_counts_visible_due_overdue_and_the_next_due(user):
    _due_nudges(user, 5)
    until = NOW + timedelta(hours=2, microseconds=5)
    with user.app.app_context():
        rows = db.session.scalars(
            select(Nudge).where(Nudge.user_id == user.id).order_by(Nudge.id)).all()
        assert len(rows) == 5
        plans = [("due", NOW - timedelta(days=3), None, True),  # due and overdue
                 ("due", NOW - timedelta(hours=1), None, True),  # due
                 ("snoozed", NOW - timedelta(days=5), until, True),  # due again in 2 h
                 ("scheduled", NOW + timedelta(days=1), None, True),  # due tomorrow
                 ("due", NOW - timedelta(days=9), None, False)]  # held back: not shown
        for row, (state, due_at, snoozed_until, visible) in zip(rows, plans, strict=True):
            row.state, row.due_at, row.snoozed_until, row.visible = (
                state, due_at, snoozed_until, visible)
        db.session.commit()
    summary = user.get("/nudges/summary").get_json()
    assert summary == {"due": 2, "overdue": 1,
                       "next_due_at": until.isoformat().replace("+00:00", "Z")}
    listed = user.get("/nudges").get_json()["items"]
    assert len(listed) == summary["due"]  # the badge announces what the popup shows


def _lookup(user, url: str):  # noqa: ANN001, ANN202
    return user.get("/contacts/lookup", query_string={"url": url})


def test_lookup_answers_what_reading_the_contact_answers(user):
    from tests.api.test_nudges_helpers import opportunity

    plain = user.post("/contacts", json={"name": "Pia Plain", "profiles": [
        {"url": "https://github.com/pia"}]}).get_json()
    rich = user.post("/contacts", json={
        "name": "Ria Rich", "emails": ["ria@example.com"], "phones": ["+44 20 7946 0000"],
        "tags": ["lead", "x"], "starred": True, "notes": "met at PyCon",
        "profiles": [{"url": "https://x.com/ria"}, {"url": "https://linkedin.com/in/ria"}],
    }).get_json()
    assert user.post(f"/contacts/{rich['id']}/interactions", json={
        "type": "reply_received"}).status_code == 201
    active = user.post("/contacts", json={"name": "Abe Active", "profiles": [
        {"url": "https://instagram.com/abe"}]}).get_json()
    opportunity(user, (active["id"], "recruiter"))
    closed = user.post("/contacts", json={"name": "Cy Closed", "profiles": [
        {"url": "https://facebook.com/cy.closed"}]}).get_json()
    opportunity(user, (closed["id"], "recruiter"), status="closed_lost")
    cases = [(plain, "https://www.github.com/Pia/"), (rich, "http://twitter.com/RIA"),
             (rich, "linkedin.com/in/ria"), (active, "https://instagram.com/abe/"),
             (closed, "https://m.facebook.com/cy.closed")]
    for saved, url in cases:
        found = _lookup(user, url)
        assert found.status_code == 200, url
        assert found.get_json() == user.get(f"/contacts/{saved['id']}").get_json(), url
    assert _lookup(user, "https://x.com/ria").get_json()["warmth"]["score"] > 0
    assert _lookup(user, "https://instagram.com/abe").get_json()["tier"] == "A"
    assert _lookup(user, "https://facebook.com/cy.closed").get_json()["tier"] is None


def test_lookup_of_a_merged_contact_answers_the_survivor(user):
    keep = user.post("/contacts", json={"name": "Kim Keep", "profiles": [
        {"url": "https://github.com/kim-keep"}]}).get_json()
    fold = user.post("/contacts", json={"name": "Kim K.", "profiles": [
        {"url": "https://github.com/kim-fold"}]}).get_json()
    assert user.post(f"/contacts/{keep['id']}/merge",
                     json={"other_ids": [fold["id"]]}).status_code == 200
    found = _lookup(user, "https://github.com/kim-fold")
    assert found.status_code == 200 and found.get_json()["id"] == keep["id"]


@pytest.mark.parametrize(("url", "status"), [
    ("https://github.com/nobody-here", 404), ("javascript:alert(1)", 422), ("", 422),
    ("https://github.com/" + "a" * 2100, 422), ("https://github.com/a\x00b", 422),
])
def test_lookup_errors_are_the_general_paths(make_user, url, status):
    alice, bob = make_user(), make_user()
    bob.post("/contacts", json={"name": "Bob's", "profiles": [
        {"url": "https://github.com/nobody-here"}]})
    answer = _lookup(alice, url)  # Bob's contact is not Alice's
    assert answer.status_code == status
    body = answer.get_json()
    assert body["code"] == status and body["message"]
    if status == 422:
        assert body["errors"]["query"]["url"]


def test_the_popup_list_json_matches_for_awkward_values(user):
    """On SQLite the page's JSON is built by SQLite itself: every kind of value must come out
    as the general path's marshmallow/orjson view writes it."""
    with user.app.app_context():
        named = Contact(user_id=user.id, name='Zoë "Z" O\'Brien \\ 🚀', emails=[],
                        source="api")
        mailed = Contact(user_id=user.id, name="Ann", emails=["ann@example.com", "b@x.org"],
                         source="api")
        db.session.add_all([named, mailed])
        db.session.flush()
        exact = NOW.replace(microsecond=0) - timedelta(hours=1)
        rows = [
            Nudge(user_id=user.id, contact_id=None, key="k1", rule="R9", priority="P2",
                  due_at=exact, notify_at=exact, state="due", visible=True,
                  message="line\nbreak\ttab \x01 \u2028 </script> ünï 🚀", reason='"quoted"'),
            Nudge(user_id=user.id, contact_id=named.id, key="k2", rule="R1", step="2",
                  priority="P1", due_at=exact - timedelta(microseconds=1),
                  notify_at=exact, state="snoozed", visible=True, snooze_count=2,
                  snoozed_until=NOW - timedelta(minutes=5, microseconds=123),
                  message="", reason=""),
            Nudge(user_id=user.id, contact_id=mailed.id, key="k3", rule="R2", priority="P1",
                  due_at=exact - timedelta(days=400), notify_at=exact, state="scheduled",
                  visible=True, channel="linkedin", message="m", reason="r"),
            Nudge(user_id=user.id, contact_id=mailed.id, key="k4", rule="R3", priority="P1",
                  due_at=exact, notify_at=exact, state="due", visible=False,
                  message="hidden", reason="hidden"),
        ]
        db.session.add_all(rows)
        db.session.commit()
    fast = user.get("/nudges")
    general = user.get("/nudges?cursor=")
    assert fast.status_code == general.status_code == 200
    assert fast.get_json() == general.get_json()
    items = fast.get_json()["items"]
    assert [n["rule"] for n in items] == ["R2", "R1", "R9"]  # P1 before P2; the hidden one out
    assert items[2]["contact"] is None
    assert items[1]["contact"]["email"] is None and items[1]["snoozed_until"].endswith("Z")
    assert items[0]["contact"]["email"] == "ann@example.com"
    assert items[2]["due_at"] == exact.strftime("%Y-%m-%dT%H:%M:%SZ")
    limited = user.get("/nudges?limit=2").get_json()
    assert limited == user.get("/nudges?limit=2&cursor=").get_json() and limited["next"]
