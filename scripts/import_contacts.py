#!/usr/bin/env python3
"""Import contacts into Thrice from LinkedIn, Google Contacts, vCard or plain CSV (SPEC §8).

    scripts/import_contacts.py FILE... [--server ORIGIN --token T] [--format auto|linkedin|
        google|vcard|csv|mbox] [--me PROFILE_URL] [--me-email EMAIL] [--dry-run]
        [--errors report.csv]

An .mbox file (Google Takeout's mail) adds history instead of contacts: each message with a
known contact becomes an interaction (Message-ID as external_id) and what they wrote may become
suggestions, exactly as a mailbox sync reads them; --me-email names your other addresses.

Rows are streamed from the files and sent in batches of up to 1000 to POST /contacts/bulk.
Running it twice changes nothing: the server matches contacts by profile URL, email, then
import key, and interactions by external_id.

Exit status: 0 when every row was imported, 1 when some rows failed (see --errors),
2 for usage, file-level or connection problems.
With --dry-run and no server configured, the files are only parsed (nothing is sent).
The --errors report (CSV: file, line, level, reason) lists failed rows (level `error`) and
warnings (level `warning`: a value left out or cut to the server's limit); rows of a zip member
are named `export.zip!Connections.csv`.
On a terminal a progress bar shows rows/s; otherwise (a pipe, a log, cron) a plain progress
line is printed every --progress-every seconds.
"""

from __future__ import annotations

import argparse
import base64
import csv
import http.client
import importlib.util
import json
import os
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urlsplit

import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


def _load_parsers() -> None:
    """Make `server.importers` importable without running `server/__init__.py`.

    The parsers are pure (SPEC §1: no Flask, SQL or HTTP); the package's __init__ builds the
    web app and imports Flask and SQLAlchemy, close to a second of start-up that a client
    doesn't need.
    """
    if "server" in sys.modules:
        return
    spec = importlib.util.find_spec("server")
    if spec is None:  # run from a checkout without the package installed
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        spec = importlib.util.find_spec("server")
    if spec is not None and spec.submodule_search_locations is not None:
        sys.modules["server"] = importlib.util.module_from_spec(spec)  # its __path__, no code


_load_parsers()
from server.importers import FORMATS, ImportFileError, ImportRow, iter_rows  # noqa: E402
from server.importers.mbox import is_mbox, iter_messages  # noqa: E402

if TYPE_CHECKING:
    from http.client import HTTPResponse

BATCH: Final = 1000
IN_FLIGHT: Final = 2  # batches at the server at once: one validated while one writes
RETRIES: Final = 3
CONNECT_TIMEOUT: Final = 10
READ_TIMEOUT: Final = 600
SHOWN_WARNINGS: Final = 10
PROGRESS_EVERY: Final = 5.0  # seconds between plain progress lines (no terminal)
ERROR, WARNING = "error", "warning"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Fatal(Exception):
    """Stops the import: the message says what to do."""


@dataclass(slots=True)
class Pending:
    file: str
    line: int
    item: dict[str, Any]


@dataclass(slots=True)
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    interactions: int = 0
    warnings: int = 0
    file_errors: int = 0
    rows: int = 0


class Report:
    """The --errors CSV (file, line, level, reason), written as failures and warnings happen."""

    def __init__(self, path: str | None) -> None:
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if path:
            self._handle = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["file", "line", "level", "reason"])

    def write(self, file: str, line: int, level: str, reason: str) -> None:
        if self._writer is not None:
            self._writer.writerow([file, line, level, reason])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def _reason(errors: Any) -> str:
    """{'emails': {'0': ['Not a valid email.']}} -> 'emails.0: Not a valid email.'"""
    if isinstance(errors, dict):
        parts = []
        for key, value in errors.items():
            inner = _reason(value)
            parts.append(f"{key}.{inner}" if isinstance(value, dict) else f"{key}: {inner}")
        return "; ".join(parts)
    if isinstance(errors, list):
        return " ".join(_reason(e) for e in errors)
    return str(errors)


@dataclass(slots=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


class Client:
    """POST /api/v1/contacts/bulk over keep-alive connections (one per thread), stdlib only:
    `requests` alone costs a quarter of a second of start-up."""

    def __init__(self, origin: str, token: str, dry_run: bool) -> None:
        self.origin = origin.rstrip("/")
        parts = urlsplit(self.origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Fatal(f"--server must be an http(s) origin such as http://127.0.0.1:5000, "
                        f"not {origin!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                        "User-Agent": "thrice-import"}
        self.query = "?" + urlencode({"dry_run": "true"}) if dry_run else ""
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = kind(self._host, self._port, timeout=CONNECT_TIMEOUT)
            self._local.conn = conn
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def check(self) -> None:
        """Fail early, before reading files, on a wrong origin or token."""
        self._request("GET", "/api/v1/me")

    def _once(self, method: str, path: str, body: bytes | None) -> Answer:
        conn = self._connection()
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        if conn.sock is None:
            conn.connect()
        conn.sock.settimeout(READ_TIMEOUT)  # type: ignore[union-attr]
        conn.request(method, self._prefix + path, body=body, headers=headers)
        response: HTTPResponse = conn.getresponse()
        data = response.read()
        if response.will_close:
            self._drop_connection()
        return Answer(response.status, data)

    def _request(self, method: str, path: str, body: bytes | None = None) -> Answer:
        for attempt in range(RETRIES + 1):
            try:
                response = self._once(method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                problem = (f"cannot reach the Thrice server at {self.origin} "
                           f"({exc.__class__.__name__})")
            else:
                if response.status == 401:
                    raise Fatal("the server refused the token: create one with `thrice user "
                                "create EMAIL` or POST /api/v1/tokens and pass it with --token "
                                "or THRICE_TOKEN")
                if response.status == 404 and path.startswith("/api/v1/contacts/bulk"):
                    raise Fatal(f"{self.origin} has no /api/v1/contacts/bulk: is --server the "
                                "origin of a Thrice server?")
                if response.status < 500 and response.status != 429:
                    return response
                problem = f"the server answered {response.status}"
            if attempt < RETRIES:
                time.sleep(0.5 * 2**attempt)
        raise Fatal(f"{problem}: check that `thrice serve` is running and that --server or "
                    "THRICE_URL is right; rows already sent are saved, and running the import "
                    "again is safe")

    def send(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One result per item, in order. A batch the server rejects as a whole (422, 413) is
        split until the items at fault fail alone."""
        body = _dumps({"items": items})
        response = self._request("POST", "/api/v1/contacts/bulk" + self.query, body)
        if response.status == 200:
            return sorted(response.json()["results"], key=lambda r: r["index"])
        if response.status in (413, 422) and len(items) > 1:
            half = len(items) // 2
            return self.send(items[:half]) + self.send(items[half:])
        try:
            answer = response.json()
            reason = answer.get("message", "") + (
                f" {_reason(answer['errors'])}" if answer.get("errors") else "")
        except (ValueError, AttributeError):
            reason = response.body[:200].decode("utf-8", "replace")
        return [{"status": "failed", "errors": {"request": [reason.strip()]},
                 "interactions_added": 0}] * len(items)


def _dumps(value: Any) -> bytes:
    """Compact JSON; orjson (4x faster) unless it refuses (lone surrogates from a bad file)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def _label(path: str, row: ImportRow) -> str:
    return f"{path}!{row.member}" if row.member else path


class Importer:
    def __init__(self, client: Client | None, report: Report, console: Console) -> None:
        self.client = client
        self.report = report
        self.console = console
        self.tally = Tally()
        self.batch: list[Pending] = []
        self.pool = ThreadPoolExecutor(max_workers=IN_FLIGHT)
        self.in_flight: deque[tuple[list[Pending], Future[list[dict[str, Any]]]]] = deque()
        self.source = ""  # the file (or zip member) the current batch comes from
        self.mail = MailTally()  # .mbox files: what the server read from them

    def fail(self, file: str, line: int, reason: str) -> None:
        self.tally.statuses["failed"] += 1
        self.report.write(file, line, ERROR, reason)

    def warn(self, file: str, line: int, message: str) -> None:
        self.tally.warnings += 1
        self.report.write(file, line, WARNING, message)
        if self.tally.warnings <= SHOWN_WARNINGS:
            # File names and cells are text from the file: `[/]` in a cell is no markup.
            self.console.print(f"[yellow]{escape(f'{file}:{line}: {message}')}[/]")

    def add(self, path: str, row: ImportRow) -> None:
        self.tally.rows += 1
        label = _label(path, row)
        for warning in row.warnings:
            self.warn(label, row.line, warning)
        if row.item is None:
            self.fail(label, row.line, row.error or "unreadable row")
            return
        if label != self.source:
            # Batches of one source may land in any order (their rows are independent);
            # the next source (messages after connections) starts once this one has landed.
            self.flush()
            self.collect()
            self.source = label
        self.batch.append(Pending(label, row.line, row.item))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Send the batch. Up to IN_FLIGHT batches are at the server at once: it validates one
        while it writes another, and the next one is parsed meanwhile."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        if self.client is None:  # parse-only dry run
            self.tally.statuses["valid"] += len(batch)
            return
        while len(self.in_flight) >= IN_FLIGHT:
            self._collect_one()
        self.in_flight.append((batch, self.pool.submit(self.client.send,
                                                       [p.item for p in batch])))

    def collect(self) -> None:
        """Wait for every batch sent so far and count its results."""
        while self.in_flight:
            self._collect_one()

    def _collect_one(self) -> None:
        batch, future = self.in_flight.popleft()
        for pending, result in zip(batch, future.result(), strict=True):
            status = result.get("status", "failed")
            if status == "failed":
                self.fail(pending.file, pending.line, _reason(result.get("errors"))
                          or "rejected by the server")
            else:
                self.tally.statuses[status] += 1
                self.tally.interactions += int(result.get("interactions_added") or 0)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Meter:
    """Progress: rich's bar on a terminal; elsewhere (a pipe, a log file, cron) a plain line
    every `every` seconds, since a bar redrawn with carriage returns makes a log unreadable."""

    def __init__(self, console: Console, total: int, every: float) -> None:
        self.console = console
        self.total = total or 1
        self.every = every
        self.started = time.perf_counter()
        self._printed = self.started
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if console.is_terminal:
            self._bar = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(),
                TextColumn("{task.fields[rows]} rows"),
                TextColumn("{task.fields[rate]:,.0f} rows/s"),
                TimeElapsedColumn(), console=console, transient=True)

    def __enter__(self) -> Meter:
        if self._bar is not None:
            self._bar.__enter__()
            self._task = self._bar.add_task("importing", total=self.total, rows=0, rate=0.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def update(self, name: str, done_bytes: int, rows: int) -> None:
        now = time.perf_counter()
        rate = rows / max(now - self.started, 1e-6)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=escape(name), completed=done_bytes,
                             rows=rows, rate=rate)
        elif now - self._printed >= self.every:
            self._printed = now
            share = min(100 * done_bytes // self.total, 100)
            self.console.print(f"{name}: {rows:,} rows, {share}% of the input, "
                               f"{rate:,.0f} rows/s", markup=False)


def run_file(importer: Importer, path: str, args: argparse.Namespace, meter: Meter,
             done_bytes: int) -> None:
    name = Path(path).name
    meter.update(name, done_bytes, importer.tally.rows)
    with open(path, "rb") as binary:
        try:
            for count, row in enumerate(iter_rows(binary, path, args.format, args.me), start=1):
                importer.add(path, row)
                if count % 500 == 0:
                    meter.update(name, done_bytes + binary.tell(), importer.tally.rows)
        except ImportFileError as exc:
            importer.tally.file_errors += 1
            importer.report.write(path, 0, ERROR, str(exc))
            importer.console.print(f"[red]{escape(f'{path}: {exc}')}[/]")


MAIL_BATCH_BYTES: Final = 4_000_000  # raw bytes per POST /me/mail/messages (base64 adds 1/3)
MAIL_BATCH: Final = 500


@dataclass(slots=True)
class MailTally:
    messages_read: int = 0
    interactions_added: int = 0
    suggestions_added: int = 0

    def add(self, other: MailTally) -> None:
        self.messages_read += other.messages_read
        self.interactions_added += other.interactions_added
        self.suggestions_added += other.suggestions_added

    def summary(self, parsed_only: bool) -> str:
        if parsed_only:
            return f"mail (parsed only, nothing sent): {self.messages_read} messages"
        return (f"mail: {self.messages_read} messages read · interactions added "
                f"{self.interactions_added} · suggestions added {self.suggestions_added}")


def _mbox(path: str, fmt: str) -> bool:
    if fmt != "auto":
        return fmt == "mbox"
    with open(path, "rb") as binary:
        return is_mbox(binary, path)


def run_mbox(client: Client | None, path: str, me: list[str]) -> MailTally:
    """Send the messages of an .mbox to the server, which reads them as a mailbox sync does:
    interactions with known contacts (by Message-ID, so twice adds nothing) and suggestions."""
    tally = MailTally()
    batch: list[bytes] = []
    size = 0
    with open(path, "rb") as binary:
        for raw in iter_messages(binary):
            batch.append(raw)
            size += len(raw)
            if size >= MAIL_BATCH_BYTES or len(batch) >= MAIL_BATCH:
                tally.add(_send_mail(client, batch, me))
                batch, size = [], 0
    if batch:
        tally.add(_send_mail(client, batch, me))
    return tally


def _send_mail(client: Client | None, batch: list[bytes], me: list[str]) -> MailTally:
    if client is None or client.query:  # parsing only (a dry run)
        return MailTally(messages_read=len(batch))
    body = _dumps({"messages": [base64.b64encode(r).decode() for r in batch], "me": me})
    response = client._request("POST", "/api/v1/me/mail/messages", body)
    if response.status != 200:
        raise Fatal(f"the server refused the messages ({response.status}): "
                    f"{response.body[:300].decode('utf-8', 'replace')}")
    counts = response.json()
    return MailTally(counts["messages_read"], counts["interactions_added"],
                     counts["suggestions_added"])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="import_contacts.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--server", default=os.environ.get("THRICE_URL"),
                        help="server origin, e.g. http://127.0.0.1:5000 (env THRICE_URL)")
    parser.add_argument("--token", default=os.environ.get("THRICE_TOKEN"),
                        help="API token (env THRICE_TOKEN)")
    parser.add_argument("--format", choices=(*FORMATS, "mbox"), default="auto")
    parser.add_argument("--me-email", action="append", default=[], metavar="EMAIL",
                        help="(.mbox) one of your own addresses besides your account's; "
                             "repeat for several")
    parser.add_argument("--me", help="your LinkedIn profile URL (LinkedIn export .zip)")
    parser.add_argument("--dry-run", action="store_true",
                        help="report what would happen, write nothing")
    parser.add_argument("--errors", metavar="REPORT.csv",
                        help="write failed rows and warnings as CSV: file,line,level,reason")
    parser.add_argument("--progress-every", metavar="SECONDS", type=float,
                        default=PROGRESS_EVERY,
                        help="without a terminal, print a progress line this often "
                             f"(default {PROGRESS_EVERY:g})")
    args = parser.parse_args(argv)
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    if not (args.server and args.token) and not args.dry_run:
        parser.error("say where to import: --server ORIGIN --token TOKEN, or set THRICE_URL "
                     "and THRICE_TOKEN (a token comes from `thrice user create EMAIL`)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # No highlighting or emoji codes: text from the files (":smile:", "[bold]") prints as is.
    console = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
    out = Console(highlight=False, soft_wrap=True, emoji=False)
    try:
        client = (Client(args.server, args.token, args.dry_run)
                  if args.server and args.token else None)
    except Fatal as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        return EXIT_USAGE
    report = Report(args.errors)
    importer = Importer(client, report, console)
    started = time.perf_counter()
    try:
        if client is not None:
            client.check()
        sizes = [Path(f).stat().st_size for f in args.files]
        with Meter(console, sum(sizes), args.progress_every) as meter:
            for index, path in enumerate(args.files):
                if _mbox(path, args.format):
                    importer.mail.add(run_mbox(client, path, args.me_email))
                    continue
                run_file(importer, path, args, meter, sum(sizes[:index]))
            importer.flush()
            importer.collect()
    except Fatal as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.print("[red]interrupted[/]: rows already sent are saved; running the import "
                      "again is safe")
        return EXIT_USAGE
    finally:
        importer.close()
        report.close()
    elapsed = time.perf_counter() - started
    tally = importer.tally
    counts = tally.statuses
    prefix = "dry run, would be: " if args.dry_run else ""
    if importer.mail.messages_read:
        out.print(importer.mail.summary(client is None), markup=False)
    if client is None:
        out.print(f"dry run (parsed only, nothing sent): {counts['valid']} rows ok · "
                  f"failed {counts['failed']}", markup=False)
    else:
        out.print(f"{prefix}created {counts['created']} · updated {counts['updated']} · "
                  f"unchanged {counts['unchanged']} · failed {counts['failed']} · "
                  f"interactions added {tally.interactions}", markup=False)
    reported = [what for what, n in (("failed rows", counts["failed"] + tally.file_errors),
                                     ("warnings", tally.warnings)) if n]
    out.print(f"{tally.rows} rows in {elapsed:.1f} s ({tally.rows / max(elapsed, 1e-6):,.0f} "
              f"rows/s); {tally.warnings} warnings" + (
                  f"; {' and '.join(reported)} written to {args.errors}"
                  if args.errors and reported else ""), markup=False)
    if tally.file_errors:
        return EXIT_USAGE
    return EXIT_FAILED if counts["failed"] else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
