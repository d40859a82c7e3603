"""A user's small world built over the API, so that ids of every kind exist (no tests here)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from tests.conftest import ApiUser, new_user


def _ok(r: Any, *codes: int) -> dict[str, Any]:
    assert r.status_code in (codes or (200, 201)), (r.status_code, r.get_data(as_text=True))
    return r.get_json()


def _iso(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()


@dataclass
class World:
    """One user and the ids of what they own, by kind (the names of the id path parameters)."""

    user: ApiUser
    ids: dict[str, list[int]] = field(default_factory=dict)
    own_token_id: int = 0  # the token the requests are signed with

    def add(self, kind: str, ident: int) -> int:
        self.ids.setdefault(kind, []).append(ident)
        return ident


def make_contact(user: ApiUser, name: str = "Dana Reyes", **fields: Any) -> dict[str, Any]:
    slug = f"{name.split()[0].lower()}-{secrets.token_hex(4)}"
    body = {"name": name, "emails": [f"{slug}@example.com"], "company": "Acme",
            "profiles": [{"url": f"https://linkedin.com/in/{slug}"}], **fields}
    return _ok(user.post("/contacts", json=body), 201)


def make_nudged_contact(user: ApiUser, world: World | None = None) -> dict[str, int]:
    """A contact, an opportunity it is linked to, two interactions and a due nudge."""
    # Nudges follow the user's settings, which a fuzzer may have changed (paused, weekends).
    _ok(user.patch("/me", json={"nudges_paused": False, "weekend": []}))
    contact = make_contact(user, "Dana Reyes", tags=["recruiter"], notes="Met at a meetup")
    cid = contact["id"]
    opp = _ok(user.post("/opportunities", json={
        "company": "Acme", "title": "Staff Engineer", "status": "interviewing",
        "url": f"https://acme.example/jobs/{secrets.token_hex(6)}", "contacts": [{"contact_id": cid,
                                                             "role": "recruiter"}]}), 201)
    sent = _ok(user.post(f"/contacts/{cid}/interactions", json={
        "type": "email_sent", "occurred_at": _iso(6), "opportunity_id": opp["id"],
        "notes": "Sent my CV"}), 201)
    promise = _ok(user.post(f"/contacts/{cid}/interactions", json={
        "type": "promise_made", "occurred_at": _iso(3),
        "promise": {"kind": "wait_days", "days": 1}}), 201)
    nudges = _ok(user.get("/nudges", query_string={"contact_id": cid, "state": "all"}))
    live = [n["id"] for n in nudges["items"] if n["state"] in ("due", "scheduled", "snoozed")]
    assert live, nudges
    found = {"contact_id": cid, "opportunity_id": opp["id"], "interaction_id": promise["id"],
             "nudge_id": live[0]}
    if world is not None:
        for kind, ident in found.items():
            world.add(kind, ident)
        world.add("interaction_id", sent["id"])
    return found


def build_world(app: Flask, *, groups: int = 2) -> World:
    user = new_user(app)
    world = World(user)
    tokens = _ok(user.get("/tokens"))["items"]
    world.own_token_id = tokens[0]["id"]
    for _ in range(groups):
        make_nudged_contact(user, world)
    world.add("contact_id", make_contact(user, "Lee Park", phones=["+14155550123"])["id"])
    # A second token, so revoking one by id never revokes the one the requests use.
    world.add("token_id", _ok(user.post("/tokens", json={"name": "spare"}), 201)["id"])
    return world
