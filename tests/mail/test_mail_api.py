"""The mail API's edges without a mail server: validation, isolation, .mbox uploads."""

from __future__ import annotations

import base64

from flask import Flask

from tests.conftest import new_user
from tests.mail.build import raw_message

DATE = "Tue, 04 Mar 2025 09:00:00 +0000"


def test_settings_are_validated_before_any_connection(mail_app: Flask):
    api = new_user(mail_app)
    base = {"host": "127.0.0.1", "port": 993, "security": "ssl", "username": "u",
            "password": "p"}
    for bad in ({**base, "security": "tls"}, {**base, "port": 0}, {**base, "extra": 1},
                {k: v for k, v in base.items() if k != "password"},
                {**base, "host": "bad host/with spaces"}, {**base, "port": "993"}):
        response = api.put("/me/mail", json=bad)
        assert response.status_code == 422, bad
    assert api.get("/me/mail").status_code == 404
    assert api.post("/me/mail/sync").status_code == 404
    assert api.delete("/me/mail").status_code == 404


def test_suggestions_are_private_and_paginated(mail_app: Flask):
    owner, other = new_user(mail_app), new_user(mail_app)
    owner.post("/contacts", json={"name": "Rita", "emails": ["rita@acme.example"]})
    raws = [base64.b64encode(raw_message(
        f"<s{n}@acme.example>", "rita@acme.example", owner.email, DATE,
        "You will hear from us by Friday.")).decode() for n in range(3)]
    counts = owner.post("/me/mail/messages", json={"messages": raws}).get_json()
    assert counts == {"messages_read": 3, "interactions_added": 3, "suggestions_added": 3}

    first = owner.get("/suggestions?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"]
    rest = owner.get(f"/suggestions?limit=2&cursor={first['next']}").get_json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    assert owner.get("/suggestions?cursor=bm9wZQ").status_code == 422

    target = first["items"][0]["id"]
    assert other.get("/suggestions").get_json()["items"] == []
    assert other.post(f"/suggestions/{target}/accept").status_code == 404
    assert other.post(f"/suggestions/{target}/reject").status_code == 404
    assert owner.post(f"/suggestions/{target}/reject").status_code == 200
    assert owner.post(f"/suggestions/{target}/accept").status_code == 409


def test_uploads_must_be_base64(mail_app: Flask):
    api = new_user(mail_app)
    response = api.post("/me/mail/messages", json={"messages": ["not base64 !"]})
    assert response.status_code == 422
    assert "messages" in response.get_json()["errors"]["json"]
