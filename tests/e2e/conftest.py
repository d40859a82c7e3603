"""Fixtures for driving the unpacked extension in Debian's Chromium (SPEC §7).

The saved pages in extension/test/fixtures are served at their real URLs with
``context.route``, so the content scripts run exactly as on the live sites; the extension
talks to the session's ``live_server`` (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
FIXTURES = EXTENSION / "test" / "fixtures"
CHROMIUM = os.environ.get("THRICE_CHROMIUM", "/usr/lib/chromium/chromium")
CAREERS_PAGE = "http://127.0.0.1:48123/careers/site-reliability-engineer"

# Real page URL (path without query) → saved page. Hosts listed in SITE_HOSTS answer 404 for
# anything else; every other outside request is aborted, so the run never leaves the machine.
PAGES: dict[str, str] = {
    "https://www.linkedin.com/in/jane-doe-1a2b3c/": "linkedin-public.html",
    "https://www.linkedin.com/in/jane-doe-1a2b3c/details/experience/": "linkedin-loggedin.html",
    "https://www.linkedin.com/in/hostile-xss/": "linkedin-hostile.html",
    "https://www.linkedin.com/feed/": "linkedin-feed.html",
    "https://x.com/samrivera_eng": "x-profile.html",
    "https://x.com/home": "x-home.html",
    "https://www.instagram.com/mina.designs/": "instagram-profile.html",
    "https://www.instagram.com/p/C1a2B3c4D5e/": "instagram-post.html",
    "https://www.facebook.com/priya.natarajan.42": "facebook-profile.html",
    "https://www.facebook.com/groups/torontotechjobs/": "facebook-groups.html",
    "https://github.com/octodev": "github-profile.html",
    "https://github.com/octodev/kube-tools": "github-repo.html",
    # Job postings (SPEC §11), at their real addresses; queries (tracking, currentJobId) are
    # ignored when routing, as the boards do.
    "https://www.linkedin.com/jobs/view/senior-platform-engineer-tech-lead-at-acme-robotics-3812345678":
        "linkedin-job-public.html",
    "https://www.linkedin.com/jobs/search/": "linkedin-job-search.html",
    "https://boards.greenhouse.io/acmerobotics/jobs/4012345007": "greenhouse-old.html",
    "https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101": "greenhouse-new.html",
    "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f": "lever.html",
    "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e": "ashby.html",
    "https://apply.workable.com/quartz-labs/j/5A1B2C3D4E/": "workable.html",
    "https://apply.workable.com/hostile-co/j/BADBAD1234/": "workable-hostile.html",
    # A company's own careers page with a JobPosting: no content script runs there; the popup
    # reads it with `scripting` (127.0.0.1 is a host the extension may script without a click).
    CAREERS_PAGE: "careers-jobposting.html",
}
SITE_HOSTS = ("www.linkedin.com", "x.com", "www.instagram.com", "www.facebook.com", "github.com",
              "boards.greenhouse.io", "job-boards.eu.greenhouse.io", "jobs.lever.co",
              "jobs.ashbyhq.com", "apply.workable.com")
SITE_URL = re.compile(r"https://(" + "|".join(map(re.escape, SITE_HOSTS)) + ")/")


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@dataclass
class Browser:
    """A Chromium profile with the unpacked extension loaded."""

    context: Any
    extension_id: str
    server_url: str

    @property
    def worker(self) -> Any:
        workers = [w for w in self.context.service_workers if self.extension_id in w.url]
        if workers:
            return workers[0]
        return self.context.wait_for_event("serviceworker", timeout=10_000)

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def configure(self, token: str, server_url: str | None = None) -> Any:
        """Fill in and save the options page; returns the page (still open)."""
        page = self.context.new_page()
        page.goto(self.url("options/options.html"))
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#server-url", server_url or self.server_url)
        page.fill("#token", token)
        page.click("#save-options")
        # A locator assertion, not wait_for_function: the page's CSP forbids evaluating strings.
        expect(page.locator("#status")).to_have_text("Saved.")
        return page

    def tab_id_of(self, canonical_url: str) -> int:
        """The tab whose content script extracts this profile or job (popup.html?tab= targets
        it)."""
        tab_id = self.worker.evaluate(
            """async (url) => {
                for (const tab of await chrome.tabs.query({})) {
                    try {
                        const r = await chrome.tabs.sendMessage(tab.id, {type: "thrice:extract"});
                        const shown = [r && r.profile && r.profile.url, r && r.job && r.job.url];
                        if (shown.includes(url)) return tab.id;
                    } catch (e) {}
                }
                return null;
            }""",
            canonical_url,
        )
        assert tab_id is not None, f"no tab shows {canonical_url}"
        return tab_id

    def tab_id_at(self, page_url: str) -> int:
        """The tab showing this address (a page without a content script)."""
        tab_id = self.worker.evaluate(
            """async (url) => {
                const tabs = await chrome.tabs.query({});
                const tab = tabs.find((t) => t.url === url);
                return tab ? tab.id : null;
            }""",
            page_url,
        )
        assert tab_id is not None, f"no tab is at {page_url}"
        return tab_id

    def badge(self) -> str:
        return self.worker.evaluate("chrome.action.getBadgeText({})")


def _route_handler(server_url: str) -> Callable[[Any], None]:
    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(server_url + "/"):
            route.continue_()
            return
        page_url = url.split("?", 1)[0].split("#", 1)[0]
        name = PAGES.get(page_url)
        if name is not None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8",
                          body=(FIXTURES / name).read_bytes())
        elif re.match(SITE_URL, url):
            route.fulfill(status=404, content_type="text/html", body=b"<html>404</html>")
        else:
            route.abort()

    return handle


@pytest.fixture(scope="session")
def browser(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not _chromium_available():
        if os.environ.get("THRICE_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"Chromium required but not found at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    ext = str(EXTENSION)
    profile_dir = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            headless=True,
            viewport={"width": 1200, "height": 800},
            timezone_id="UTC",  # the popup reads interview times in the browser's zone
            args=[
                "--no-sandbox",
                f"--disable-extensions-except={ext}",
                f"--load-extension={ext}",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            worker = (context.service_workers[0] if context.service_workers
                      else context.wait_for_event("serviceworker", timeout=15_000))
            extension_id = worker.url.split("/")[2]
            handler = _route_handler(live_server.url)
            context.route("https://www.linkedin.com/in/**", handler)
            context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), handler)
            context.route(CAREERS_PAGE, handler)
            yield Browser(context=context, extension_id=extension_id, server_url=live_server.url)
        finally:
            context.close()


@pytest.fixture
def api_user(live_server: Any) -> Any:
    """A fresh user on the live server (ApiUser: .token, .get/.post for assertions)."""
    return live_server.new_user()


@pytest.fixture
def configured(browser: Browser, api_user: Any) -> Iterator[Browser]:
    """The extension pointed at the live server with `api_user`'s token."""
    before = set(browser.context.pages)
    options = browser.configure(api_user.token)
    options.close()
    yield browser
    for page in browser.context.pages:
        if page not in before:
            page.close()
