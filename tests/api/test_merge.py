"""Merge suggestions and merges (SPEC §3)."""

from __future__ import annotations

from tests.api.helpers import assert_error, li, make_contact, walk


def suggested_pairs(user):
    r = user.get("/merge-suggestions")
    assert r.status_code == 200
    return {tuple(s["contact_ids"]): s for s in r.get_json()["items"]}


def test_suggestions_by_email_phone_and_similar_name(user):
    a = make_contact(user, "Erin Mail", emails=["erin@corp.io"])
    b = make_contact(user, "E. M.", emails=["ERIN@corp.io"])
    c = make_contact(user, "Phil Phone", phones=["+1 415 555 0199"])
    d = make_contact(user, "Other Person", phones=["+14155550199"])
    e = make_contact(user, "Jonathan Smith", company="Initech")
    f = make_contact(user, "Jonathon Smith", company="initech")
    g = make_contact(user, "Jonathan Smith", company="Globex")   # other company
    h = make_contact(user, "Totally Different", company="Initech")
    pairs = suggested_pairs(user)
    assert (a["id"], b["id"]) in pairs and "mail" in " ".join(pairs[(a["id"], b["id"])]["reasons"])
    assert (c["id"], d["id"]) in pairs and "phone" in " ".join(pairs[(c["id"], d["id"])]["reasons"])
    assert (e["id"], f["id"]) in pairs
    assert (e["id"], g["id"]) not in pairs and (f["id"], g["id"]) not in pairs
    assert not any(h["id"] in p for p in pairs)
    s = pairs[(e["id"], f["id"])]
    assert [c["id"] for c in s["contacts"]] == [e["id"], f["id"]]
    # Nothing is merged silently.
    assert len(walk(user, "/contacts")) == 8


def test_merge_unions_everything_and_archives_the_other(user):
    keep_url, fold_url = li(), "https://github.com/fold-me"
    keep = make_contact(user, "Dana Keep", url=keep_url, emails=["dana@a.io"], tags=["x"],
                        notes="first")
    fold = make_contact(user, "Dana K.", url=fold_url, emails=["dana@b.io"], tags=["y"],
                        company="Acme", notes="second", phones=["+14155550100"])
    fold2 = make_contact(user, "Dana Third", emails=["dana@a.io"])
    user.post(f"/contacts/{keep['id']}/interactions",
              json={"type": "email_sent", "occurred_at": "2025-01-01T00:00:00Z",
                    "external_id": "dup"})
    user.post(f"/contacts/{fold['id']}/interactions",
              json={"type": "reply_received", "occurred_at": "2025-01-05T00:00:00Z"})
    user.post(f"/contacts/{fold['id']}/interactions",
              json={"type": "email_sent", "occurred_at": "2025-01-01T00:00:00Z",
                    "external_id": "dup"})
    opp = user.post("/opportunities", json={"company": "Acme", "title": "T",
                                            "contacts": [{"contact_id": fold["id"]}]}).get_json()

    r = user.post(f"/contacts/{keep['id']}/merge", json={"other_ids": [fold["id"], fold2["id"]]})
    assert r.status_code == 200, r.get_json()
    m = r.get_json()
    assert m["id"] == keep["id"] and m["name"] == "Dana Keep"
    assert {p["url"] for p in m["profiles"]} == {keep_url, fold_url,
                                                   fold2["profiles"][0]["url"]}
    assert m["emails"] == ["dana@a.io", "dana@b.io"]
    assert m["tags"] == ["x", "y"] and m["company"] == "Acme"
    assert m["phones"] == ["+14155550100"]
    assert "first" in m["notes"] and "second" in m["notes"]
    assert m["last_touch_at"] == "2025-01-05T00:00:00Z"
    items = user.get(f"/contacts/{keep['id']}/interactions").get_json()["items"]
    assert sorted(i["type"] for i in items) == ["email_sent", "reply_received"]

    gone = user.get(f"/contacts/{fold['id']}").get_json()
    assert gone["archived"] is True and gone["merged_into_id"] == keep["id"]
    assert gone["profiles"] == []
    assert user.get(f"/contacts/{fold['id']}/interactions").get_json()["items"] == []
    assert user.get("/contacts/lookup", query_string={"url": fold_url}).get_json()["id"] == \
        keep["id"]
    assert [c["id"] for c in walk(user, "/contacts")] == [keep["id"]]
    assert walk(user, "/contacts", archived="true") == []  # merged ones are not listed
    assert [c["contact_id"] for c in user.get(f"/opportunities/{opp['id']}")
            .get_json()["contacts"]] == [keep["id"]]
    # Saving the folded contact's URL again updates the survivor.
    again = user.post("/contacts", json={"name": "Dana K.", "profiles": [{"url": fold_url}]})
    assert again.status_code == 200 and again.get_json()["id"] == keep["id"]
    assert suggested_pairs(user) == {}


def test_merge_validation(user):
    a, b = make_contact(user, "A"), make_contact(user, "B")
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [a["id"]]}), 422,
                 "other_ids")
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": []}), 422,
                 "other_ids")
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={}), 422, "other_ids")
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": ["x"]}), 422)
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [10**20]}), 422)
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [2147483647]}),
                 404)
    assert user.post(f"/contacts/{a['id']}/merge", json={"other_id": b["id"]}).status_code == 200
    assert_error(user.post(f"/contacts/{a['id']}/merge", json={"other_ids": [b["id"]]}), 422)
    assert_error(user.post(f"/contacts/{b['id']}/merge", json={"other_ids": [a["id"]]}), 409)
