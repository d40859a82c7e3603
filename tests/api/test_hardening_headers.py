"""Issue 12, hardening: /api/docs works offline (Swagger UI from the swagger-ui-bundle package)
under a Content-Security-Policy without inline scripts, and every response carries the
browser security headers."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.api.helpers import make_contact

CHROMIUM = Path(os.environ.get("THRICE_CHROMIUM", "/usr/lib/chromium/chromium"))


class Page(HTMLParser):
    """The page's scripts (src, or None when inline) and linked resources."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.links: list[str] = []
        self.inline_handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.inline_handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(found.get("src"))
        elif tag == "link" and found.get("href"):
            self.links.append(str(found["href"]))


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def assert_security_headers(r, html: bool) -> None:
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    policy = directives(r.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert r.headers["X-Frame-Options"] == "DENY"
    if html:
        scripts = policy.get("script-src", policy["default-src"])
        assert scripts == ["'self'"]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert policy["object-src"] == ["'none'"]
    else:
        assert policy["default-src"] == ["'none'"]


def test_docs_page_uses_only_local_files_and_no_inline_script(client):
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert_security_headers(r, html=True)
    page = Page()
    page.feed(r.get_data(as_text=True))
    assert page.scripts and None not in page.scripts, page.scripts  # every script is a file
    assert not page.inline_handlers
    assert "cdn" not in r.get_data(as_text=True).lower()
    expected = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for url in [*page.scripts, *page.links]:
        assert url is not None
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and parts.path.startswith("/api/docs/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.mimetype == expected[os.path.splitext(parts.path)[1]], (url, asset.mimetype)
        assert len(asset.get_data()) > 100
        assert_security_headers(asset, html=False)
    bundle = client.get(next(s for s in page.scripts if s and "bundle" in s)).get_data()
    assert b"SwaggerUIBundle" in bundle
    spec_url = "/api/openapi.json"
    assert f'data-spec-url="{spec_url}"' in r.get_data(as_text=True)
    assert client.get(spec_url).status_code == 200


def test_only_swagger_ui_files_are_served(client):
    for name in ("index.html", "swagger-initializer.js", "..%2fswagger_ui_bundle%2f__init__.py",
                 "nope.js"):
        r = client.get(f"/api/docs/static/{name}")
        assert r.status_code == 404, name
        assert r.get_json()["code"] == 404


def test_json_errors_and_calendar_responses_carry_the_headers(user, client):
    assert_security_headers(client.get("/api/v1/health"), html=False)
    assert_security_headers(client.get("/api/v1/contacts"), html=False)  # 401
    assert_security_headers(client.get("/api/openapi.json"), html=False)
    assert_security_headers(user.post("/contacts", json={"nope": 1}), html=False)  # 422
    c = make_contact(user, "Header Check")
    r = user.get(f"/contacts/{c['id']}")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert_security_headers(r, html=False)
    assert_security_headers(user.get("/contacts/2147483647"), html=False)  # 404
    url = urlsplit(user.get("/me").get_json()["calendar_url"])
    ics = client.get(f"{url.path}?{url.query}")
    assert ics.mimetype == "text/calendar"
    assert_security_headers(ics, html=False)
    assert_security_headers(client.get("/no/such/page"), html=False)


@pytest.mark.e2e
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_swagger_ui_renders_offline_under_the_policy(live_server):
    """In a real browser with every request outside the server refused: Swagger UI draws the
    operations, and the browser reports no policy violation."""
    sync_api = pytest.importorskip("playwright.sync_api")
    origin = live_server.url
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            context = browser.new_context()
            outside: list[str] = []

            def _only_local(route: object) -> None:
                request = route.request  # type: ignore[attr-defined]
                if request.url.startswith(origin):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    outside.append(request.url)
                    route.abort()  # type: ignore[attr-defined]

            context.route("**/*", _only_local)
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(urljoin(origin, "/api/docs"))
            page.wait_for_selector(".opblock-summary-path", timeout=20_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/api/v1/contacts" in text for text in paths), paths
            assert page.locator(".info .title").inner_text().startswith("Thrice")
            # Open an operation and run it: parameters, examples and the highlighted answer.
            page.locator(".opblock-get .opblock-summary").first.click()
            page.locator(".try-out__btn").first.click()
            page.locator(".execute").first.click()
            page.wait_for_selector(".responses-wrapper .live-responses-table", timeout=20_000)
            page.locator(".models-control, .models h4").first.click()
            assert outside == []
            assert not [m for m in problems if "Content Security Policy" in m
                        or "Refused" in m], problems
        finally:
            browser.close()
