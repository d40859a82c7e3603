"""The board (drag and drop, and the keyboard path), contact search, and the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.web.conftest import Pages, WebUser, unique


def _opportunity(account: WebUser, title: str, status: str = "targeting") -> int:
    answer = account.api.post("/opportunities",
                              json={"company": "Globex", "title": title, "status": status})
    assert answer.status_code == 201
    return answer.get_json()["id"]


def test_a_card_moves_by_drag_and_by_the_status_select(signed_in: Pages, account: WebUser):
    page = signed_in.page
    title = unique("Platform Engineer")
    opp = _opportunity(account, title)
    signed_in.goto("/pipeline")
    card = page.get_by_role("link", name=f"{title} at Globex")
    targeting = page.get_by_role("region", name="Targeting")
    applied = page.get_by_role("region", name="Applied")
    expect(targeting.get_by_role("link", name=f"{title} at Globex")).to_be_visible()
    for name in ("Targeting", "Applied", "Interviewing", "Offer", "Won", "Lost", "On hold"):
        expect(page.get_by_role("region", name=name)).to_be_visible()

    # Drag with the mouse, in small steps as a hand does.
    source = card.bounding_box()
    target = applied.locator("ul.cards").bounding_box()
    assert source and target
    page.mouse.move(source["x"] + 10, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(source["x"] + 30, source["y"] + 20, steps=5)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 20, steps=15)
    page.mouse.up()
    expect(applied.get_by_role("link", name=f"{title} at Globex")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.column:nth-child(2) .count').textContent === "
        "String(document.querySelectorAll('.column:nth-child(2) li.card').length)")
    for _ in range(50):  # the save is a fetch after the drop
        if account.api.get(f"/opportunities/{opp}").get_json()["status"] == "applied":
            break
        page.wait_for_timeout(100)
    assert account.api.get(f"/opportunities/{opp}").get_json()["status"] == "applied"
    signed_in.goto("/pipeline")
    expect(page.get_by_role("region", name="Applied")
           .get_by_role("link", name=f"{title} at Globex")).to_be_visible()

    # The keyboard path: open the card, pick a status, move.
    page.get_by_role("link", name=f"{title} at Globex").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Status", exact=True).focus()
    page.get_by_label("Status", exact=True).select_option(label="Interviewing")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Status", exact=True)).to_have_value("interviewing")
    signed_in.goto("/pipeline")
    expect(page.get_by_role("region", name="Interviewing")
           .get_by_role("link", name=f"{title} at Globex")).to_be_visible()
    assert account.api.get(f"/opportunities/{opp}").get_json()["status"] == "interviewing"


def test_search_finds_a_contact_and_the_timeline_logs_and_deletes(signed_in: Pages,
                                                                 account: WebUser):
    page = signed_in.page
    wanted, other = unique("Wanda Searchable"), unique("Oscar Other")
    for name in (wanted, other):
        assert account.api.post("/contacts", json={"name": name}).status_code == 201
    signed_in.goto("/contacts")
    expect(page.get_by_role("link", name=other)).to_be_visible()
    page.get_by_label("Search").fill("wanda")
    expect(page.get_by_role("link", name=other)).to_have_count(0)
    expect(page.get_by_role("link", name=wanted)).to_be_visible()
    page.get_by_label("Sort").select_option(label="Name")
    expect(page.get_by_role("link", name=wanted)).to_be_visible()
    signed_in.check()

    page.get_by_role("link", name=wanted).click()
    expect(page.get_by_role("heading", name=wanted)).to_be_visible()
    signed_in.check()
    when = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Type").select_option(label="Email sent")
    page.get_by_label("When").fill(when)
    page.get_by_label("Notes").fill("Sent my CV <b>and</b> a thank-you")
    page.get_by_role("button", name="Log interaction").click()
    timeline = page.get_by_role("region", name="Timeline")
    # Stored text is shown as text, never as markup.
    expect(timeline.get_by_text("Sent my CV <b>and</b> a thank-you")).to_be_visible()
    expect(page.get_by_role("region", name="Follow-ups").get_by_role("article")).to_have_count(1)
    signed_in.check()

    # A bad time keeps the input and says what is wrong.
    page.get_by_label("When").fill("")
    page.get_by_label("Notes").fill("kept")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_label("Notes")).to_have_value("kept")
    expect(page.get_by_text("This field is required.")).to_be_visible()

    timeline.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_role("region", name="Timeline")
           .get_by_text("Sent my CV <b>and</b> a thank-you")).to_have_count(0)
    expect(page.get_by_role("region", name="Timeline").get_by_text("Nothing logged yet.")) \
        .to_be_visible()


def test_a_duplicate_is_suggested_and_merged(signed_in: Pages, account: WebUser):
    name = unique("Dana Double")
    keep = account.api.post("/contacts", json={"name": name, "company": "Hooli",
                                               "emails": ["dana@hooli.example"]}).get_json()["id"]
    other = account.api.post("/contacts", json={"name": name, "company": "Hooli",
                                                "emails": ["dana@hooli.example"]}).get_json()
    assert other["id"] != keep
    page = signed_in.page
    signed_in.goto(f"/contacts/{keep}")
    duplicates = page.get_by_role("region", name="Possible duplicates")
    expect(duplicates.get_by_role("link", name=name)).to_be_visible()
    duplicates.get_by_role("button", name=f"Merge {name} into this contact").click()
    expect(page.get_by_role("region", name="Possible duplicates")).to_have_count(0)
    assert account.api.get(f"/contacts/{other['id']}").get_json()["merged_into_id"] == keep


def test_a_new_contact_is_saved_from_the_contacts_page(signed_in: Pages, account: WebUser):
    page = signed_in.page
    name = unique("Nina Newcomer")
    signed_in.goto("/contacts")
    page.get_by_text("New contact").click()
    page.get_by_role("button", name="Save contact").click()  # no name: kept on the page
    expect(page.get_by_text("Give the person's name.")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Company").fill("Globex")
    page.get_by_label("E-mail").fill("not-an-email")
    page.get_by_label("Role").select_option("hiring_manager")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_label("Name")).to_have_value(name)  # the input is kept
    assert page.locator(".field.invalid").count() >= 1
    page.get_by_label("E-mail").fill("nina@example.com")
    page.get_by_label("Profile URL").fill("https://www.linkedin.com/in/nina-newcomer-web/")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    signed_in.check()
    saved = account.api.get("/contacts/lookup",
                            query_string={"url": "https://linkedin.com/in/nina-newcomer-web"})
    assert saved.status_code == 200
    body = saved.get_json()
    assert (body["company"], body["role"], body["emails"]) == (
        "Globex", "hiring_manager", ["nina@example.com"])
    # A hiring manager with a LinkedIn profile: the warm-up rule fires as for an API save.
    rules = {n["rule"] for n in account.api.get(
        f"/nudges?state=all&contact_id={body['id']}").get_json()["items"]}
    assert "R7" in rules
