"""Today's suggestions read in the mail (§12): Accept logs what they say, Ignore drops them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from server.extensions import db
from server.models import Suggestion
from tests.web.conftest import Pages, WebUser, unique


def _suggest(live_server, account: WebUser, contact: int, evidence: str,
             value: dict) -> int:
    source = account.api.post(f"/contacts/{contact}/interactions", json={
        "type": "message_received",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat()}).get_json()["id"]
    with live_server.app.app_context():
        row = Suggestion(user_id=account.api.id, contact_id=contact, kind=value["type"][:16],
                         source_interaction_id=source, evidence=evidence, value=value,
                         confidence=0.9)
        db.session.add(row)
        db.session.commit()
        return row.id


def test_accept_logs_the_suggestion_and_ignore_drops_it(signed_in: Pages, account: WebUser,
                                                        live_server):
    name = unique("Mia Mailer")
    contact = account.api.post("/contacts", json={"name": name}).get_json()["id"]
    when = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0).isoformat()
    accepted = _suggest(live_server, account, contact, "We went with another candidate.",
                        {"type": "no_received", "final": False, "occurred_at": when,
                         "notes": "We went with another candidate."})
    ignored = _suggest(live_server, account, contact, "Let's talk next week.",
                       {"type": "promise_made", "occurred_at": when,
                        "promise": {"kind": "wait_days", "days": 7}})
    page = signed_in.page
    signed_in.goto("/")
    section = page.get_by_role("region", name="Read in your mail")
    first = section.get_by_role("article").filter(has_text="another candidate")
    first.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("another candidate")).to_have_count(0)
    types = [i["type"] for i in
             account.api.get(f"/contacts/{contact}/interactions").get_json()["items"]]
    assert "no_received" in types
    page.get_by_role("region", name="Read in your mail").get_by_role("article") \
        .filter(has_text="next week").get_by_role("button", name="Ignore").click()
    expect(page.get_by_role("region", name="Read in your mail")).to_have_count(0)
    with live_server.app.app_context():
        assert db.session.get(Suggestion, accepted).state == "accepted"
        assert db.session.get(Suggestion, ignored).state == "rejected"
    signed_in.check()
