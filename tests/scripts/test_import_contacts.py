"""scripts/import_contacts.py against a real Thrice server (the `live_server` fixture)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.importers import samples

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "import_contacts.py"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("THRICE_")}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          env={**environment, **(env or {})}, timeout=120, check=False)


def read_report(path: Path) -> list[list[str]]:
    """The --errors report's rows, its header checked."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "line", "level", "reason"]
    return rows[1:]


def contacts(user) -> list[dict]:
    response = user.get("/contacts?limit=200")
    assert response.status_code == 200
    return response.get_json()["items"]


def interactions(user, contact_id: int) -> list[dict]:
    return user.get(f"/contacts/{contact_id}/interactions?limit=200").get_json()["items"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    written = {
        "zip": ("Basic_LinkedInDataExport.zip", samples.linkedin_zip()),
        "old": ("Connections.csv", samples.CONNECTIONS_OLD.encode()),
        "google": ("contacts.csv", samples.GOOGLE.encode()),
        "vcard": ("contacts.vcf", samples.VCARDS.encode()),
        "plain": ("people.csv", samples.PLAIN.encode()),
    }
    paths = {}
    for key, (name, data) in written.items():
        folder = tmp_path / key
        folder.mkdir()
        paths[key] = folder / name
        paths[key].write_bytes(data)
    return paths


def test_linkedin_export_end_to_end_and_idempotent(live_server, files, tmp_path):
    user = live_server.new_user()
    report = tmp_path / "errors.csv"
    args = (str(files["zip"]), "--server", live_server.url, "--token", user.token,
            "--errors", str(report))
    first = run(*args)
    assert first.returncode == 1, first.stderr  # the nameless connection failed
    assert "created 6 · updated 0 · unchanged 0 · failed 1 · interactions added 8" in first.stdout
    member = f"{files['zip']}!Connections.csv"
    assert read_report(report) == [
        [member, "9", "error", "no name or email (a name is required)"],
        [member, "10", "warning", "invalid email 'ravi@@bad' left out: The part after the "
                                  "@-sign contains invalid characters: '@'."],
        [member, "11", "warning", "unreadable Connected On 'sometime': no follow logged"],
    ]

    stored = {c["name"]: c for c in contacts(user)}
    assert set(stored) == {"Jane Doe", "Jürgen Müller", "Ravi Kumar", "Amélie Dubois",
                           "Rita Recruiter", "Paul Pending"}
    jane = stored["Jane Doe"]
    assert jane["profiles"] == [{"network": "linkedin", "handle": "jane-doe-8a1b2c",
                                 "url": "https://linkedin.com/in/jane-doe-8a1b2c"}]
    assert jane["company"] == "Acme, Inc." and jane["source"] == "import"
    assert sorted((i["type"], i["occurred_at"]) for i in interactions(user, jane["id"])) == [
        ("message_received", "2026-08-02T09:30:00Z"),
        ("message_sent", "2026-08-01T02:00:00Z"),
        ("social_follow", "2026-01-19T09:15:00Z"),
        ("social_follow", "2026-02-08T12:00:00Z"),
    ]
    assert stored["Jürgen Müller"]["profiles"][0]["url"] == (
        "https://linkedin.com/in/jürgen-müller-4a5b")
    assert stored["Jürgen Müller"]["emails"] == ["juergen.mueller@example.com"]
    assert stored["Ravi Kumar"]["emails"] == []
    assert [i["type"] for i in interactions(user, stored["Rita Recruiter"]["id"])] == [
        "message_received"]

    second = run(*args)
    assert second.returncode == 1
    assert "created 0 · updated 0 · unchanged 6 · failed 1 · interactions added 0" in (
        second.stdout)
    assert len(contacts(user)) == 6
    assert len(interactions(user, jane["id"])) == 4


def test_every_format_in_one_run_with_env_configuration(live_server, files, tmp_path):
    user = live_server.new_user()
    env = {"THRICE_URL": live_server.url, "THRICE_TOKEN": user.token}
    report = tmp_path / "errors.csv"
    paths = [str(files[k]) for k in ("old", "google", "vcard", "plain")]
    done = run(*paths, "--errors", str(report), env=env)
    assert done.returncode == 1
    # old: 2, google: 2 (+1 failed), vcard: 3 (+1 failed), plain: 2 (+1 failed)
    assert "created 9 · updated 0 · unchanged 0 · failed 3" in done.stdout
    failed = {(Path(f).name, int(line)) for f, line, level, _ in read_report(report)
              if level == "error"}
    assert failed == {("contacts.csv", 4), ("contacts.vcf", 31), ("people.csv", 6)}
    stored = {c["name"]: c for c in contacts(user)}
    assert stored["Johnny Appleseed"]["tags"] == ["Hiring", "Warm leads"]
    assert {p["network"] for p in stored["Johnny Appleseed"]["profiles"]} == {"linkedin", "x"}
    assert stored["Jürgen Müller"]["company"] == "Bäckerei Schön"
    assert stored["Dr. Maria Luisa García"]["phones"][0] == "+34600123456"  # E.164 server-side
    alan = stored["Alan Turing"]
    assert [i["external_id"] for i in interactions(user, alan["id"])] == [
        "li-conn:linkedin:alan turing|npl"]

    again = run(*paths, env=env)
    assert "created 0 · updated 0 · unchanged 9 · failed 3" in again.stdout
    assert len(contacts(user)) == 9  # import keys matched Bob Builder, Alan Turing, Kwame...


def test_dry_run_writes_nothing_but_tells_what_would_happen(live_server, files):
    user = live_server.new_user()
    done = run(str(files["old"]), "--dry-run", "--server", live_server.url,
               "--token", user.token)
    assert done.returncode == 0, done.stderr
    assert "would be: created 2 · updated 0 · unchanged 0 · failed 0" in done.stdout
    assert contacts(user) == []


def test_dry_run_without_a_server_only_parses(files):
    done = run(str(files["plain"]), "--dry-run")
    assert done.returncode == 1
    assert "parsed only" in done.stdout and "2 rows ok · failed 1" in done.stdout


def test_clean_file_exits_zero(live_server, files):
    user = live_server.new_user()
    done = run(str(files["old"]), "--server", live_server.url, "--token", user.token)
    assert done.returncode == 0, done.stderr
    assert len(contacts(user)) == 2


def test_usage_and_connection_errors_exit_two(live_server, files, tmp_path):
    no_server = run(str(files["old"]))
    assert no_server.returncode == 2 and "THRICE_URL" in no_server.stderr
    missing = run(str(tmp_path / "nope.csv"), "--server", live_server.url, "--token", "x")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad_token = run(str(files["old"]), "--server", live_server.url, "--token", "wrong")
    assert bad_token.returncode == 2 and "refused the token" in bad_token.stderr
    down = run(str(files["old"]), "--server", "http://127.0.0.1:9", "--token", "x")
    assert down.returncode == 2 and "cannot reach" in down.stderr


def test_file_level_problem_exits_two_and_other_files_still_import(live_server, files,
                                                                   tmp_path):
    user = live_server.new_user()
    junk = tmp_path / "junk.csv"
    junk.write_text("foo,bar\n1,2\n")
    done = run(str(junk), str(files["old"]), "--server", live_server.url, "--token", user.token)
    assert done.returncode == 2
    assert "junk.csv: no CSV (a name or email column) header found" in done.stderr
    assert len(contacts(user)) == 2
