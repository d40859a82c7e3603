"""Jobs end to end (SPEC §11): the page button on five boards, people linked with their roles,
the popup's job card, linking a profile to an opportunity, interviews and what follows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CAREERS_PAGE
from tests.e2e.helpers import HOSTILE, due_promise, open_page, open_popup, screenshot

pytestmark = pytest.mark.e2e

ACME_PUBLIC = ("https://www.linkedin.com/jobs/view/"
               "senior-platform-engineer-tech-lead-at-acme-robotics-3812345678"
               "?refId=abc%3D%3D&trackingId=xyz&trk=public_jobs_topcard-title")
ACME_SEARCH = ("https://www.linkedin.com/jobs/search/?currentJobId=3812345678&geoId=103644278"
               "&keywords=platform%20engineer")
ACME_URL = "https://linkedin.com/jobs/view/3812345678"
JANE = "https://linkedin.com/in/jane-doe-1a2b3c"
MARCUS = "https://linkedin.com/in/marcus-lee-42"


def job_lookup(user: Any, url: str) -> Any:
    return user.get(f"/opportunities/lookup?url={quote(url, safe='')}")


def opportunities(user: Any) -> list[dict[str, Any]]:
    return user.get("/opportunities?limit=200").get_json()["items"]


def contact_by_url(user: Any, url: str) -> dict[str, Any]:
    res = user.get(f"/contacts/lookup?url={quote(url, safe='')}")
    assert res.status_code == 200, (url, res.get_json())
    return res.get_json()


def save_job_on_page(browser: Any, url: str, expected: str | re.Pattern[str] = "Saved") -> Any:
    page = open_page(browser, url)
    button = page.locator("#thrice-save-job")  # inside the open shadow root
    expect(button).to_have_text("Save job to Thrice")
    button.click()
    expect(button).to_have_text(expected)
    return page


# ---- the Save job button ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical", "company", "title"),
    [
        ("https://boards.greenhouse.io/acmerobotics/jobs/4012345007?gh_src=a1b2c3d4",
         "https://job-boards.greenhouse.io/acmerobotics/jobs/4012345007",
         "Acme Robotics", "R&D Engineer, Robotics & Controls"),
        ("https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101",
         "https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101",
         "Nordlicht Energy", "Senior Backend Engineer – Payments"),
        ("https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f?lever-source=LinkedIn",
         "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
         "Northwind Health", "Staff Data Engineer"),
        ("https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e?utm_source=hn",
         "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
         "Lumen", "Senior Product Designer"),
        ("https://apply.workable.com/quartz-labs/j/5A1B2C3D4E/?utm_medium=social",
         "https://apply.workable.com/quartz-labs/j/5A1B2C3D4E",
         "Quartz Labs", "QA Automation Engineer"),
    ],
)
def test_save_job_button_on_each_board(
    configured: Any, api_user: Any, url: str, canonical: str, company: str, title: str
) -> None:
    page = save_job_on_page(configured, url)
    assert page.evaluate("document.getElementById('thrice-save-job')") is None  # shadow DOM only
    found = job_lookup(api_user, url)
    assert found.status_code == 200, found.get_json()
    opp = found.get_json()
    assert (opp["company"], opp["title"], opp["status"], opp["url"]) == (
        company, title, "targeting", canonical)
    assert page.locator("#thrice-save").count() == 0  # no profile button on a posting
    page.reload()
    page.locator("#thrice-save-job").click()
    expect(page.locator("#thrice-save-job")).to_have_text("Already saved")
    assert len(opportunities(api_user)) == 1


def test_linkedin_job_saved_twice_is_one_opportunity_with_its_people(
    configured: Any, api_user: Any
) -> None:
    save_job_on_page(configured, ACME_PUBLIC, "Saved · 1 person linked")
    [opp] = opportunities(api_user)
    assert opp["url"] == ACME_URL and opp["status"] == "targeting"
    assert opp["title"] == "Senior Platform Engineer & Tech Lead"
    jane = contact_by_url(api_user, JANE)
    assert [(c["contact_id"], c["role"]) for c in opp["contacts"]] == [(jane["id"], "recruiter")]
    assert jane["role"] == "recruiter" and jane["source"] == "extension"
    api_user.patch(f"/opportunities/{opp['id']}", json={"status": "applied"})

    # The same job from the logged-in search view: the same opportunity, the whole team.
    search = save_job_on_page(configured, ACME_SEARCH, "Already saved · 2 people linked")
    [again] = opportunities(api_user)
    assert again["id"] == opp["id"] and again["status"] == "applied"
    marcus = contact_by_url(api_user, MARCUS)
    assert {(c["contact_id"], c["role"]) for c in again["contacts"]} == {
        (jane["id"], "recruiter"), (marcus["id"], "hiring_manager")}
    assert marcus["title"] == "Director of Platform Engineering"
    assert marcus["company"] == "Acme Robotics"
    assert len(api_user.get("/contacts").get_json()["items"]) == 2  # Jane was not duplicated

    # In-page navigation to a search without a selected job removes the button.
    search.evaluate("history.pushState({}, '', '/jobs/search/?keywords=robotics')")
    expect(search.locator("#thrice-save-job")).to_have_count(0)
    search.evaluate("history.pushState({}, '', '/jobs/search/?currentJobId=3812345678')")
    expect(search.locator("#thrice-save-job")).to_have_text("Save job to Thrice")


def test_a_click_the_page_fakes_saves_nothing(configured: Any, api_user: Any) -> None:
    page = open_page(configured, "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
    expect(page.locator("#thrice-save-job")).to_have_count(1)
    page.evaluate("""() => {
        const button = document.getElementById('thrice-save-job-host').shadowRoot
            .getElementById('thrice-save-job');
        button.click();
        button.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    }""")
    page.wait_for_timeout(800)
    expect(page.locator("#thrice-save-job")).to_have_text("Save job to Thrice")
    assert opportunities(api_user) == []


def test_hostile_job_title_stays_text(configured: Any, api_user: Any) -> None:
    url = "https://apply.workable.com/hostile-co/j/BADBAD1234/"
    page = save_job_on_page(configured, url)
    opp = job_lookup(api_user, url).get_json()
    assert opp["title"] == HOSTILE  # stored verbatim

    popup = open_popup(configured, configured.tab_id_of("https://apply.workable.com/hostile-co/j/BADBAD1234"))
    expect(popup.locator("#job-title")).to_have_text(HOSTILE)
    expect(popup.locator("#job-status")).to_have_value("targeting")
    assert popup.locator("#job-card img").count() == 0
    popup.wait_for_timeout(300)
    assert page.dialogs == [] and popup.dialogs == []


# ---- content scripts may only save --------------------------------------------------------


def _content_script_world(page: Any, extension_id: str) -> Any:
    """Evaluate in the extension's isolated world on `page`, where its content script runs."""
    cdp = page.context.new_cdp_session(page)
    contexts: list[dict[str, Any]] = []
    cdp.on("Runtime.executionContextCreated", lambda e: contexts.append(e["context"]))
    cdp.send("Runtime.enable")
    origin = f"chrome-extension://{extension_id}"
    for _ in range(50):
        mine = [c for c in contexts if c.get("origin") == origin]
        if mine:
            break
        page.wait_for_timeout(100)
    assert mine, contexts

    def run(expression: str) -> Any:
        res = cdp.send("Runtime.evaluate", {"expression": expression, "contextId": mine[-1]["id"],
                                            "awaitPromise": True, "returnByValue": True})
        return res["result"].get("value")

    return run


def test_content_scripts_may_only_save_and_cannot_read_the_token(
    configured: Any, api_user: Any
) -> None:
    page = open_page(configured, "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e")
    expect(page.locator("#thrice-save-job")).to_have_count(1)
    run = _content_script_world(page, configured.extension_id)
    ask = "chrome.runtime.sendMessage({type: %s}).then(r => r, e => ({thrown: String(e)}))"
    for kind in ("thrice:nudges", "thrice:job-lookup", "thrice:lookup", "thrice:opportunities",
                 "thrice:refresh-badge"):
        reply = run(ask % f'"{kind}"')
        assert reply["ok"] is False and reply["error"]["kind"] == "forbidden", (kind, reply)
    reply = run("chrome.runtime.sendMessage({type: 'thrice:test-connection', serverUrl: "
                "'http://127.0.0.1:9', token: 'x'})")
    assert reply["error"]["kind"] == "forbidden"
    # Saving is what content scripts are for.
    saved = run("chrome.runtime.sendMessage({type: 'thrice:save-job', job: {url: location.href, "
                "title: 'Senior Product Designer', company: 'Lumen'}})")
    assert saved["ok"] is True and saved["opportunity"]["company"] == "Lumen"
    # The token is out of reach.
    read = run("""(async () => {
        try { return JSON.stringify(await chrome.storage.local.get(null)); }
        catch (e) { return 'denied: ' + e.message; }
    })()""")
    assert api_user.token not in read, read
    assert read.startswith("denied"), read


# ---- the popup ----------------------------------------------------------------------------


def test_popup_job_card_saves_and_sets_the_status(configured: Any, api_user: Any) -> None:
    page = open_page(configured, "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
    expect(page.locator("#thrice-save-job")).to_have_count(1)
    canonical = "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    popup = open_popup(configured, configured.tab_id_of(canonical))
    expect(popup.locator("#job-title")).to_have_text("Staff Data Engineer")
    expect(popup.locator("#job-company")).to_have_text("Northwind Health")
    expect(popup.locator("#job-meta")).to_have_text("Toronto, ON")
    expect(popup.locator("#job-status")).to_be_hidden()
    expect(popup.locator("#card")).to_be_hidden()
    expect(popup.locator("#no-profile")).to_be_hidden()

    popup.click("#save-job")
    expect(popup.locator("#job-status")).to_have_value("targeting")
    expect(popup.locator("#save-job")).to_be_hidden()
    popup.select_option("#job-status", "applied")
    expect(popup.locator("#toast")).to_have_text("Status: Applied.")
    opp = job_lookup(api_user, canonical).get_json()
    assert opp["status"] == "applied"

    reopened = open_popup(configured, configured.tab_id_of(canonical))
    expect(reopened.locator("#job-status")).to_have_value("applied")
    assert len(opportunities(api_user)) == 1


def test_popup_reads_a_jobposting_on_any_page(configured: Any, api_user: Any) -> None:
    page = open_page(configured, CAREERS_PAGE)
    expect(page.locator("h1")).to_have_text("Site Reliability Engineer")
    assert page.locator("#thrice-save-job").count() == 0  # no content script here
    popup = open_popup(configured, configured.tab_id_at(CAREERS_PAGE))
    expect(popup.locator("#job-title")).to_have_text("Site Reliability Engineer")
    expect(popup.locator("#job-company")).to_have_text("Orbit Freight")
    popup.click("#save-job")
    expect(popup.locator("#job-status")).to_have_value("targeting")
    [opp] = opportunities(api_user)
    assert opp["url"] == "https://127.0.0.1:48123/careers/site-reliability-engineer"
    assert (opp["company"], opp["title"]) == ("Orbit Freight", "Site Reliability Engineer")


def test_popup_links_a_profile_logs_an_interview_and_shows_what_follows(
    configured: Any, api_user: Any
) -> None:
    assert api_user.patch("/me", json={"weekend": []}).status_code == 200
    save_job_on_page(configured, ACME_PUBLIC, "Saved · 1 person linked")
    acme = job_lookup(api_user, ACME_URL).get_json()
    due_promise(api_user, "Ada Ortiz", "ada@example.com")
    due_promise(api_user, "Ben Okafor")

    profile = open_page(configured, "https://github.com/octodev")
    expect(profile.locator("#thrice-save")).to_have_count(1)
    popup = open_popup(configured, configured.tab_id_of("https://github.com/octodev"))
    expect(popup.locator("#job-card")).to_be_hidden()
    popup.click("#save-contact")
    expect(popup.locator("#card-saved")).to_be_visible()
    lena = contact_by_url(api_user, "https://github.com/octodev")

    # Add to opportunity: the active ones, with a role.
    expect(popup.locator("#link-opportunity option")).to_have_count(1)
    expect(popup.locator("#link-opportunity")).to_have_value(str(acme["id"]))
    popup.select_option("#link-role", "hiring_manager")
    popup.click("#link-add")
    expect(popup.locator("#toast")).to_have_text(re.compile("Added to Acme Robotics"))
    expect(popup.locator("#card-opportunities li")).to_have_text(
        "On Acme Robotics — Senior Platform Engineer & Tech Lead as hiring manager")
    linked = job_lookup(api_user, ACME_URL).get_json()["contacts"]
    assert {c["contact_id"]: c["role"] for c in linked}[lena["id"]] == "hiring_manager"

    # An interview an hour ago: attached to her only active opportunity.
    began = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
    popup.fill("#interview-date", began.date().isoformat())
    popup.fill("#interview-time", began.strftime("%H:%M"))
    popup.click("#log-interview")
    expect(popup.locator("#toast")).to_have_text(re.compile(r"^Logged: Interview \(Acme Robotics"))
    expect(popup.locator("#choose")).to_be_hidden()
    logged = api_user.get(f"/contacts/{lena['id']}/interactions").get_json()["items"]
    [interview] = [i for i in logged if i["type"] == "interview"]
    assert interview["opportunity_id"] == acme["id"]
    assert interview["occurred_at"] == began.isoformat().replace("+00:00", "Z")

    # The thank-you that follows the interview is coming up; what was due is above it.
    scheduled = api_user.get(f"/nudges?state=scheduled&contact_id={lena['id']}").get_json()["items"]
    [first] = [n for n in scheduled if n["rule"] == "R4" and n["step"] == "F1"]
    item = popup.locator(f"[data-upcoming-id='{first['id']}']")
    expect(item).to_be_visible()
    expect(item.locator(".name")).to_have_text(lena["name"])
    expect(item.locator(".name")).to_have_attribute(
        "href", f"{configured.server_url}/contacts/{lena['id']}")
    expect(popup.locator("#nudge-list [data-nudge-id]")).to_have_count(2)
    expect(popup.locator("#nudge-list .prio").first).to_have_text(re.compile("Urgent|Soon"))
    assert popup.dialogs == []

    # On the posting, the job's card lists its people with their roles (docs/popup.png).
    on_job = open_popup(configured, configured.tab_id_of(ACME_URL))
    expect(on_job.locator("#job-status")).to_have_value("targeting")
    people = on_job.locator("#job-people li")
    expect(people).to_have_count(2)
    expect(people.filter(has_text="Lena Fischer")).to_have_text("Lena Fischer · Hiring manager")
    expect(people.filter(has_text="Jane Doe")).to_have_text("Jane Doe · Recruiter")
    expect(on_job.locator(f"[data-upcoming-id='{first['id']}']")).to_be_visible()
    screenshot(on_job)


def test_a_quick_log_asks_which_job_when_there_are_several(
    configured: Any, api_user: Any
) -> None:
    save_job_on_page(configured, ACME_PUBLIC, "Saved · 1 person linked")
    acme = job_lookup(api_user, ACME_URL).get_json()
    jane = contact_by_url(api_user, JANE)
    other = api_user.post("/opportunities", json={
        "company": "Globex", "title": "Platform Engineer", "status": "applied",
        "contacts": [{"contact_id": jane["id"], "role": "recruiter"}]}).get_json()

    profile = open_page(configured, "https://www.linkedin.com/in/jane-doe-1a2b3c/")
    expect(profile.locator("#thrice-save")).to_have_count(1)
    popup = open_popup(configured, configured.tab_id_of(JANE))
    expect(popup.locator("#card-saved")).to_be_visible()
    expect(popup.locator("#card-opportunities li")).to_have_count(2)
    popup.click("[data-log=said_no]")
    expect(popup.locator("#choose")).to_be_visible()
    expect(popup.locator("#choose-opportunity option")).to_have_count(2)
    popup.select_option("#choose-opportunity", str(other["id"]))
    popup.click("#choose-attach")
    expect(popup.locator("#toast")).to_have_text("Attached to Globex — Platform Engineer.")
    expect(popup.locator("#choose")).to_be_hidden()
    [no] = [i for i in api_user.get(f"/contacts/{jane['id']}/interactions").get_json()["items"]
            if i["type"] == "no_received"]
    assert no["opportunity_id"] == other["id"] != acme["id"]
