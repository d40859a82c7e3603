"""CORS: only the configured extension origins may call /api/* from a page."""

from __future__ import annotations

import pytest

from tests.conftest import _make_app, new_user

ALLOWED = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


@pytest.fixture(scope="module")
def cors_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("cors")
    return _make_app(f"sqlite:///{instance / 'cors.sqlite3'}", instance, cors_origins=[ALLOWED])


def test_preflight_from_the_configured_origin_is_allowed(cors_app):
    r = cors_app.test_client().options("/api/v1/contacts", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED
    allowed_headers = r.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers


@pytest.mark.parametrize("origin", ["https://evil.example", "chrome-extension://otherextension",
                                    "moz-extension://abcdefghijklmnopabcdefghijklmnop"])
def test_other_origins_get_no_cors_headers(cors_app, origin):
    user = new_user(cors_app)
    r = cors_app.test_client().get("/api/v1/contacts", headers={**user.headers, "Origin": origin})
    assert "Access-Control-Allow-Origin" not in r.headers
    pre = cors_app.test_client().options("/api/v1/contacts", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in pre.headers


def test_actual_request_from_the_configured_origin_carries_the_header(cors_app):
    user = new_user(cors_app)
    r = cors_app.test_client().get("/api/v1/contacts", headers={**user.headers, "Origin": ALLOWED})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_without_configuration_no_origin_is_allowed(app):
    r = app.test_client().get("/api/v1/health", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in r.headers
