"""scripts/import_contacts.py on hostile files: markup in cells, runaway cells, open quotes,
guessed roles, the --errors report's levels, and progress without a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.scripts.test_import_contacts import SCRIPT, contacts, read_report, run

MB = 1 << 20


def test_markup_in_cells_and_file_names_prints_verbatim(live_server, tmp_path):
    user = live_server.new_user()
    path = tmp_path / "[red]people[bold].csv"
    path.write_text(
        "name,email,role,notes\n"
        "Ann [/] Lee,[/]@bad,[bold]boss[/bold],:smile: [link=https://evil.example]x[/link]\n"
        "Bob [bold]Best,[/red],,\n", encoding="utf-8")
    report = tmp_path / "errors.csv"
    done = run(str(path), "--server", live_server.url, "--token", user.token,
               "--errors", str(report))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{path}:2: invalid email '[/]@bad' left out" in done.stderr
    assert f"{path}:2: unknown role '[bold]boss[/bold]' left out" in done.stderr
    assert f"{path}:3: invalid email '[/red]' left out" in done.stderr
    assert "created 2 · updated 0 · unchanged 0 · failed 0" in done.stdout
    assert f"written to {report}" in done.stdout
    stored = {c["name"]: c for c in contacts(user)}
    assert set(stored) == {"Ann [/] Lee", "Bob [bold]Best"}
    assert stored["Ann [/] Lee"]["notes"] == ":smile: [link=https://evil.example]x[/link]"
    assert [(line, level) for _, line, level, _ in read_report(report)] == [
        ("2", "warning"), ("2", "warning"), ("3", "warning")]


def test_markup_in_a_file_level_error_prints_verbatim(tmp_path):
    path = tmp_path / "odd[red]x[bold].csv"
    path.write_text("[bold],[/]\n1,2\n")
    done = run(str(path), "--dry-run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}: no CSV (a name or email column) header found" in done.stderr


def test_a_megabyte_cell_is_cut_and_reported_as_a_warning(live_server, tmp_path):
    user = live_server.new_user()
    path = tmp_path / "big.csv"
    path.write_text(f'name,email,company,notes\nAnn,ann@x.example,{"C" * MB},"{"n" * MB}"\n'
                    "Bob,bob@x.example,B,\n")
    report = tmp_path / "errors.csv"
    done = run(str(path), "--server", live_server.url, "--token", user.token,
               "--errors", str(report))
    assert done.returncode == 0, done.stderr
    assert "created 2 · updated 0 · unchanged 0 · failed 0" in done.stdout
    ann = next(c for c in contacts(user) if c["name"] == "Ann")
    assert len(ann["company"]) == 200 and len(ann["notes"]) == 10_000
    assert read_report(report) == [
        [str(path), "2", "warning", "company cut to 200 characters (was 1,048,576)"],
        [str(path), "2", "warning", "notes cut to 10,000 characters (was 1,048,576)"],
    ]


def test_an_open_quote_is_a_failed_row_where_it_opens(live_server, tmp_path):
    user = live_server.new_user()
    rows = [f"P{n},Person,https://www.linkedin.com/in/p-{n},,Beta,Engineer,0{n} Jan 2026"
            for n in range(3, 9)]
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        'Ann,Able,https://www.linkedin.com/in/ann-able,,"Acme,Technical Recruiter,01 Jan 2026\n'
        + "\n".join(rows[:4])  # lines 3-6, swallowed
        + '\nEd,Eve,https://www.linkedin.com/in/ed-eve,,"Echo",Engineer,07 Jan 2026\n'  # 7
        + "\n".join(rows[4:]) + "\n")  # 8-9
    report = tmp_path / "errors.csv"
    done = run(str(path), "--server", live_server.url, "--token", user.token,
               "--errors", str(report))
    assert done.returncode == 1
    assert "created 2 · updated 0 · unchanged 0 · failed 1" in done.stdout
    ((file, line, level, reason),) = read_report(report)
    assert (file, line, level) == (str(path), "2", "error")
    assert reason.startswith("probable unterminated quote: a quoted field opened on line 2 "
                             "runs over 6 lines, to line 7, taking in 4 lines")


def test_guessed_roles_arrive_and_a_chosen_role_survives_a_reimport(live_server, tmp_path):
    user = live_server.new_user()
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Rita,Ross,https://www.linkedin.com/in/rita-ross,,Acme,Technical Recruiter,01 Jan 2026\n"
        "Hal,Hope,https://www.linkedin.com/in/hal-hope,,Acme,Head of Engineering,01 Jan 2026\n"
        "Pia,Park,https://www.linkedin.com/in/pia-park,,Acme,People Partner,01 Jan 2026\n"
        "Sam,Sun,https://www.linkedin.com/in/sam-sun,,Acme,Software Engineer,01 Jan 2026\n")
    args = (str(path), "--server", live_server.url, "--token", user.token)
    assert run(*args).returncode == 0
    roles = {c["name"]: c["role"] for c in contacts(user)}
    assert roles == {"Rita Ross": "recruiter", "Hal Hope": "department_manager",
                     "Pia Park": "hr", "Sam Sun": "other"}
    hal = next(c for c in contacts(user) if c["name"] == "Hal Hope")
    assert user.patch(f"/contacts/{hal['id']}", json={"role": "hiring_manager"}).status_code \
        == 200
    again = run(*args)
    assert "created 0 · updated 0 · unchanged 4 · failed 0" in again.stdout
    assert {c["name"]: c["role"] for c in contacts(user)}["Hal Hope"] == "hiring_manager"


def _rows_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "many.csv"
    path.write_text("name,email\n" + "".join(f"P{n},p{n}@x.example\n" for n in range(count)))
    return path


def test_without_a_terminal_progress_is_plain_lines(tmp_path):
    done = run(str(_rows_file(tmp_path, 1200)), "--dry-run", "--progress-every", "0")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(re.fullmatch(r"many\.csv: 1,000 rows, \d+% of the input, [\d,]+ rows/s", line)
               for line in lines), done.stderr
    assert "\r" not in done.stderr and "\x1b" not in done.stderr  # no bar redrawn in a log
    assert "1200 rows in" in done.stdout


def test_without_a_terminal_progress_lines_wait_for_their_interval(tmp_path):
    done = run(str(_rows_file(tmp_path, 1200)), "--dry-run", "--progress-every", "3600")
    assert done.returncode == 0 and "rows/s" not in done.stderr


def test_on_a_terminal_progress_is_a_bar(tmp_path):
    main, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("THRICE_")}
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), str(_rows_file(tmp_path, 1200)), "--dry-run",
             "--progress-every", "0"],
            stdout=subprocess.PIPE, stderr=secondary, text=True, timeout=120, check=False,
            env={**environment, "TERM": "xterm", "COLUMNS": "100"})
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child's side is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 0
    assert b"rows/s" in shown and b"% of the input" not in shown, shown  # a bar, no line
    assert "1200 rows in" in done.stdout
