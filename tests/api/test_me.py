"""GET|PATCH|DELETE /me and GET /me/export (SPEC §2, §6)."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import assert_error, make_contact


def test_defaults(user):
    r = user.get("/me")
    assert r.status_code == 200
    me = r.get_json()
    assert me["id"] == user.id and me["email"] == user.email
    assert me["timezone"] == "UTC"
    assert me["wake_window"] == {"start": "08:00", "end": "21:00"}
    assert me["preferred_time"] == "10:00"
    assert me["weekend"] == ["sat", "sun"]
    assert me["nudges_paused"] is False
    assert me["calendar_url"].startswith("http")
    assert "/api/v1/nudges.ics?feed=" in me["calendar_url"]
    assert user.get("/me").get_json()["calendar_url"] == me["calendar_url"]


def test_patch_every_setting(user):
    r = user.patch("/me", json={"timezone": "Europe/Berlin", "wake_window": "07:30-22:00",
                                "weekend": ["Friday", "sat"], "preferred_time": "09:15",
                                "nudges_paused": True, "display_name": "<b>Sam</b>"})
    assert r.status_code == 200, r.get_json()
    me = r.get_json()
    assert me["timezone"] == "Europe/Berlin"
    assert me["wake_window"] == {"start": "07:30", "end": "22:00"}
    assert me["weekend"] == ["fri", "sat"]
    assert me["preferred_time"] == "09:15" and me["nudges_paused"] is True
    assert me["display_name"] == "<b>Sam</b>"
    assert user.get("/me").get_json() == me

    r = user.patch("/me", json={"wake_window": {"start": "06:00", "end": "20:00"},
                                "weekend": [7]})
    assert r.get_json()["wake_window"] == {"start": "06:00", "end": "20:00"}
    assert r.get_json()["weekend"] == ["sun"]
    assert r.get_json()["timezone"] == "Europe/Berlin"  # untouched
    assert user.patch("/me", json={"weekend": []}).get_json()["weekend"] == []
    spelled = user.patch("/me", json={"weekend": ["Thurs", " WEDS ", "tues", "Sunday"]})
    assert spelled.get_json()["weekend"] == ["tue", "wed", "thu", "sun"]  # stored in order


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Mars/Base"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"timezone": 1}, "timezone"),
    ({"wake_window": "8-21"}, "wake_window"),
    ({"wake_window": "21:00-08:00"}, "wake_window"),
    ({"wake_window": "08:00"}, "wake_window"),
    ({"wake_window": {"start": "08:00"}}, "wake_window"),
    ({"wake_window": {"start": "25:00", "end": "26:00"}}, "wake_window"),
    ({"wake_window": 8}, "wake_window"),
    ({"wake_window": ["08:00", "21:00"]}, "wake_window"),
    ({"preferred_time": "10am"}, "preferred_time"),
    ({"preferred_time": "24:00"}, "preferred_time"),
    ({"weekend": ["funday"]}, "weekend"),
    ({"weekend": ["satisfied"]}, "weekend"),
    ({"weekend": ["su"]}, "weekend"),
    ({"weekend": ["sundays"]}, "weekend"),
    ({"weekend": [0]}, "weekend"),
    ({"weekend": [True]}, "weekend"),
    ({"weekend": "sat"}, "weekend"),
    ({"weekend": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}, "weekend"),
    ({"nudges_paused": "true"}, "nudges_paused"),
    ({"nudges_paused": 0}, "nudges_paused"),
    ({"display_name": "x" * 201}, "display_name"),
    ({"email": "new@example.com"}, "email"),
    ({"id": 9}, "id"),
])
def test_patch_validation(user, body, field):
    before = user.get("/me").get_json()
    assert_error(user.patch("/me", json=body), 422, field)
    assert user.get("/me").get_json() == before


def test_export_contains_only_this_users_data(make_user):
    a, b = make_user(), make_user()
    ca = make_contact(a, "Alice Contact", emails=["alice.c@example.com"])
    make_contact(b, "Bob Contact", emails=["bob.c@example.com"])
    a.post(f"/contacts/{ca['id']}/interactions", json={"type": "email_sent", "notes": "hi A"})
    a.post("/opportunities", json={"company": "A-Corp", "title": "Dev",
                                   "contacts": [{"contact_id": ca["id"]}]})
    r = a.get("/me/export")
    assert r.status_code == 200
    data = r.get_json()
    text = json.dumps(data)
    assert data["user"]["email"] == a.email
    assert [c["name"] for c in data["contacts"]] == ["Alice Contact"]
    assert [i["notes"] for i in data["interactions"]] == ["hi A"]
    assert [o["company"] for o in data["opportunities"]] == ["A-Corp"]
    assert "Bob Contact" not in text and b.email not in text and "bob.c@" not in text
    assert a.token not in text  # tokens are listed, never their secret


def test_delete_me_erases_everything_and_spares_others(app, make_user):
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import ApiToken, Contact, Interaction, Opportunity, Profile

    a, b = make_user(), make_user()
    a_contacts = [make_contact(a, f"A{i}") for i in range(3)]
    b_contact = make_contact(b, "B0")
    for c in a_contacts:
        a.post(f"/contacts/{c['id']}/interactions", json={"type": "call"})
    b.post(f"/contacts/{b_contact['id']}/interactions", json={"type": "call"})
    a.post("/opportunities", json={"company": "X", "title": "Y",
                                   "contacts": [{"contact_id": a_contacts[0]["id"]}]})
    a.post(f"/contacts/{a_contacts[0]['id']}/merge", json={"other_ids": [a_contacts[1]["id"]]})
    a.post("/tokens", json={"name": "second"})

    assert a.delete("/me").status_code == 204
    assert_error(a.get("/me"), 401)
    assert_error(a.get("/contacts"), 401)
    with app.app_context():
        for model in (Contact, Interaction, Opportunity, Profile, ApiToken):
            assert db.session.scalar(select(func.count()).select_from(model)
                                     .where(model.user_id == a.id)) == 0
    assert b.get(f"/contacts/{b_contact['id']}").status_code == 200
    assert len(b.get(f"/contacts/{b_contact['id']}/interactions").get_json()["items"]) == 1
    assert b.get("/me").get_json()["email"] == b.email
