"""Every web route that takes an id, every method: another user's object is a 404 page and
stays untouched (the API's matrix is tests/fuzz/test_isolation_matrix.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask, url_for

from server.extensions import db
from server.models import Suggestion
from tests.web.conftest import PASSWORD, web_user

# Valid values for the arguments that are not ids, per endpoint.
ACTIONS = {"web.nudge_action": ["done", "snooze", "dismiss"],
           "web.opportunity_action": ["contacts", "interview", "promise", "no", "followup"],
           "web.suggestion_action": ["accept", "ignore"]}
PREFIXES = ("", "add-", "iv-", "pr-", "no-", "fu-", "log-", "edit-", "m-", "p-", "r-", "t-")


class _Server:
    def __init__(self, app: Flask) -> None:
        self.app = app


def _owned(app: Flask, who) -> dict[str, int]:
    api = who.api
    contact = api.post("/contacts", json={"name": "Alice Own", "role": "recruiter"}).get_json()
    other = api.post("/contacts", json={"name": "Alice Other"}).get_json()
    opp = api.post("/opportunities", json={
        "company": "A Co", "title": "A job", "status": "applied",
        "contacts": [{"contact_id": contact["id"], "role": "recruiter"}]}).get_json()
    sent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    interaction = api.post(f"/contacts/{contact['id']}/interactions",
                           json={"type": "email_sent", "occurred_at": sent}).get_json()
    nudge = api.get("/nudges", query_string={"state": "all"}).get_json()["items"][0]
    token = api.post("/tokens", json={"name": "spare"}).get_json()
    with app.app_context():
        row = Suggestion(user_id=api.id, contact_id=contact["id"], kind="no",
                         source_interaction_id=interaction["id"], evidence="no",
                         value={"type": "no_received", "occurred_at": sent}, confidence=1.0)
        db.session.add(row)
        db.session.commit()
        suggestion = row.id
    return {"contact_id": contact["id"], "other_id": other["id"], "opportunity_id": opp["id"],
            "interaction_id": interaction["id"], "nudge_id": nudge["id"],
            "token_id": token["id"], "suggestion_id": suggestion}


def test_another_users_ids_are_404_on_every_web_route(sqlite_app: Flask):
    a, b = web_user(_Server(sqlite_app)), web_user(_Server(sqlite_app))  # type: ignore[arg-type]
    ids = _owned(sqlite_app, a)
    before = a.api.get("/me/export").get_json()
    client = sqlite_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/sign-in").get_data(as_text=True)).group(1)
    assert client.post("/sign-in", data={"csrf_token": token, "email": b.email,
                                         "password": PASSWORD}).status_code == 302
    form = {f"{prefix}csrf_token": token for prefix in PREFIXES}
    checked, wrong = 0, []
    for rule in sqlite_app.url_map.iter_rules():
        if not rule.endpoint.startswith("web.") or not any(
                name.endswith("_id") for name in rule.arguments):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for action in ACTIONS.get(rule.endpoint, [None]):
                values = {name: ids[name] for name in rule.arguments if name != "action"}
                if action is not None:
                    values["action"] = action
                if rule.endpoint == "web.merge":  # B's own contact, A's as the other
                    values["contact_id"] = b.api.post(
                        "/contacts", json={"name": "Bob Own"}).get_json()["id"]
                with sqlite_app.test_request_context():
                    path = url_for(rule.endpoint, **values)
                answer = client.open(path, method=method, data=form)
                checked += 1
                if answer.status_code != 404:
                    wrong.append((method, path, answer.status_code))
    assert checked >= 12
    assert not wrong, wrong
    after = a.api.get("/me/export").get_json()
    for data in (before, after):
        for t in data["tokens"]:
            t["last_used_at"] = None
    assert after == before
