"""The `thrice` command as a new user runs it, and the deployment files."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from server.cli import machine_timezone
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def _thrice(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)


def test_user_create_prints_the_bare_token_last_and_serve_answers(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    created = _thrice("user", "create", "new@example.com", "--timezone", "Europe/Berlin", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("thr_") and " " not in token and len(token) > 40
    assert (tmp_path / "thrice.sqlite3").exists()
    db_file = tmp_path / "thrice.sqlite3"
    # Work a crashed job left behind: the in-process schedule's catch-up must finish it.
    with sqlite3.connect(db_file) as conn:
        conn.execute(
            "INSERT INTO contacts (user_id, name, emails, phones, tags, role, starred,"
            " do_not_contact, source, archived, created_at, updated_at, dirty_at)"
            " VALUES (1, 'Left Over', '[]', '[]', '[]', 'other', 0, 0, 'api', 0,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        health = None
        for _ in range(150):  # up, and its in-process schedule has run once
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as r:
                    health = json.load(r)
                if health["status"] == "ok":
                    break
            except OSError:
                pass
            time.sleep(0.1)
        assert health is not None and health.pop("scheduler")["last_run_at"]
        assert health == {"status": "ok", "database": "ok", "queue": "inline"}
        req = urllib.request.Request(f"{base}/me", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            me = json.load(r)
        assert me["email"] == "new@example.com" and me["timezone"] == "Europe/Berlin"
        assert me["display_name"] == ""  # never made up from the e-mail's local part
        for _ in range(150):
            with sqlite3.connect(db_file) as conn:
                row = conn.execute("SELECT dirty_at, warmth_score FROM contacts"
                                   " WHERE name = 'Left Over'").fetchone()
            if row[0] is None:
                break
            time.sleep(0.1)
        assert row == (None, 0)
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_user_create_rejects_bad_input(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path)}
    bad_zone = _thrice("user", "create", "x@example.com", "--timezone", "Mars/Base", env=env)
    assert bad_zone.returncode != 0 and "time zone" in bad_zone.stderr
    bad_email = _thrice("user", "create", "not-an-email", env=env)
    assert bad_email.returncode != 0 and "EMAIL" in bad_email.stderr


def _stored_user(instance: Path, email: str) -> tuple[str, str]:
    with sqlite3.connect(instance / "thrice.sqlite3") as conn:
        return conn.execute("SELECT timezone, display_name FROM users WHERE email = ?",
                            (email,)).fetchone()


def test_user_create_without_a_terminal_uses_the_machine_zone_and_no_name(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING",
           "TZ": "Asia/Tokyo"}
    created = _thrice("user", "create", "jsmith82@example.com", env=env)
    assert created.returncode == 0, created.stderr
    (token,) = created.stdout.splitlines()  # stdout is the bare token and nothing else
    assert token.startswith("thr_")
    assert "time zone: Asia/Tokyo (this machine's, from $TZ" in created.stderr
    assert "display name: none, so messages are signed without a name" in created.stderr
    assert _stored_user(tmp_path, "jsmith82@example.com") == ("Asia/Tokyo", "")


def test_user_create_flags_for_scripts(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING"}
    created = _thrice("user", "create", "ada@example.com", "--display-name", "  Ada  Lovelace ",
                      "--timezone", "Europe/Paris", env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("thr_")
    assert "time zone: Europe/Paris (as given" in created.stderr
    assert "display name: 'Ada Lovelace'" in created.stderr
    assert _stored_user(tmp_path, "ada@example.com") == ("Europe/Paris", "Ada Lovelace")
    # The older spelling still works; an existing user only gets another token.
    again = _thrice("user", "create", "ADA@example.com", "--name", "Other", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1].startswith("thr_")
    assert "exists (time zone Europe/Paris)" in again.stderr and "ignored" in again.stderr
    assert _stored_user(tmp_path, "ada@example.com") == ("Europe/Paris", "Ada Lovelace")


def test_user_create_asks_on_a_terminal(tmp_path: Path):
    env = {**os.environ, "THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING",
           "TZ": "America/New_York"}
    main, secondary = pty.openpty()
    try:
        child = subprocess.Popen([sys.executable, "-m", "server.cli", "user", "create",
                                  "grace@example.com"], stdin=secondary, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, text=True)
        os.close(secondary)
        os.write(main, b"Grace Hopper\nMars/Base\nEurope/Rome\n\n")  # no web password
        out, err = child.communicate(timeout=60)
    finally:
        os.close(main)
    assert child.returncode == 0, err
    (token,) = out.splitlines()  # prompts and answers never reach stdout
    assert token.startswith("thr_")
    assert "Display name (signs your messages; empty for none):" in err
    assert "Time zone [America/New_York]:" in err
    assert "unknown time zone 'Mars/Base'" in err
    assert "time zone: Europe/Rome (as answered" in err
    assert _stored_user(tmp_path, "grace@example.com") == ("Europe/Rome", "Grace Hopper")


def test_user_create_on_a_terminal_takes_the_defaults(tmp_path: Path):
    env = {**os.environ, "THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING",
           "TZ": "America/New_York"}
    main, secondary = pty.openpty()
    try:
        child = subprocess.Popen([sys.executable, "-m", "server.cli", "user", "create",
                                  "tom@example.com"], stdin=secondary, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, text=True)
        os.close(secondary)
        os.write(main, b"\n\n\n")  # defaults, and no web password
        out, err = child.communicate(timeout=60)
    finally:
        os.close(main)
    assert child.returncode == 0, err
    assert out.splitlines()[-1].startswith("thr_")
    assert "time zone: America/New_York (this machine's, from $TZ" in err
    assert _stored_user(tmp_path, "tom@example.com") == ("America/New_York", "")


def test_user_create_rejects_a_display_name_over_200_characters(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path)}
    bad = _thrice("user", "create", "x@example.com", "--display-name", "n" * 201, env=env)
    assert bad.returncode != 0 and "--display-name" in bad.stderr and "200" in bad.stderr


@pytest.mark.parametrize(("tz", "localtime", "timezone_file", "expected"), [
    (":Europe/Berlin", "/usr/share/zoneinfo/Asia/Tokyo", "Asia/Seoul", ("Europe/Berlin", "$TZ")),
    ("Mars/Base", "/usr/share/zoneinfo/America/New_York", "Asia/Seoul",
     ("America/New_York", "localtime")),
    ("", "../usr/share/zoneinfo/Etc/UTC", "", ("UTC", "localtime")),
    ("", "/usr/share/zoneinfo/posixrules-nonsense", "Asia/Seoul\n", ("Asia/Seoul", "timezone")),
    ("", None, "  Australia/Sydney  \n", ("Australia/Sydney", "timezone")),
    ("", None, "Not/AZone\n", None),
    ("", None, None, None),
])
def test_machine_timezone_without_tzlocal(tmp_path: Path, tz, localtime, timezone_file,
                                          expected):
    etc = tmp_path / "etc"
    etc.mkdir()
    if localtime is not None:
        (etc / "localtime").symlink_to(localtime)  # dangling is fine: only its name counts
    if timezone_file is not None:
        (etc / "timezone").write_text(timezone_file)
    zone, source = machine_timezone({"TZ": tz}, etc)
    if expected is None:  # nothing on disk names a zone: the clock's name, or UTC
        assert zone == "UTC"
    else:
        assert zone == expected[0]
        assert source == expected[1] if expected[1] == "$TZ" else source == str(etc / expected[1])


def test_worker_without_redis_explains_what_to_do(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "REDIS_URL": ""}
    result = _thrice("worker", env=env)
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


def test_db_upgrade_is_idempotent(tmp_path: Path):
    env = {"THRICE_INSTANCE_PATH": str(tmp_path), "THRICE_LOG_LEVEL": "WARNING"}
    for _ in range(2):
        result = _thrice("db", "upgrade", env=env)
        assert result.returncode == 0, result.stderr
        assert "database at head" in result.stdout


def test_compose_runs_api_worker_cron_on_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"api", "worker", "cron", "postgres", "redis"}
    for name in ("api", "worker", "cron"):
        svc = services[name]
        assert svc["image"] == "thrice:latest" and svc["build"] == "."
        assert svc["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert svc["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["api"]["command"][:2] == ["thrice", "serve"]
    assert services["worker"]["command"] == ["thrice", "worker"]
    assert services["cron"]["command"] == ["thrice", "cron"]
    for name in ("api", "postgres", "redis"):
        assert "healthcheck" in services[name]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install" in dockerfile and '"thrice", "serve"' in dockerfile
