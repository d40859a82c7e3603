"""Another user's objects answer 404 (never 403) and nothing of theirs changes (SPEC §6)."""

from __future__ import annotations

from tests.api.helpers import assert_error, make_contact, same_contact, walk


def test_user_b_cannot_see_or_touch_user_a(make_user):
    a, b = make_user(), make_user()
    ca = make_contact(a, "Alice's Contact", company="SecretCo", emails=["shared@x.io"],
                      phones=["+14155550123"])
    ca2 = make_contact(a, "Alice Two")
    ia = a.post(f"/contacts/{ca['id']}/interactions",
                json={"type": "reply_received", "external_id": "m1"}).get_json()
    oa = a.post("/opportunities", json={"company": "SecretCo", "title": "CTO",
                                        "contacts": [{"contact_id": ca["id"]}]}).get_json()
    ta = a.post("/tokens", json={"name": "a-extra"}).get_json()
    cb = make_contact(b, "Bob's Contact", emails=["shared@x.io"], phones=["+14155550123"])
    ob = b.post("/opportunities", json={"company": "B", "title": "B"}).get_json()
    url = ca["profiles"][0]["url"]

    # Reads
    for path in (f"/contacts/{ca['id']}", f"/contacts/{ca['id']}/interactions",
                 f"/contacts/{ca['id']}/warmth", f"/interactions/{ia['id']}",
                 f"/opportunities/{oa['id']}"):
        body = assert_error(b.get(path), 404)
        assert "SecretCo" not in repr(body)
    assert_error(b.get("/contacts/lookup", query_string={"url": url}), 404)

    # Lists never show A's data
    assert [c["id"] for c in walk(b, "/contacts")] == [cb["id"]]
    assert [c["id"] for c in walk(b, "/contacts", q="SecretCo")] == []
    assert [o["id"] for o in walk(b, "/opportunities")] == [ob["id"]]
    assert all(t["name"] != "a-extra" for t in b.get("/tokens").get_json()["items"])
    suggestions = b.get("/merge-suggestions").get_json()["items"]
    assert all(ca["id"] not in s["contact_ids"] for s in suggestions)
    assert "SecretCo" not in b.get("/me/export").get_data(as_text=True)

    # Writes
    assert_error(b.patch(f"/contacts/{ca['id']}", json={"name": "pwned"}), 404)
    assert_error(b.delete(f"/contacts/{ca['id']}"), 404)
    assert_error(b.post(f"/contacts/{ca['id']}/interactions", json={"type": "call"}), 404)
    assert_error(b.patch(f"/interactions/{ia['id']}", json={"notes": "pwned"}), 404)
    assert_error(b.delete(f"/interactions/{ia['id']}"), 404)
    assert_error(b.patch(f"/opportunities/{oa['id']}", json={"status": "closed_lost"}), 404)
    assert_error(b.delete(f"/opportunities/{oa['id']}"), 404)
    assert_error(b.post(f"/opportunities/{oa['id']}/contacts", json={"contact_id": cb["id"]}),
                 404)
    assert_error(b.delete(f"/tokens/{ta['id']}"), 404)
    assert_error(b.post(f"/contacts/{ca['id']}/merge", json={"other_ids": [cb["id"]]}), 404)
    assert_error(b.post(f"/contacts/{cb['id']}/merge", json={"other_ids": [ca["id"]]}), 404)
    # References to A's objects from B's own are invalid, and say nothing of A's.
    assert_error(b.post(f"/contacts/{cb['id']}/interactions",
                        json={"type": "call", "opportunity_id": oa["id"]}), 422,
                 "opportunity_id")
    assert_error(b.post(f"/opportunities/{ob['id']}/contacts", json={"contact_id": ca["id"]}),
                 422)
    assert_error(b.post("/opportunities", json={"company": "B", "title": "T",
                                               "contacts": [{"contact_id": ca["id"]}]}), 422)
    assert_error(b.patch(f"/opportunities/{ob['id']}",
                         json={"contacts": [{"contact_id": ca["id"]}]}), 422)
    # Saving the same URL makes B's own contact; A's is not updated.
    r = b.post("/contacts", json={"name": "B's copy", "company": "Other",
                                  "profiles": [{"url": url}]})
    assert r.status_code == 201 and r.get_json()["id"] != ca["id"]
    bulk = b.post("/contacts/bulk", json={"items": [
        {"name": "Bulk copy", "profiles": [{"url": url}], "company": "Bulk"},
        {"name": "By email", "emails": ["shared@x.io"], "notes": "b-only"}]}).get_json()
    assert {x["id"] for x in bulk["results"]}.isdisjoint({ca["id"], ca2["id"]})

    # A's data is intact
    assert same_contact(a.get(f"/contacts/{ca['id']}").get_json(), {
        **ca, "updated_at": a.get(f"/contacts/{ca['id']}").get_json()["updated_at"],
        "last_touch_at": ia["occurred_at"], "tier": "A"})
    got = a.get(f"/contacts/{ca['id']}").get_json()
    assert got["name"] == "Alice's Contact" and got["company"] == "SecretCo"
    assert got["notes"] is None and not got["archived"]
    assert a.get(f"/interactions/{ia['id']}").get_json() == {
        k: v for k, v in ia.items() if k not in ("opportunity_attached", "opportunity_choices")}
    assert a.get(f"/opportunities/{oa['id']}").get_json()["status"] == "targeting"
    assert len(a.get(f"/opportunities/{oa['id']}").get_json()["contacts"]) == 1
    assert a.get(f"/contacts/{ca2['id']}").status_code == 200
    assert a.get("/me", headers={"Authorization": f"Bearer {ta['token']}"}).status_code == 200
    assert a.get("/contacts/lookup", query_string={"url": url}).get_json()["id"] == ca["id"]
