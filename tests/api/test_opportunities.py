"""Opportunities: CRUD, linked contacts with roles, status validation (SPEC §2, §6)."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, make_contact, walk


def test_crud_with_linked_contacts(user):
    hm = make_contact(user, "Hannah Manager")
    rec = make_contact(user, "Rick Recruiter")
    r = user.post("/opportunities", json={
        "company": "Acme", "title": "Staff Engineer", "url": "https://acme.example/jobs/1",
        "status": "applied", "contacts": [{"contact_id": hm["id"], "role": "hiring_manager"},
                                          {"contact_id": rec["id"]}]})
    assert r.status_code == 201, r.get_json()
    o = r.get_json()
    assert o["company"] == "Acme" and o["status"] == "applied"
    links = {x["contact_id"]: x for x in o["contacts"]}
    assert links[hm["id"]] == {"contact_id": hm["id"], "role": "hiring_manager",
                               "name": "Hannah Manager"}
    assert links[rec["id"]]["role"] is None
    assert user.get(f"/opportunities/{o['id']}").get_json() == o
    assert user.get(f"/contacts/{hm['id']}").get_json()["tier"] == "A"

    p = user.patch(f"/opportunities/{o['id']}", json={"status": "interviewing",
                                                     "contacts": [{"contact_id": rec["id"],
                                                                   "role": "recruiter"}]})
    assert p.status_code == 200
    body = p.get_json()
    assert body["status"] == "interviewing"
    assert body["status_changed_at"] >= o["status_changed_at"]
    assert body["contacts"] == [{"contact_id": rec["id"], "role": "recruiter",
                                 "name": "Rick Recruiter"}]

    peer = make_contact(user, "Pia Peer")
    r = user.post(f"/opportunities/{o['id']}/contacts", json={"contact_id": peer["id"],
                                                              "role": "referrer"})
    assert r.status_code == 201
    assert {x["contact_id"] for x in r.get_json()["contacts"]} == {rec["id"], peer["id"]}
    # Linking again updates the role instead of duplicating the link.
    r = user.post(f"/opportunities/{o['id']}/contacts", json={"contact_id": peer["id"],
                                                              "role": "peer"})
    assert [x["role"] for x in r.get_json()["contacts"] if x["contact_id"] == peer["id"]] == \
        ["peer"]

    assert user.delete(f"/opportunities/{o['id']}").status_code == 204
    assert_error(user.get(f"/opportunities/{o['id']}"), 404)
    assert user.get(f"/contacts/{peer['id']}").status_code == 200  # contacts survive


def test_default_status_and_list(user):
    made = [user.post("/opportunities", json={"company": f"C{i}", "title": "T"}).get_json()
            for i in range(5)]
    assert made[0]["status"] == "targeting" and made[0]["contacts"] == []
    user.patch(f"/opportunities/{made[1]['id']}", json={"status": "offer"})
    items = walk(user, "/opportunities", limit=2)
    assert sorted(o["id"] for o in items) == sorted(o["id"] for o in made)
    assert len(items) == 5
    assert [o["id"] for o in walk(user, "/opportunities", status="offer")] == [made[1]["id"]]
    assert_error(user.get("/opportunities?status=won"), 422, "status")
    assert_error(user.get("/opportunities?cursor=zzz"), 422, "cursor")


@pytest.mark.parametrize("body, field", [
    ({"title": "T"}, "company"),
    ({"company": "C"}, "title"),
    ({"company": "", "title": "T"}, "company"),
    ({"company": "C" * 201, "title": "T"}, "company"),
    ({"company": "C", "title": "T", "status": "won"}, "status"),
    ({"company": "C", "title": "T", "status": None}, "status"),
    ({"company": "C", "title": "T", "url": "javascript:alert(1)"}, "url"),
    ({"company": "C", "title": "T", "contacts": [{"contact_id": "1"}]}, "contacts"),
    ({"company": "C", "title": "T", "contacts": [{"contact_id": 2147483647}]}, "contacts"),
    ({"company": "C", "title": "T", "contacts": [{"contact_id": 10**20}]}, "contacts"),
    ({"company": "C", "title": "T", "contacts": [{"contact_id": 1, "role": "boss"}]},
     "contacts"),
    ({"company": "C", "title": "T", "contacts": {"contact_id": 1}}, "contacts"),
    ({"company": "C", "title": "T", "salary": 100}, "salary"),
])
def test_validation(user, body, field):
    assert_error(user.post("/opportunities", json=body), 422, field)
    assert user.get("/opportunities").get_json()["items"] == []


def test_patch_and_link_validation(user):
    o = user.post("/opportunities", json={"company": "C", "title": "T"}).get_json()
    assert_error(user.patch(f"/opportunities/{o['id']}", json={"status": "done"}), 422, "status")
    assert_error(user.patch(f"/opportunities/{o['id']}", json={"company": None}), 422, "company")
    assert_error(user.post(f"/opportunities/{o['id']}/contacts", json={}), 422, "contact_id")
    assert_error(user.post(f"/opportunities/{o['id']}/contacts",
                           json={"contact_id": 2147483647}), 422)
    assert_error(user.post("/opportunities/2147483647/contacts", json={"contact_id": 1}), 404)
    assert user.get(f"/opportunities/{o['id']}").get_json() == o


def test_interaction_can_reference_an_opportunity(user):
    c = make_contact(user, "Ref")
    o = user.post("/opportunities", json={"company": "C", "title": "T"}).get_json()
    r = user.post(f"/contacts/{c['id']}/interactions",
                  json={"type": "interview", "opportunity_id": o["id"]})
    assert r.status_code == 201 and r.get_json()["opportunity_id"] == o["id"]
    # Deleting the opportunity keeps the interaction, unlinked.
    user.delete(f"/opportunities/{o['id']}")
    assert user.get(f"/interactions/{r.get_json()['id']}").get_json()["opportunity_id"] is None
