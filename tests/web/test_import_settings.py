"""Import with a broken row, settings that move due times, API tokens and the calendar URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.web.conftest import Pages, WebUser, unique


def test_an_upload_with_a_broken_row_reports_it(signed_in: Pages, account: WebUser):
    page = signed_in.page
    first, second = unique("Ada Imported"), unique("Bob Imported")
    body = (f"name,email,company\n{first},ada@example.com,Initech\n,,Initech\n"
            f"{second},bob@example.com,Initech\n").encode()
    signed_in.goto("/import")
    page.get_by_label("File").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": body}])
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("region", name="Import finished")
    expect(summary).to_contain_text("Created2")
    expect(summary).to_contain_text("Failed1")
    expect(summary.get_by_text("Line 3:")).to_be_visible()
    signed_in.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the failed rows (CSV)").click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "file,line,reason"
    assert rows[1].startswith("people.csv,3,")
    names = {c["name"] for c in account.api.get("/contacts").get_json()["items"]}
    assert {first, second} <= names
    # Again: nothing new.
    page.get_by_label("File").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": body}])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("region", name="Import finished")).to_contain_text("Unchanged2")


def test_a_new_time_zone_moves_due_times(signed_in: Pages, account: WebUser):
    contact = account.api.post("/contacts", json={"name": unique("Zed Zone")}).get_json()["id"]
    sent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert account.api.post(f"/contacts/{contact}/interactions",
                            json={"type": "email_sent", "occurred_at": sent}).status_code == 201

    def follow_up() -> str:
        items = account.api.get("/nudges", query_string={"contact_id": contact, "rule": "R8",
                                                         "state": "scheduled"}).get_json()
        return items["items"][0]["due_at"]

    before = follow_up()
    assert before.endswith("T10:00:00Z")
    page = signed_in.page
    signed_in.goto("/settings")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("Display name").fill("Sam Seeker")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    assert account.api.get("/me").get_json()["timezone"] == "Asia/Tokyo"
    after = follow_up()
    assert after != before and after.endswith("T01:00:00Z")  # 10:00 in Tokyo
    signed_in.check()

    # A refused value keeps the form as typed and changes nothing.
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(day).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("group", name="Weekend days").locator(".error")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    assert account.api.get("/me").get_json()["timezone"] == "Asia/Tokyo"


def test_a_token_is_shown_once_and_works_until_revoked(signed_in: Pages, account: WebUser,
                                                       live_server):
    page = signed_in.page
    signed_in.goto("/settings")
    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert len(token) > 30
    signed_in.check()
    me = requests.get(f"{live_server.url}/api/v1/me",
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["email"] == account.email
    signed_in.goto("/settings")
    expect(page.get_by_text(token)).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke laptop").click()
    gone = requests.get(f"{live_server.url}/api/v1/me",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert gone.status_code == 401

    old = page.get_by_label("Calendar URL").input_value()
    assert requests.get(old, timeout=10).status_code == 200
    page.get_by_role("button", name="Regenerate calendar URL").click()
    new = page.get_by_label("Calendar URL").input_value()
    assert new != old
    assert requests.get(old, timeout=10).status_code == 403


def test_a_mailbox_that_cannot_be_reached_is_not_saved(signed_in: Pages, account: WebUser):
    from tests.conftest import free_port

    page = signed_in.page
    signed_in.goto("/settings")
    page.get_by_label("IMAP server").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(free_port()))
    page.get_by_label("Security").select_option("none")
    page.get_by_label("Mail user name").fill("me@example.com")
    page.get_by_label("Mail password").fill("app-password")
    page.get_by_role("button", name="Connect mailbox").click()
    mail = page.get_by_role("region", name="Mail")
    expect(mail.locator(".error").first).to_be_visible()
    expect(page.get_by_label("IMAP server")).to_have_value("127.0.0.1")  # input kept
    assert account.api.get("/me/mail").status_code == 404
    signed_in.check()


def test_an_mbox_upload_adds_history_and_suggestions(signed_in: Pages, account: WebUser):
    page = signed_in.page
    name = unique("Rita Mailer")
    email = f"{name.split()[-1].lower()}@example.com"
    account.api.post("/contacts", json={"name": name, "emails": [email]})
    message = (f"From {email} Tue Mar 04 10:00:00 2025\n"
               f"From: {name} <{email}>\nTo: {account.email}\nSubject: Next steps\n"
               "Date: Tue, 04 Mar 2025 10:00:00 +0000\n"
               f"Message-ID: <web-mbox-{name.split()[-1]}@example.com>\n\n"
               "Thanks for your time today. You'll hear from us by Friday.\n\n")
    signed_in.goto("/import")
    page.get_by_label("File").set_input_files(files=[{
        "name": "mail.mbox", "mimeType": "application/mbox", "buffer": message.encode()}])
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("region", name="Import finished")
    expect(summary).to_contain_text("Messages read1")
    expect(summary).to_contain_text("Interactions added1")
    expect(summary).to_contain_text("Suggestions added1")
    signed_in.check()
    found = account.api.get("/suggestions").get_json()["items"]
    assert [(s["kind"], s["value"]["promise"]["kind"]) for s in found] == [("promise", "by_date")]
