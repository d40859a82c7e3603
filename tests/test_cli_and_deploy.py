"""The `thrice` command as a new user runs it, and the deployment files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

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
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        assert health == {"status": "ok", "database": "ok", "queue": "inline"}
        req = urllib.request.Request(f"{base}/me", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            me = json.load(r)
        assert me["email"] == "new@example.com" and me["timezone"] == "Europe/Berlin"
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
