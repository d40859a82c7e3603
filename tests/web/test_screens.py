"""Every page at desktop and phone width (390 px): no serious or critical axe violation, no
sideways scrolling on the phone, and a screenshot (docs/screenshots/ with
THRICE_SCREENSHOTS=1, which is how the README's pictures are made)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.web.conftest import Pages, WebUser, web_user

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _seed(account: WebUser) -> dict[str, int]:
    api = account.api

    def contact(name: str, role: str, slug: str, title: str) -> int:
        return api.post("/contacts", json={
            "name": name, "company": "Acme Robotics", "role": role, "title": title,
            "headline": f"{title} at Acme Robotics", "emails": [f"{slug}@acme.example"],
            "profiles": [{"url": f"https://www.linkedin.com/in/{slug}/"},
                         {"url": f"https://x.com/{slug}"}]}).get_json()["id"]

    priya = contact("Priya Natarajan", "hiring_manager", "priya-natarajan", "Head of Platform")
    rita = contact("Rita Gomez", "recruiter", "rita-gomez", "Technical Recruiter")
    opp = api.post("/opportunities", json={
        "company": "Acme Robotics", "title": "Senior SRE", "status": "interviewing",
        "url": "https://jobs.example.com/acme/senior-sre",
        "contacts": [{"contact_id": priya, "role": "hiring_manager"},
                     {"contact_id": rita, "role": "recruiter"}]}).get_json()["id"]
    for company, title, status in (("Globex", "Platform Engineer", "applied"),
                                   ("Initech", "DevOps Lead", "targeting"),
                                   ("Umbrella", "SRE II", "closed_lost")):
        api.post("/opportunities", json={"company": company, "title": title, "status": status})
    now = datetime.now(UTC)
    day = timedelta(days=1)
    for offset, kind in ((40, "email_sent"), (35, "reply_received"), (20, "call")):
        api.post(f"/contacts/{rita}/interactions", json={
            "type": kind, "occurred_at": (now - offset * day).isoformat()})
    start = (now - day).replace(hour=14, minute=0, second=0, microsecond=0)
    api.post(f"/contacts/{priya}/interactions", json={
        "type": "interview", "opportunity_id": opp, "occurred_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(), "notes": "Systems design round"})
    api.post(f"/contacts/{priya}/interactions", json={
        "type": "promise_made", "opportunity_id": opp,
        "promise": {"kind": "wait_days", "days": 7}})
    return {"priya": priya, "opp": opp}


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_reads_well_at_desktop_and_phone_width(chromium, live_server, width,
                                                          tmp_path):
    account = web_user(live_server)
    ids = _seed(account)
    folder = SHOTS if os.environ.get("THRICE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    w, h = WIDTHS[width]
    context = chromium.new_context(viewport={"width": w, "height": h}, timezone_id="UTC",
                                   locale="en-GB")
    try:
        tab = Pages(context.new_page(), live_server.url)
        pages = {"sign-in": "/sign-in"}
        for name, path in pages.items():
            tab.goto(path)
            _shoot(tab, folder, name, width)
        tab.sign_in(account)
        for name, path in {"today": "/", "pipeline": "/pipeline",
                           "opportunity": f"/opportunities/{ids['opp']}",
                           "contacts": "/contacts", "contact": f"/contacts/{ids['priya']}",
                           "import": "/import", "settings": "/settings"}.items():
            tab.goto(path)
            _shoot(tab, folder, name, width)
    finally:
        context.close()


def _shoot(tab: Pages, folder: Path, name: str, width: str) -> None:
    if width == "phone":
        overflow = tab.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 390 px"
    tab.page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
