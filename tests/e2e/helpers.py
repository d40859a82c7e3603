"""Helpers shared by the end-to-end tests: pages, the popup as a page, API look-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOSTILE = "<img src=x onerror=alert(1)>"


def lookup(user: Any, url: str) -> Any:
    return user.get(f"/contacts/lookup?url={quote(url, safe='')}")


def open_page(browser: Any, url: str) -> Any:
    page = browser.context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.goto(url)
    return page


def screenshot(page: Any) -> None:
    """docs/popup.png at the popup's real size (the content's height, not the viewport's)."""
    DOCS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 100})  # so scrollHeight is the content's
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 390, "height": max(200, height)})
    page.screenshot(path=str(DOCS / "popup.png"))


def open_popup(browser: Any, tab_id: int | None = None) -> Any:
    page = browser.context.new_page()
    page.set_viewport_size({"width": 390, "height": 720})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    query = f"?tab={tab_id}" if tab_id is not None else ""
    page.goto(browser.url(f"popup/popup.html{query}"))
    page.wait_for_selector("body[data-ready=true]")
    return page


def due_promise(user: Any, name: str, email: str | None = None) -> int:
    body: dict[str, Any] = {"name": name, "source": "api"}
    if email:
        body["emails"] = [email]
    contact = user.post("/contacts", json=body).get_json()
    # "You'll hear by <two days ago>": R2 fell due yesterday at 10:00 and has not expired
    # (P1 lives 3 working days; the test user has no weekend, so this holds on any weekday).
    past = (datetime.now(UTC) - timedelta(days=2)).date()
    res = user.post(
        f"/contacts/{contact['id']}/interactions",
        json={
            "type": "promise_made",
            "occurred_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "promise": {"kind": "by_date", "date": past.isoformat()},
        },
    )
    assert res.status_code == 201, res.get_json()
    return contact["id"]
