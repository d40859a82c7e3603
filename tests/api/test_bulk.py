"""POST /contacts/bulk: per-item results, matching order, idempotence, dry runs (SPEC §6, §8)."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, li, make_contact, walk


def bulk(user, items, **query):
    r = user.post("/contacts/bulk", json={"items": items}, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_create_then_rerun_is_unchanged(user):
    items = [
        {"name": "Ann One", "profiles": [{"url": "https://www.linkedin.com/in/ann-one/"}],
         "company": "A", "interactions": [
             {"type": "social_follow", "network": "linkedin", "external_id": "li-follow-ann",
              "occurred_at": "2025-02-08T00:00:00Z"}]},
        {"name": "Ben Two", "emails": ["ben@two.io"]},
        {"name": "Cy Three", "import_key": "csv:cy three:acme"},
    ]
    first = bulk(user, items)
    assert (first["created"], first["updated"], first["unchanged"], first["failed"]) == \
        (3, 0, 0, 0)
    assert [r["index"] for r in first["results"]] == [0, 1, 2]
    assert all(r["status"] == "created" and isinstance(r["id"], int) for r in first["results"])
    assert first["results"][0]["interactions_added"] == 1
    ann = user.get(f"/contacts/{first['results'][0]['id']}").get_json()
    assert ann["source"] == "import" and ann["last_touch_at"] == "2025-02-08T00:00:00Z"

    again = bulk(user, items)
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == \
        (0, 0, 3, 0)
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert all(r["interactions_added"] == 0 for r in again["results"])
    assert len(walk(user, "/contacts")) == 3
    assert len(user.get(f"/contacts/{ann['id']}/interactions").get_json()["items"]) == 1


def test_matching_order_url_then_email_then_import_key(user):
    by_url = make_contact(user, "By Url", url=li("match-url"), emails=["url@x.io"])
    by_email = make_contact(user, "By Email", emails=["Mail@X.io"])
    keyed = bulk(user, [{"name": "By Key", "import_key": "csv:by key:"}])["results"][0]["id"]
    res = bulk(user, [
        # URL wins over an e-mail that belongs to another contact.
        {"name": "By Url", "profiles": [{"url": "https://linkedin.com/in/MATCH-URL"}],
         "emails": ["mail@x.io"], "title": "T1"},
        {"name": "Someone", "emails": ["MAIL@x.io"], "title": "T2"},
        {"name": "By Key", "import_key": "csv:by key:", "title": "T3"},
        {"name": "By Key", "import_key": "vcard:by key:", "title": "T4"},
    ])
    ids = [r["id"] for r in res["results"]]
    assert ids[:3] == [by_url["id"], by_email["id"], keyed]
    assert [r["status"] for r in res["results"]] == ["updated", "updated", "updated", "created"]
    assert user.get(f"/contacts/{by_email['id']}").get_json()["title"] == "T2"
    assert user.get(f"/contacts/{by_email['id']}").get_json()["name"] == "Someone"


def test_mixed_good_and_bad_items(user):
    res = bulk(user, [
        {"name": "Good"},
        {"name": ""},
        {"name": "Bad URL", "profiles": [{"url": "javascript:alert(1)"}]},
        {"name": "Bad email", "emails": ["nope"]},
        {"name": "Unknown", "salary": 1},
        {"name": "Bad interaction", "interactions": [{"type": "email_sent"}]},
        {"name": "Good too", "profiles": [{"url": li()}]},
    ])
    assert res["created"] == 2 and res["failed"] == 5
    statuses = [r["status"] for r in res["results"]]
    assert statuses == ["created", "failed", "failed", "failed", "failed", "failed", "created"]
    for r in res["results"][1:6]:
        assert r["errors"] and r["id"] is None
    assert "name" in repr(res["results"][1]["errors"])
    assert "profiles" in repr(res["results"][2]["errors"])
    assert "emails" in repr(res["results"][3]["errors"])
    assert "salary" in repr(res["results"][4]["errors"])
    assert "interactions" in repr(res["results"][5]["errors"])
    assert {c["name"] for c in walk(user, "/contacts")} == {"Good", "Good too"}


def test_limits_and_shape(user):
    assert_error(user.post("/contacts/bulk", json={"items": [{"name": "x"}] * 1001}), 422,
                 "items")
    assert_error(user.post("/contacts/bulk", json={"items": []}), 422, "items")
    assert_error(user.post("/contacts/bulk", json={}), 422, "items")
    assert_error(user.post("/contacts/bulk", json={"items": {"name": "x"}}), 422, "items")
    assert_error(user.post("/contacts/bulk", json={"items": ["x"]}), 422, "items")
    assert_error(user.post("/contacts/bulk", json=[{"name": "x"}]), 422)
    assert user.get("/contacts").get_json()["items"] == []
    res = bulk(user, [{"name": f"P{i}", "profiles": [{"url": li(f"bulk-{i}")}]}
                      for i in range(1000)])
    assert res["created"] == 1000
    assert len(walk(user, "/contacts", limit=200)) == 1000


def test_interactions_dedup_by_external_id(user):
    url = li()
    ix = [{"type": "message_received", "occurred_at": f"2025-01-0{d}T10:00:00Z",
           "external_id": f"msg-{d}"} for d in (1, 2)]
    first = bulk(user, [{"name": "Chatty", "profiles": [{"url": url}], "interactions": ix}])
    assert first["results"][0]["interactions_added"] == 2
    more = ix + [{"type": "message_sent", "occurred_at": "2025-01-03T10:00:00Z",
                  "external_id": "msg-3"}, {"type": "message_sent",
                                            "occurred_at": "2025-01-03T10:00:00Z",
                                            "external_id": "msg-3"}]
    second = bulk(user, [{"name": "Chatty", "profiles": [{"url": url}], "interactions": more}])
    assert second["results"][0]["interactions_added"] == 1
    assert second["results"][0]["status"] == "updated"
    cid = first["results"][0]["id"]
    items = user.get(f"/contacts/{cid}/interactions").get_json()["items"]
    assert sorted(i["external_id"] for i in items) == ["msg-1", "msg-2", "msg-3"]


def test_dry_run_writes_nothing(user):
    existing = make_contact(user, "Exists", url=li("dry-exists"))
    res = bulk(user, [
        {"name": "New One", "profiles": [{"url": li("dry-new")}]},
        {"name": "Exists", "profiles": [{"url": li("dry-exists")}], "company": "NewCo",
         "interactions": [{"type": "email_sent", "occurred_at": "2025-01-01T00:00:00Z",
                           "external_id": "e1"}]},
        {"name": ""},
    ], dry_run="true")
    assert res["dry_run"] is True
    assert (res["created"], res["updated"], res["failed"]) == (1, 1, 1)
    assert res["results"][0]["id"] is None and res["results"][1]["id"] == existing["id"]
    assert [c["id"] for c in walk(user, "/contacts")] == [existing["id"]]
    got = user.get(f"/contacts/{existing['id']}").get_json()
    assert got["company"] is None
    assert user.get(f"/contacts/{existing['id']}/interactions").get_json()["items"] == []


def test_same_new_url_twice_in_one_batch_makes_one_contact(user):
    a, b = li(), li()
    res = bulk(user, [
        {"name": "Twice", "profiles": [{"url": a}]},
        {"name": "Twice", "profiles": [{"url": a}, {"url": b}], "emails": ["twice@x.io"]},
        {"name": "Twice", "profiles": [{"url": b}]},
        {"name": "Twice", "emails": ["TWICE@x.io"]},
    ])
    ids = {r["id"] for r in res["results"]}
    assert len(ids) == 1 and res["created"] == 1 and res["failed"] == 0
    assert len(walk(user, "/contacts")) == 1


def test_bulk_follows_merges(user):
    a = make_contact(user, "Keep", url=li())
    b = make_contact(user, "Fold", url=li())
    user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [b["id"]]})
    res = bulk(user, [{"name": "Fold", "profiles": [{"url": b["profiles"][0]["url"]}],
                       "title": "New"}])
    assert res["results"][0]["id"] == a["id"]


@pytest.mark.parametrize("query", ["dry_run=maybe"])
def test_bad_query(user, query):
    assert_error(user.post(f"/contacts/bulk?{query}", json={"items": [{"name": "x"}]}), 422,
                 "dry_run")
