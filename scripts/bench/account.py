"""Load benchmark on a large account (SPEC §9): the four requests of the goals, on an account of
20,000 contacts with 100,000 interactions, each as a ratio to a bare Flask endpoint measured in
the same run under the same gunicorn options (2 workers, wrk with 16 connections).

    .venv/bin/python scripts/bench/account.py [--contacts 20000] [--small 2000] [--seconds 8]
        [--only popup,save,resave,log] [--pg | --pg-only] [--tree PATH] [--read-cache off]

Sections, each on a fresh database with a fresh `thrice serve --workers 2`:
- **SQLite, jobs in-process, `--contacts` contacts** (5 interactions each, `--per-contact`):
  - popup: `GET /api/v1/nudges?state=due&limit=50` with at least 20 due nudges listed
    (goal ≥ 0.6 of bare GET);
  - save: `POST /api/v1/contacts`, a new person each request (goal ≥ 0.35 of bare POST);
  - resave: `POST /api/v1/contacts` with the URL of one of 1,000 contacts spread over the
    account and a new headline each time, so it is a real update (goal ≥ 0.1);
  - log: `POST /api/v1/contacts/{id}/interactions {"type": "email_sent"}` over the same 1,000
    contacts (goal ≥ 0.1); p99 ≤ 50 ms for all four.
- **SQLite, `--small` contacts** (0 skips it): resave and log again; their throughput at
  `--contacts` must be within 1.5× of this (the cost of a write must not grow with the account).
- **PostgreSQL + Redis** (`--pg`; `--pg-only` runs nothing else): resave and log with
  DATABASE_URL on a database of its own (created and dropped here) and REDIS_URL on a Redis
  database of its own (emptied at start and end), with 2 `thrice worker`s; goal ≥ 0.2 of bare
  POST, and the derived work done (no contact with `dirty_at`, no RQ job queued, running or
  scheduled) within 30 s of the end of each load.

The account is seeded through `POST /api/v1/contacts/bulk` (1000 contacts a batch, two batches at
the server at once, as scripts/import_contacts.py sends them) after `PATCH /me {"weekend": []}`,
plus 25 contacts with a by-date promise that passed two days ago (P1 nudges, which the daily cap
on visible nudges does not hold back). Measuring starts when the derived work is done.
`--tree` runs the server from another checkout (e.g. a `git worktree` of an earlier commit)
with this venv; the benchmark itself imports nothing from `server`. Every wait is bounded and
every process, temp folder, database and Redis database is cleaned up at the end. Needs wrk.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection, RemoteDisconnected
from pathlib import Path
from typing import Any

import orjson

try:
    from scripts.bench import loadkit
except ImportError:  # run as a file: its own folder is on sys.path
    import loadkit  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("popup", "save", "resave", "log")
WRITES = ("resave", "log")
DUE = 25  # contacts with a passed promise: due P1 nudges in the popup's list
DUE_MIN = 20
CYCLE = 1000  # existing contacts that resave and log cycle over
BATCH = 1000
TYPES = ["email_sent", "reply_received", "message_sent", "message_received", "call",
         "social_like", "social_follow", "meeting", "note", "social_comment"]
ROLES = ["other"] * 6 + ["recruiter", "peer", "hiring_manager", "referrer"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne Enterprises"]
POPUP_PATH = "/api/v1/nudges?state=due&limit=50"

# Lua for wrk. Each wrk thread runs its own Lua state with the same random seed, so requests
# are told apart by the thread's number (set in setup) and a per-thread counter.
LUA_THREADS = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
counter = 0
local headers = {["Content-Type"]="application/json", ["Authorization"]="Bearer __TOKEN__"}
"""
GET_LUA = LUA_THREADS + """
request = function()
  return wrk.format("GET", "__PATH__", headers)
end
"""
NEW_LUA = LUA_THREADS + """
request = function()
  counter = counter + 1
  local id = string.format("new-%s-%d-%d", "__TAG__", tid, counter)
  local body = '{"name":"Bench ' .. id .. '","company":"Acme","profiles":'
    .. '[{"url":"https://www.linkedin.com/in/' .. id .. '/"}]}'
  return wrk.format("POST", "__PATH__", headers, body)
end
"""
# The known person as the extension sends it again, with a headline that changed.
RESAVE_LUA = LUA_THREADS + """
local ns = {__NUMBERS__}
local companies = {__COMPANIES__}
request = function()
  counter = counter + 1
  local n = ns[((tid - 1) * 500 + counter) % #ns + 1]
  local body = '{"name":"Person ' .. n .. '","company":"' .. companies[n % #companies + 1]
    .. '","headline":"Re-saved ' .. tid .. '-' .. counter .. '","profiles":'
    .. '[{"url":"https://www.linkedin.com/in/__TAG__-person-' .. n .. '/"}]}'
  return wrk.format("POST", "/api/v1/contacts", headers, body)
end
"""
LOG_LUA = LUA_THREADS + """
local ids = {__IDS__}
request = function()
  counter = counter + 1
  local id = ids[((tid - 1) * 500 + counter) % #ids + 1]
  return wrk.format("POST", "/api/v1/contacts/" .. id .. "/interactions", headers,
    '{"type":"email_sent"}')
end
"""


def lua(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"__{key.upper()}__", value)
    return template


@dataclass
class Row:
    section: str
    request: str
    figures: dict[str, float]
    ratio: float | None = None
    goal: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Account:
    token: str
    tag: str
    numbers: list[int] = field(default_factory=list)  # seed numbers of the cycled contacts
    ids: list[int] = field(default_factory=list)  # their contact ids


@dataclass
class Section:
    name: str
    contacts: int
    kinds: list[str]
    pg: bool = False


# --- derived work ---------------------------------------------------------------------------


class Derived:
    """Work still to do: contacts marked dirty, and (with Redis) RQ jobs queued, running or
    waiting for a retry."""

    def __init__(self, sqlite_path: Path | None, pg_url: str | None,
                 redis_url: str | None) -> None:
        self.sqlite_path, self.pg_url, self.redis_url = sqlite_path, pg_url, redis_url
        self._redis: Any = None

    def count(self, sql: str) -> int:
        if self.pg_url is not None:
            import psycopg

            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]
        assert self.sqlite_path is not None
        conn = sqlite3.connect(self.sqlite_path, timeout=10)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()

    def dirty(self) -> int:
        return self.count("SELECT count(*) FROM contacts WHERE dirty_at IS NOT NULL")

    def jobs(self) -> int:
        if self.redis_url is None:
            return 0
        from redis import Redis
        from rq import Queue

        if self._redis is None:
            self._redis = Redis.from_url(self.redis_url)
        total = 0
        for q in Queue.all(connection=self._redis):
            total += (q.count + q.started_job_registry.count + q.scheduled_job_registry.count
                      + q.deferred_job_registry.count)
        return total

    def failed_jobs(self) -> int:
        if self.redis_url is None:
            return 0
        from rq import Queue

        self.jobs()
        return sum(q.failed_job_registry.count for q in Queue.all(connection=self._redis))

    def wait(self, timeout: float) -> float | None:
        """Seconds until nothing is left to do, or None after `timeout`."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.dirty() == 0 and self.jobs() == 0:
                return time.monotonic() - t0
            time.sleep(0.2)
        return None


# --- HTTP -----------------------------------------------------------------------------------


class Api:
    """Plain HTTP/1.1 keep-alive calls, one connection per thread."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self._local = threading.local()

    def call(self, method: str, path: str, body: Any = None,
             timeout: float = 120) -> tuple[int, Any]:
        data = orjson.dumps(body) if body is not None else None
        for attempt in range(2):
            conn: HTTPConnection | None = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                conn.request(method, "/api/v1" + path, body=data,
                             headers={"Authorization": f"Bearer {self.token}",
                                      "Content-Type": "application/json"})
                response = conn.getresponse()
                raw = response.read()
            except (BrokenPipeError, ConnectionResetError, RemoteDisconnected):
                # The server closed an idle keep-alive connection: open a new one, once.
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
                continue
            return response.status, orjson.loads(raw) if raw else None
        raise AssertionError("unreachable")

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        if status >= 300:
            raise SystemExit(f"{method} {path} answered {status}: {answer}")
        return answer


def person(tag: str, n: int, rng: random.Random, per_contact: int,
           now: datetime) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": f"Person {n}", "company": COMPANIES[n % len(COMPANIES)],
        "headline": f"Engineer at {COMPANIES[n % len(COMPANIES)]}", "role": ROLES[n % len(ROLES)],
        "profiles": [{"url": f"https://www.linkedin.com/in/{tag}-person-{n}/"}],
        "interactions": [
            {"type": rng.choice(TYPES), "external_id": f"{tag}-{n}-{k}",
             "occurred_at": (now - timedelta(seconds=rng.randrange(400 * 86400))
                             ).strftime("%Y-%m-%dT%H:%M:%SZ")}
            for k in range(per_contact)],
    }
    if n % 4 == 0:
        item["emails"] = [f"person{n}@{tag}.example.com"]
    return item


def seed(api: Api, account: Account, contacts: int, per_contact: int) -> float:
    """The account through the bulk endpoint, plus DUE contacts with a passed promise."""
    t0 = time.perf_counter()
    # First, while the account is empty: it re-evaluates all of the user's nudges.
    api.ok("PATCH", "/me", {"weekend": []})
    rng, now = random.Random(12), datetime.now(UTC)
    cycled = {round(i * contacts / CYCLE) for i in range(min(CYCLE, contacts))}
    ids: dict[int, int] = {}

    def send(start: int) -> None:
        numbers = range(start, min(start + BATCH, contacts))
        items = [person(account.tag, n, random.Random(rng.random()), per_contact, now)
                 for n in numbers]
        answer = api.ok("POST", "/contacts/bulk", {"items": items})
        failed = [r for r in answer["results"] if r.get("status") == "failed"]
        if failed:
            raise SystemExit(f"bulk seeding failed: {failed[:3]}")
        for n, result in zip(numbers, answer["results"], strict=True):
            if n in cycled:
                ids[n] = result["id"]

    with ThreadPoolExecutor(2) as pool:  # two batches at the server at once, like the importer
        for future in [pool.submit(send, s) for s in range(0, contacts, BATCH)]:
            future.result()
    account.numbers = sorted(ids)
    account.ids = [ids[n] for n in account.numbers]
    for i in range(DUE):
        cid = api.ok("POST", "/contacts", {"name": f"Due {i}",
                                           "emails": [f"due{i}@{account.tag}.example.com"]})["id"]
        api.ok("POST", f"/contacts/{cid}/interactions", {
            "type": "promise_made", "occurred_at": (now - timedelta(days=3)).isoformat(),
            "promise": {"kind": "by_date", "date": (now - timedelta(days=2)).date().isoformat()}})
    return time.perf_counter() - t0


def wait_for_popup(api: Api, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while True:
        listed = len(api.ok("GET", POPUP_PATH.removeprefix("/api/v1"))["items"])
        if listed >= DUE_MIN or time.monotonic() > deadline:
            return listed
        time.sleep(0.5)


# --- processes ------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bare: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def tree(self) -> Path:
        return Path(self.args.tree).resolve()

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        return {"PYTHONPATH": str(self.tree), "THRICE_LOG_LEVEL": "WARNING",
                "DATABASE_URL": "", "REDIS_URL": "", **extra}


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        yield procs
    finally:
        # `thrice worker` does not exit on SIGTERM (it starts a new RQ worker): 10 s, then
        # SIGKILL, which is safe here since nothing is left to do.
        loadkit.stop_all(list(reversed(procs)), timeout=10)


def measure_bare(run: Run, label: str, kinds: list[str]) -> dict[str, dict[str, float]]:
    """Bare Flask under the same gunicorn options as the tree's `thrice serve`."""
    port, figures = loadkit.free_port(), {}
    with processes() as procs:
        procs.append(loadkit.start(
            [sys.executable, str(ROOT / "scripts" / "bench" / "bare_app.py"), "--port",
             str(port), "--workers", "2"], run.env({}), run.tree))
        url = f"http://127.0.0.1:{port}"
        loadkit.wait_http(f"{url}/json", proc=procs[0])
        if "popup" in kinds:
            figures["GET"] = loadkit.wrk(url, lua(GET_LUA, path="/json", token="x"),
                                         run.args.seconds, run.args.connections, run.workdir)
            run.rows.append(Row(label, "bare Flask GET /json", figures["GET"]))
        if any(k != "popup" for k in kinds):
            figures["POST"] = loadkit.wrk(url, lua(NEW_LUA, path="/json", token="x", tag="bare"),
                                          run.args.seconds, run.args.connections, run.workdir)
            run.rows.append(Row(label, "bare Flask POST /json", figures["POST"]))
    return figures


def log_notes(label: str, logs: list[Path]) -> list[str]:
    """Warnings, errors and tracebacks the server and workers wrote (gunicorn's INFO lines and
    RQ's job chatter left out)."""
    seen: dict[str, int] = {}
    for path in logs:
        with suppress(OSError):
            for line in path.read_text(errors="replace").splitlines():
                if re.search(r"WARNING|ERROR|CRITICAL|Traceback|Error:|Exception", line):
                    key = re.sub(r"\d+", "N", line.strip())[:160]
                    seen[key] = seen.get(key, 0) + 1
    return [f"{label}: {count}× {line}" for line, count in list(seen.items())[:8]]


def run_section(run: Run, section: Section) -> dict[str, Row]:
    args = run.args
    label = section.name
    print(f"\n== {label} ==", flush=True)
    bare = measure_bare(run, label, section.kinds)
    for method, fig in bare.items():
        print(f"  bare Flask {method}: {fig['rps']:.0f} req/s, p99 {fig['p99']:.1f} ms",
              flush=True)
    slug = re.sub("[^a-z0-9]+", "-", label.lower()).strip("-")
    instance = run.workdir / slug
    extra = {"THRICE_INSTANCE_PATH": str(instance)}
    if args.read_cache == "off":
        extra["THRICE_READ_CACHE"] = "0"
    dbname, pg_url = None, None
    if section.pg:
        dbname = f"thrice_bench_{os.getpid()}"
        pg_url = f"{args.pg_server.rstrip('/')}/{dbname}"
        create_database(args.pg_server, dbname)
        flush_redis(args.redis_url)
        extra.update({"DATABASE_URL": pg_url, "REDIS_URL": args.redis_url})
    env = run.env(extra)
    logs: list[Path] = []
    results: dict[str, Row] = {}
    try:
        created = subprocess.run(
            [sys.executable, "-m", "server.cli", "user", "create", f"bench-{slug}@example.com"],
            env={**os.environ, **env}, cwd=run.tree, capture_output=True, text=True,
            check=True, timeout=180)
        token = created.stdout.strip().splitlines()[-1]
        account = Account(token=token, tag=f"b{os.getpid()}-{slug}")
        derived = Derived(instance / "thrice.sqlite3" if not section.pg else None, pg_url,
                          args.redis_url if section.pg else None)
        port = loadkit.free_port()
        with processes() as procs:
            def spawn(name: str, argv: list[str]) -> subprocess.Popen[bytes]:
                log = run.workdir / f"{slug}-{name}.log"
                logs.append(log)
                with log.open("wb") as handle:
                    proc = loadkit.start([sys.executable, "-m", "server.cli", *argv], env,
                                         run.tree, stderr=handle)
                procs.append(proc)
                return proc

            if section.pg:
                for i in range(args.rq_workers):
                    spawn(f"worker{i}", ["worker"])
            server = spawn("server", ["serve", "--port", str(port), "--workers", "2"])
            base = f"http://127.0.0.1:{port}"
            loadkit.wait_http(f"{base}/api/v1/health", timeout=120, proc=server)
            api = Api(port, token)
            seconds = seed(api, account, section.contacts, args.per_contact)
            interactions = section.contacts * args.per_contact
            print(f"  seeded {section.contacts:,} contacts, {interactions:,} interactions "
                  f"and {DUE} promises in {seconds:.1f}s", flush=True)
            settled = derived.wait(args.settle_timeout)
            if settled is None:
                raise SystemExit(f"derived work not done {args.settle_timeout:.0f}s after "
                                 f"seeding ({derived.dirty()} dirty contacts)")
            listed = wait_for_popup(api)
            counts = {t: derived.count(f"SELECT count(*) FROM {t}")
                      for t in ("contacts", "interactions", "nudges")}
            print(f"  derived work done {settled:.1f}s later; {counts['contacts']:,} contacts, "
                  f"{counts['interactions']:,} interactions, {counts['nudges']:,} nudges; "
                  f"{listed} due in the popup", flush=True)
            if listed < DUE_MIN:
                run.notes.append(f"{label}: only {listed} due nudges listed (wanted "
                                 f"{DUE_MIN})")
            for kind in section.kinds:
                row = measure(run, section, kind, base, api, account, bare, derived)
                results[kind] = row
                run.rows.append(row)
                f = row.figures
                print(f"  {row.request}: {f['rps']:.0f} req/s, p50 {f['p50']:.1f} ms, "
                      f"p99 {f['p99']:.1f} ms, ratio {row.ratio:.2f} {row.note}", flush=True)
            if section.pg and (failed := derived.failed_jobs()):
                run.notes.append(f"{label}: {failed} failed RQ jobs")
    finally:
        run.notes.extend(log_notes(label, logs))
        if section.pg:
            if dbname:
                drop_database(args.pg_server, dbname)
            flush_redis(args.redis_url)
    return results


def probe(api: Api, method: str, path: str, body: Any, expected: int) -> str:
    status, _ = api.call(method, path, body)
    return "" if status == expected else f"(probe answered {status}, expected {expected})"


def measure(run: Run, section: Section, kind: str, base: str, api: Api, account: Account,
            bare: dict[str, dict[str, float]], derived: Derived) -> Row:
    args, token, tag = run.args, account.token, account.tag
    n0, id0 = account.numbers[0], account.ids[0]
    if kind == "popup":
        request, script = "GET /nudges?state=due&limit=50", lua(GET_LUA, path=POPUP_PATH,
                                                                 token=token)
        note = probe(api, "GET", POPUP_PATH.removeprefix("/api/v1"), None, 200)
    elif kind == "save":
        request, script = "POST /contacts (new)", lua(NEW_LUA, path="/api/v1/contacts",
                                                      token=token, tag=tag)
        note = probe(api, "POST", "/contacts", {"name": "Probe", "profiles": [
            {"url": f"https://www.linkedin.com/in/probe-{tag}/"}]}, 201)
    elif kind == "resave":
        request = "POST /contacts (known URL)"
        script = lua(RESAVE_LUA, token=token, tag=tag, numbers=",".join(map(str, account.numbers)),
                     companies=",".join(f'"{c}"' for c in COMPANIES))
        note = probe(api, "POST", "/contacts", {
            "name": f"Person {n0}", "company": COMPANIES[n0 % len(COMPANIES)],
            "headline": "Probe", "profiles": [
                {"url": f"https://www.linkedin.com/in/{tag}-person-{n0}/"}]}, 200)
    else:
        request = "POST /contacts/{id}/interactions"
        script = lua(LOG_LUA, token=token, ids=",".join(map(str, account.ids)))
        note = probe(api, "POST", f"/contacts/{id0}/interactions", {"type": "email_sent"}, 201)
    figures = loadkit.wrk(base, script, args.seconds, args.connections, run.workdir)
    yardstick = bare["GET" if kind == "popup" else "POST"]["rps"]
    ratio = figures["rps"] / yardstick
    if section.pg:
        goal, ok = "ratio ≥ 0.20", ratio >= 0.2
        drained = derived.wait(args.drain_timeout)
        figures["drain"] = float("inf") if drained is None else drained
        goal += ", drained ≤ 30 s"
        ok = ok and drained is not None and drained <= 30
        note += (f" drained in {drained:.1f}s" if drained is not None
                 else f" not drained after {args.drain_timeout:.0f}s")
    else:
        least = {"popup": 0.6, "save": 0.35}.get(kind, 0.1)
        goal, ok = f"ratio ≥ {least:.2f}, p99 ≤ 50", ratio >= least and figures["p99"] <= 50
        if kind in WRITES:
            drained = derived.wait(args.drain_timeout)
            if drained is None:
                note += f" derived work left: {derived.dirty()} dirty contacts"
            elif drained > 1:
                note += f" derived work done {drained:.1f}s after the load"
    if figures["errors"] or figures["timeouts"]:
        note += f" non-2xx {figures['errors']:.0f}, timeouts {figures['timeouts']:.0f}"
    return Row(section.name, request, figures, ratio, goal, ok, note.strip())


# --- PostgreSQL and Redis -------------------------------------------------------------------


def create_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    from redis import Redis

    Redis.from_url(url).flushdb()


# --- report ---------------------------------------------------------------------------------


def print_table(run: Run, results: dict[str, dict[str, Row]], big: str, small: str | None,
                started: float) -> None:
    print(f"\nwrk -t2 -c{run.args.connections} -d{run.args.seconds}s, gunicorn -w 2, "
          f"{os.cpu_count()} cores, tree {run.tree}")
    head = f"{'section':22} {'request':34} {'req/s':>7} {'p50':>6} {'p99':>6} {'ratio':>6}  goal"
    print(head)
    print("-" * len(head))
    for r in run.rows:
        f = r.figures
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        verdict = "" if r.ok is None else ("OK" if r.ok else "MISS")
        print(f"{r.section:22} {r.request:34} {f['rps']:7.0f} {f['p50']:6.1f} {f['p99']:6.1f} "
              f"{ratio:>6}  {r.goal} {verdict} {r.note}".rstrip())
    if small and big in results and small in results:
        for kind in WRITES:
            a, b = results[big].get(kind), results[small].get(kind)
            if a is None or b is None:
                continue
            growth = b.figures["rps"] / a.figures["rps"]
            by_ratio = (b.ratio or 0) / (a.ratio or 1)
            verdict = "OK" if growth <= 1.5 else "MISS"
            print(f"scaling {kind:7}: req/s {small} / {big} = {growth:.2f} (goal ≤ 1.5) {verdict}; "
                  f"as ratios to bare Flask {by_ratio:.2f}")
    for note in run.notes:
        print(f"note: {note}")
    print(f"total {time.monotonic() - started:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000,
                        help="the account of the scaling comparison (0: skip it)")
    parser.add_argument("--per-contact", type=int, default=5, help="interactions per contact")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default=",".join(KINDS),
                        help="comma-separated: " + ",".join(KINDS))
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL + Redis")
    parser.add_argument("--pg-only", action="store_true", help="only PostgreSQL + Redis")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432",
                        help="a PostgreSQL server where a database of its own is created")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13",
                        help="a Redis database of the benchmark's own: it is emptied")
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--tree", default=str(ROOT), help="the source tree whose server runs")
    parser.add_argument("--read-cache", choices=("default", "off"), default="default",
                        help="off: THRICE_READ_CACHE=0 for the server")
    parser.add_argument("--settle-timeout", type=float, default=600,
                        help="seconds to wait for the derived work after seeding")
    parser.add_argument("--drain-timeout", type=float, default=180,
                        help="seconds to wait for the derived work after a load")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown --only {sorted(unknown)}; choose from {','.join(KINDS)}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    db_number = urllib.parse.urlparse(args.redis_url).path.strip("/")
    if (args.pg or args.pg_only) and not (db_number.isdigit() and int(db_number) > 0):
        parser.error("--redis-url needs a database number of its own (not 0): it is emptied")
    # SIGTERM unwinds like Ctrl-C, so every `finally` stops processes and drops databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    big, small = f"SQLite {args.contacts:,}", f"SQLite {args.small:,}"
    sections: list[Section] = []
    if not args.pg_only:
        sections.append(Section(big, args.contacts, [k for k in KINDS if k in kinds]))
        writes = [k for k in WRITES if k in kinds]
        if args.small and writes:
            sections.append(Section(small, args.small, writes))
    if args.pg or args.pg_only:
        writes = [k for k in WRITES if k in kinds]
        if writes:
            sections.append(Section(f"PG+Redis {args.contacts:,}", args.contacts, writes,
                                    pg=True))
    sections = [s for s in sections if s.kinds]
    if not sections:
        parser.error("nothing to measure")

    started = time.monotonic()
    run = Run(args, Path(tempfile.mkdtemp(prefix="thrice-account-bench-")))
    results: dict[str, dict[str, Row]] = {}
    try:
        for section in sections:
            results[section.name] = run_section(run, section)
    finally:
        shutil.rmtree(run.workdir, ignore_errors=True)
        print_table(run, results, big, small if args.small else None, started)


if __name__ == "__main__":
    main()
