"""The article's journey in the browser: an opportunity, its people with their roles, an
interview, a promise, a gatekeeper's no, the nudges that follow, and Done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.web.conftest import Pages, WebUser, unique


def _contact(account: WebUser, name: str, role: str, slug: str) -> int:
    answer = account.api.post("/contacts", json={
        "name": name, "company": "Acme", "role": role,
        "profiles": [{"url": f"https://www.linkedin.com/in/{slug}/"}]})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _nudges(account: WebUser, **query: object) -> list[dict]:
    return account.api.get("/nudges", query_string={"state": "all", **query}).get_json()["items"]


def _local(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def test_opportunity_people_interview_promise_no_and_done(signed_in: Pages, account: WebUser):
    page = signed_in.page
    rita, hank = unique("Rita Recruiter"), unique("Hank Manager")
    _contact(account, rita, "recruiter", rita.replace(" ", "-").lower())
    hank_id = _contact(account, hank, "hiring_manager", hank.replace(" ", "-").lower())

    signed_in.goto("/pipeline")
    page.get_by_role("button", name="New opportunity").click()
    page.get_by_label("Company").fill("Acme")
    page.get_by_label("Title").fill("Site Reliability Engineer")
    page.get_by_label("Job URL").fill("https://jobs.example.com/acme/sre-1")
    page.get_by_label("Status").select_option(label="Applied")
    page.get_by_role("button", name="Save opportunity").click()
    expect(page.get_by_role("heading", name="Site Reliability Engineer at Acme")).to_be_visible()
    signed_in.check()
    opp_url = page.url

    for name, role in ((rita, "Recruiter"), (hank, "Hiring manager")):
        page.get_by_role("button", name="Add contact").click()
        page.get_by_label("Contact", exact=True).fill(name)
        page.get_by_label("Role").select_option(label=role)
        page.get_by_role("button", name="Link contact").click()
        expect(page.get_by_role("listitem").filter(has_text=f"{name} — {role}")).to_be_visible()

    # Yesterday's interview with the hiring manager, and his promise: "give us a week".
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=10, minute=0)
    page.get_by_role("button", name="Log interview").click()
    page.get_by_label("When").fill(_local(start))
    page.get_by_label("Ends").fill(_local(start + timedelta(hours=1)))
    page.get_by_label("With").select_option(label=hank)
    page.get_by_role("button", name="Save interview").click()
    page.get_by_role("button", name="They promised…").click()
    page.locator("#f-promise").get_by_label("From").select_option(label=hank)
    page.get_by_label("Promise").select_option(label="Wait days")
    page.get_by_label("Wait days").fill("7")
    page.get_by_role("button", name="Save promise").click()
    expect(page.get_by_text("Promise: wait days")).to_be_visible()

    # The recruiter's premature no, not final: the ladder goes on and R6 points at Hank.
    page.get_by_role("button", name="They said no").click()
    page.locator("#f-no").get_by_label("From").select_option(label=rita)
    expect(page.get_by_label("Final")).not_to_be_checked()
    page.get_by_role("button", name="Save the no").click()
    signed_in.check()

    opp_id = int(opp_url.rsplit("/", 1)[1])
    rules = {(n["rule"], n["step"]) for n in _nudges(account, opportunity_id=opp_id)}
    # Thank-you and day eight after the interview, the no's follow-up, and R6's "go to Hank".
    assert {("R4", "F1"), ("R3", None), ("R5", "N1"), ("R6", "N2")} <= rules, rules
    # The page shows the same live nudges, with the API's messages.
    live = [n for n in _nudges(account, opportunity_id=opp_id)
            if n["state"] in {"scheduled", "due", "snoozed"}]
    articles = page.get_by_role("article")
    expect(articles).to_have_count(len(live))
    for n in live:
        expect(page.locator(f"#msg-{n['id']}")).to_have_text(n["message"])

    # Today: the thank-you to Hank is due (the interview ended yesterday); Done closes it.
    signed_in.goto("/")
    due = _nudges(account, state="due")
    assert due, "a due nudge after yesterday's interview"
    thank_you = next(n for n in due if n["contact_id"] == hank_id)
    article = page.get_by_role("article").filter(
        has=page.get_by_role("link", name=hank, exact=True))
    expect(article.get_by_text(thank_you["message"])).to_be_visible()
    for button in ("Done", "Snooze", "Dismiss", "Copy"):
        expect(article.get_by_role("button", name=button)).to_be_visible()
    article.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    closed = account.api.get(f"/nudges/{thank_you['id']}").get_json()
    assert closed["state"] == "completed"
    expect(page.locator(f"#msg-{thank_you['id']}")).to_have_count(0)
    signed_in.check()


def test_another_users_objects_are_not_found(signed_in: Pages, live_server):
    from tests.web.conftest import web_user

    other = web_user(live_server)
    contact = other.api.post("/contacts", json={"name": "Not Yours"}).get_json()["id"]
    opp = other.api.post("/opportunities", json={"company": "X", "title": "Y"}).get_json()["id"]
    for path in (f"/contacts/{contact}", f"/opportunities/{opp}"):
        response = signed_in.page.goto(signed_in.base + path)
        assert response.status == 404
        expect(signed_in.page.get_by_text("Not Yours")).to_have_count(0)
