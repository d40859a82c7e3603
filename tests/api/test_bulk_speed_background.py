"""Bulk imports: derived work after the response, and the set-based writes (SPEC §5.2, §8, §9).

Without Redis, a batch touching more than `dispatch.SYNC_LIMIT` contacts is scored and nudged
by a background thread after the response; smaller writes stay synchronous. With Redis the
work is enqueued as for any write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import bulk_activity, dispatch, tasks
from server.models import Contact, ContactEmail
from tests.api.helpers import li, make_contact
from tests.api.test_nudges_helpers import ago, iso, nudges, settings

HISTORY = [  # an e-mail five days ago after an earlier exchange: R8 asks for a follow-up
    {"type": "email_sent", "occurred_at": iso(ago(days=5)), "external_id": "m-1"},
    {"type": "message_sent", "occurred_at": iso(ago(days=40)), "external_id": "m-0"},
    {"type": "reply_received", "occurred_at": iso(ago(days=39)), "external_id": "m-r"},
]


def bulk(user, items: list[dict[str, Any]], **query: Any) -> dict[str, Any]:
    r = user.post("/contacts/bulk", json={"items": items}, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def people(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"name": f"Person {i}", "profiles": [{"url": li()}], **extra} for i in range(n)]


def dirty(app, user) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.user_id == user.id, Contact.dirty_at.is_not(None)))


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the background work did not finish"
        time.sleep(0.1)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Background scoring waits until the test sets the event (work inside requests doesn't)."""
    gate = threading.Event()
    real = tasks.process_contacts_job

    def gated(user_id: int, contact_ids: list[int]) -> int:
        if threading.current_thread().name == "thrice-bulk-drainer":
            assert gate.wait(60)
        return real(user_id, contact_ids)

    monkeypatch.setattr(tasks, "process_contacts_job", gated)
    yield gate
    gate.set()


def test_large_import_answers_first_and_is_scored_and_nudged_right_after(app, user, held):
    settings(user)
    items = [{"name": "Ira Import", "profiles": [{"url": li()}], "interactions": HISTORY},
             *people(dispatch.SYNC_LIMIT + 20)]
    res = bulk(user, items)
    assert res["created"] == len(items)
    ira = res["results"][0]["id"]
    # The response came back while the scoring is still held.
    assert user.get(f"/contacts/{ira}").get_json()["warmth"] is None
    assert nudges(user) == []
    assert dirty(app, user) == len(items)

    held.set()
    wait_for(lambda: dirty(app, user) == 0)
    assert user.get(f"/contacts/{ira}").get_json()["warmth"] is not None
    assert any(n["rule"] == "R8" and n["contact_id"] == ira for n in nudges(user))
    last = user.get(f"/contacts/{res['results'][-1]['id']}").get_json()
    assert last["warmth"] is not None


def test_small_import_is_scored_before_the_response(app, user, held):
    # The gate stays closed: only work inside the request can have scored this contact.
    settings(user)
    res = bulk(user, [{"name": "Ira Import", "profiles": [{"url": li()}],
                       "interactions": HISTORY}])
    ira = res["results"][0]["id"]
    assert user.get(f"/contacts/{ira}").get_json()["warmth"] is not None
    assert any(n["rule"] == "R8" for n in nudges(user, contact_id=ira))
    assert dirty(app, user) == 0


def test_with_redis_a_large_import_is_enqueued(app, user, monkeypatch):
    enqueued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(app.extensions["thrice_queue"], "mode", "redis")
    monkeypatch.setattr(dispatch, "_enqueue",
                        lambda queue, func, *args: enqueued.append((func.__name__, *args)))
    res = bulk(user, people(dispatch.SYNC_LIMIT + 5))
    ids = sorted(r["id"] for r in res["results"])
    assert enqueued == [("process_contacts_job", user.id, ids)]
    assert dirty(app, user) == len(ids)  # the catch-up sweep's safety net


def test_emails_added_by_a_later_import_match_the_next_one(app, user):
    url = li()
    first = bulk(user, [{"name": "Eve Mail", "profiles": [{"url": url}],
                         "emails": ["eve@one.io"]}])["results"][0]
    second = bulk(user, [{"name": "Eve Mail", "profiles": [{"url": url}],
                          "emails": ["Eve@Two.io"]}])["results"][0]
    assert (second["id"], second["status"]) == (first["id"], "updated")
    third = bulk(user, [{"name": "Eve Mail", "emails": ["eve@two.io"], "title": "CTO"}])
    assert (third["results"][0]["id"], third["created"]) == (first["id"], 0)
    with app.app_context():
        indexed = set(db.session.scalars(select(ContactEmail.email).where(
            ContactEmail.contact_id == first["id"])))
    assert indexed == {"eve@one.io", "eve@two.io"}
    assert user.get(f"/contacts/{first['id']}").get_json()["emails"] == [
        "eve@one.io", "Eve@two.io"]


def test_update_merges_lists_and_moves_last_touch(app, user):
    existing = make_contact(user, "Una Update", tags=["a"], phones=["+4930123456"],
                            company="OldCo")
    url = existing["profiles"][0]["url"]
    res = bulk(user, [{"name": "Una Update", "profiles": [{"url": url}], "tags": ["b", "a"],
                       "company": "NewCo", "phones": ["+4930123456"], "interactions": [
                           {"type": "email_sent", "occurred_at": "2025-01-02T10:00:00Z",
                            "external_id": "u-1"},
                           {"type": "note", "occurred_at": "2025-03-02T10:00:00Z",
                            "external_id": "u-2"}]}])
    assert res["results"][0] == {"index": 0, "status": "updated", "id": existing["id"],
                                 "errors": None, "interactions_added": 2}
    got = user.get(f"/contacts/{existing['id']}").get_json()
    assert (got["tags"], got["phones"], got["company"]) == (["a", "b"], ["+4930123456"],
                                                            "NewCo")
    assert got["last_touch_at"] == "2025-01-02T10:00:00Z"  # notes are not touches
    assert got["updated_at"] > existing["updated_at"]
    assert got["created_at"] == existing["created_at"]

    # Only an interaction: updated, with last_touch moved and the fields left alone.
    again = bulk(user, [{"name": "Una Update", "profiles": [{"url": url}], "interactions": [
        {"type": "call", "occurred_at": "2025-02-01T09:00:00Z", "external_id": "u-3"}]}])
    assert again["results"][0]["status"] == "updated"
    later = user.get(f"/contacts/{existing['id']}").get_json()
    assert later["last_touch_at"] == "2025-02-01T09:00:00Z"
    assert later["updated_at"] == got["updated_at"]


def test_new_contacts_are_stored_whole(app, user):
    item = {"name": "Nia New", "first_name": "Nia", "headline": "Builds things",
            "company": "Acme", "title": "CTO", "location": "Berlin", "timezone": "Europe/Berlin",
            "emails": ["Nia@Acme.io", "nia@acme.io"], "phones": ["+4930123456"],
            "role": "hiring_manager", "notes": "met at a fair", "tags": ["x"], "starred": True,
            "avatar_url": "https://acme.io/nia.png",
            "profiles": [{"url": "https://twitter.com/NiaNew"}, {"url": li("nia-new")}]}
    res = bulk(user, [item, {"name": "Plain"}])
    got = user.get(f"/contacts/{res['results'][0]['id']}").get_json()
    for key in ("name", "first_name", "headline", "company", "title", "location", "timezone",
                "phones", "role", "notes", "tags", "starred", "avatar_url"):
        assert got[key] == item[key], key
    assert got["emails"] == ["Nia@acme.io"]
    assert got["source"] == "import" and not got["do_not_contact"] and not got["archived"]
    assert [p["url"] for p in got["profiles"]] == ["https://x.com/nianew",
                                                   "https://linkedin.com/in/nia-new"]
    plain = user.get(f"/contacts/{res['results'][1]['id']}").get_json()
    assert (plain["role"], plain["first_name"], plain["emails"], plain["tags"]) == (
        "other", "Plain", [], [])
    ids = [r["id"] for r in res["results"]]
    assert ids[1] > ids[0]


def test_dry_run_gives_no_id_for_a_contact_made_earlier_in_the_batch(user):
    url = li()
    res = bulk(user, [{"name": "Dry", "profiles": [{"url": url}]},
                      {"name": "Dry", "profiles": [{"url": url}], "title": "T"}],
               dry_run="true")
    assert [(r["status"], r["id"]) for r in res["results"]] == [("created", None),
                                                                ("updated", None)]
    assert user.get("/contacts").get_json()["items"] == []


def test_catch_up_leaves_a_running_import_to_its_background_work(app, user, held):
    """The periodic catch-up would score the same contacts as the import's background thread,
    competing with the import for the write lock; while the import runs it waits."""
    import os

    res = bulk(user, people(dispatch.SYNC_LIMIT + 5))
    assert dirty(app, user) == res["created"]
    marker = os.path.join(app.instance_path, "bulk-activity")
    with app.app_context():
        assert bulk_activity.bulk_import_active()
        assert tasks.catch_up() == 0
    assert dirty(app, user) == res["created"]
    # An import that stopped (a crash before its background work ran) is caught up later.
    stale = time.time() - bulk_activity.BULK_GRACE - 1
    os.utime(marker, (stale, stale))
    with app.app_context():
        assert not bulk_activity.bulk_import_active()
        assert tasks.catch_up() >= res["created"]
    assert dirty(app, user) == 0
