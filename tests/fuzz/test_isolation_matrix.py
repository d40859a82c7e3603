"""Every id route, every method: another user's object answers 404 and stays untouched (§6).

The routes come from ``app.url_map``, so a new id route is in the matrix the day it is added;
one whose id parameter or body this file does not know fails the test until it is added here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flask import Flask

from tests.conftest import ApiUser, new_user
from tests.fuzz.world import make_contact, make_nudged_contact

SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})

# A valid body for each write, so that only the foreign id can be what is wrong with it
# (a 422 for a bad body would hide a missing ownership check). Values that name objects
# name B's own: "{b_contact}" is replaced by B's contact id.
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/contacts/<id:contact_id>"): {"name": "pwned", "notes": "pwned"},
    ("POST", "/api/v1/contacts/<id:contact_id>/merge"): {"other_ids": ["{b_contact}"]},
    ("POST", "/api/v1/contacts/<id:contact_id>/interactions"): {"type": "call",
                                                                 "notes": "pwned"},
    ("PATCH", "/api/v1/interactions/<id:interaction_id>"): {"notes": "pwned"},
    ("PATCH", "/api/v1/opportunities/<id:opportunity_id>"): {"status": "closed_lost"},
    ("POST", "/api/v1/opportunities/<id:opportunity_id>/contacts"): {
        "contact_id": "{b_contact}", "role": "recruiter"},
    ("POST", "/api/v1/nudges/<id:nudge_id>/complete"): {
        "interaction": {"type": "call", "notes": "pwned"}},
    ("POST", "/api/v1/nudges/<id:nudge_id>/snooze"): {"preset": "3h"},
    ("POST", "/api/v1/nudges/<id:nudge_id>/dismiss"): {"reason": "not_relevant"},
    ("POST", "/api/v1/suggestions/<id:suggestion_id>/accept"): {},
    ("POST", "/api/v1/suggestions/<id:suggestion_id>/reject"): {},
}
# Writes without a body: the method alone says what to do.
NO_BODY = frozenset({"GET", "DELETE"})


def id_routes(app: Flask) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, rule, id argument names) for every route of the app that takes an id (a
    file name, as the API docs' own assets take, is not an id)."""
    found = []
    for rule in app.url_map.iter_rules():
        # The web app's pages (session, not token) have their matrix in tests/web.
        if not rule.arguments or not rule.rule.startswith("/api/") or not all(
                name.endswith("_id") for name in rule.arguments):
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            found.append((method, rule.rule, tuple(sorted(rule.arguments))))
    return sorted(found)


def _fill(value: Any, b_ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, b_ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, b_ids) for v in value]
    if value == "{b_contact}":
        return b_ids["contact_id"]
    return value


def _export(user: ApiUser) -> str:
    r = user.get("/me/export")
    assert r.status_code == 200, r.get_data(as_text=True)
    data = r.get_json()
    for token in data["tokens"]:
        token["last_used_at"] = None  # the export request itself uses the token
    return json.dumps(data, sort_keys=True)


def _suggestion(user: ApiUser) -> int:
    """A pending suggestion: a message from a known contact that promises a call."""
    contact = user.get("/contacts").get_json()["items"][0]
    raw = (f"From: {contact['name']} <{contact['emails'][0]}>\r\nTo: me@example.com\r\n"
           "Subject: Next steps\r\nDate: Tue, 04 Mar 2025 10:00:00 +0000\r\n"
           f"Message-ID: <matrix-{user.id}@example.com>\r\n\r\n"
           "Thanks for your time today. I'll call you on Friday at 3pm.\r\n").encode()
    r = user.post("/me/mail/messages", json={
        "messages": [base64.b64encode(raw).decode()], "me": ["me@example.com"]})
    assert r.status_code == 200, r.get_json()
    found = user.get("/suggestions").get_json()["items"]
    assert found, "the message made no suggestion"
    return found[0]["id"]


def _owned(user: ApiUser) -> dict[str, int]:
    ids = make_nudged_contact(user)
    spare = user.post("/tokens", json={"name": "spare"})
    assert spare.status_code == 201
    return {**ids, "token_id": spare.get_json()["id"], "suggestion_id": _suggestion(user)}


def test_the_matrix_covers_every_kind_of_id(app: Flask) -> None:
    kinds = {name for _method, _rule, names in id_routes(app) for name in names}
    assert kinds == {"contact_id", "interaction_id", "opportunity_id", "nudge_id", "token_id",
                     "suggestion_id"}, (
        "a route takes an id this matrix does not know: give user A one in _owned()")


def test_another_users_object_is_404_on_every_id_route(app: Flask) -> None:
    a, b = new_user(app), new_user(app)
    a_ids = _owned(a)
    b_ids = {"contact_id": make_contact(b, "Bob Own")["id"]}
    before = _export(a)
    wrong = []
    for method, rule, names in id_routes(app):
        missing = [n for n in names if n not in a_ids]
        assert not missing, f"{method} {rule}: no object of A for {missing}"
        path = rule
        for name in names:
            path = path.replace(f"<id:{name}>", str(a_ids[name]))
        assert "<" not in path, f"{method} {rule}: an argument that is not an <id:…>"
        kwargs: dict[str, Any] = {}
        if method not in NO_BODY:
            assert (method, rule) in BODIES, f"{method} {rule}: add a valid body to BODIES"
            kwargs["json"] = _fill(BODIES[(method, rule)], b_ids)
        r = b._call(method.lower(), path, **kwargs)
        body = r.get_json(silent=True) or {}
        if r.status_code != 404 or body.get("code") != 404:
            wrong.append((method, rule, r.status_code, r.get_data(as_text=True)[:200]))
    assert not wrong, "\n".join(map(repr, wrong))
    assert _export(a) == before


@pytest.mark.parametrize("kind", ["contact_id", "nudge_id"])
def test_the_matrix_would_notice_a_leak(app: Flask, kind: str) -> None:
    """The same requests by the owner do reach the object: the 404s above are about B."""
    a = new_user(app)
    ids = _owned(a)
    path = f"/contacts/{ids[kind]}" if kind == "contact_id" else f"/nudges/{ids[kind]}"
    assert a.get(path).status_code == 200
