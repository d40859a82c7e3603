"""The web app without a browser: passwords, CSRF, cookies, headers, the CLI's passwords."""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from server.extensions import db
from server.models import Opportunity, User
from server.services.passwords import authenticate, hash_password, verify_password
from tests.conftest import new_user
from tests.web.conftest import PASSWORD, web_user


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def signed_in_client(sqlite_app):
    class Server:  # web_user wants something with .app
        app = sqlite_app

    who = web_user(Server)  # type: ignore[arg-type]
    client = sqlite_app.test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    answer = client.post("/sign-in", data={"csrf_token": token, "email": who.email,
                                           "password": PASSWORD})
    assert answer.status_code == 302
    return client, who


def test_passwords_are_salted_slow_hashes():
    first, second = hash_password("a good password"), hash_password("a good password")
    assert first != second and first.startswith("scrypt$32768$8$1$")
    assert "a good password" not in first
    assert verify_password(first, "a good password")
    assert not verify_password(first, "a good passworD")
    assert not verify_password(None, "anything") and not verify_password("garbage", "x")


def test_only_the_right_password_signs_in(sqlite_app):
    api = new_user(sqlite_app)
    with sqlite_app.app_context():
        # No password set: no web sign-in at all.
        assert authenticate(db.session, api.email, "") is None
        user = db.session.get(User, api.id)
        user.password_hash = hash_password("s3cret-enough")
        db.session.commit()
        assert authenticate(db.session, api.email.upper(), "s3cret-enough").id == api.id
        assert authenticate(db.session, api.email, "wrong") is None
        assert authenticate(db.session, "nobody@example.com", "s3cret-enough") is None


def test_a_form_without_its_csrf_token_changes_nothing(signed_in_client, sqlite_app):
    client, who = signed_in_client
    answer = client.post("/pipeline", data={"company": "Csrf Co", "title": "T",
                                            "status": "applied"})
    assert answer.status_code == 422
    with sqlite_app.app_context():
        assert db.session.query(Opportunity).filter_by(company="Csrf Co").count() == 0
    sign_in = sqlite_app.test_client().post("/sign-in", data={"email": who.email,
                                                              "password": PASSWORD})
    assert sign_in.status_code == 400  # no token: not even a sign-in attempt


def test_web_pages_carry_the_security_headers(signed_in_client):
    client, _ = signed_in_client
    for path in ("/", "/pipeline", "/contacts", "/settings", "/import", "/sign-in"):
        answer = client.get(path)
        assert answer.status_code in (200, 302), path
        policy = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_secure_over_https(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get("/sign-in", base_url="https://thrice.example")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = sqlite_app.test_client().get("/sign-in")
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_the_api_still_takes_bearer_tokens_not_the_session(signed_in_client, sqlite_app):
    client, who = signed_in_client
    assert client.get("/api/v1/me").status_code == 401  # a session is no API credential
    assert who.api.get("/me").status_code == 200


def _thrice(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], input=stdin,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def _hash(instance: Path, email: str) -> str | None:
    with sqlite3.connect(instance / "thrice.sqlite3") as conn:
        return conn.execute("SELECT password_hash FROM users WHERE email = ?",
                            (email,)).fetchone()[0]


def test_the_cli_sets_passwords_from_stdin(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING"}
    created = _thrice("user", "create", "pw@example.com", "--timezone", "UTC",
                      "--password-stdin", env=env, stdin="first password\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[-1].startswith("thr_")  # the bare token stays last
    first = _hash(tmp_path, "pw@example.com")
    assert verify_password(first, "first password")
    short = _thrice("user", "password", "pw@example.com", "--password-stdin", env=env,
                    stdin="short\n")
    assert short.returncode != 0 and "At least 8" in short.stderr
    changed = _thrice("user", "password", "pw@example.com", "--password-stdin", env=env,
                      stdin="second password\n")
    assert changed.returncode == 0, changed.stderr
    assert verify_password(_hash(tmp_path, "pw@example.com"), "second password")
    unknown = _thrice("user", "password", "who@example.com", "--password-stdin", env=env,
                      stdin="second password\n")
    assert unknown.returncode != 0 and "no user" in unknown.stderr


def test_the_cli_asks_for_the_password_on_a_terminal(tmp_path: Path):
    env = {**os.environ, "THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING"}
    main, secondary = pty.openpty()
    try:
        child = subprocess.Popen([sys.executable, "-m", "server.cli", "user", "create",
                                  "tty@example.com", "--timezone", "UTC", "--name", "T"],
                                 stdin=secondary, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, text=True)
        os.close(secondary)
        os.write(main, b"short\nlong enough 1\nlong enough 2\nlong enough 1\nlong enough 1\n")
        out, err = child.communicate(timeout=60)
    finally:
        os.close(main)
    assert child.returncode == 0, err
    (token,) = out.splitlines()
    assert token.startswith("thr_")
    assert "At least 8 characters" in err and "the two entries differ" in err
    assert "long enough" not in err  # never echoed
    assert verify_password(_hash(tmp_path, "tty@example.com"), "long enough 1")


def test_the_app_installs_from_its_manifest(sqlite_app):
    client = sqlite_app.test_client()
    answer = client.get("/manifest.webmanifest")  # public: the browser fetches it without a session
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = answer.get_json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    for name in ("htmx.min.js", "Sortable.min.js"):  # vendored, with their licence headers
        script = client.get(f"/web-static/{name}").get_data(as_text=True)
        assert script.startswith("/*!") and ("BSD" in script[:200] or "MIT" in script[:200])
