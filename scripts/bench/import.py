#!/usr/bin/env python3
"""Benchmark of scripts/import_contacts.py end to end (SPEC §9).

Starts a fresh SQLite Thrice server (`thrice serve` on a free port, a temp instance folder via
THRICE_INSTANCE_PATH, a user from `thrice user create`), then:
1. imports a generated 30,000-row LinkedIn Connections.csv and prints rows/s against the goal
   of 10,000 rows/s;
2. imports a 100,000-row file and prints the importer's peak memory (its own ru_maxrss, the
   server not included) against the 200 MB goal.
After the first import it also reports how long the server took to finish the derived work
(warmth and nudges, which a large import hands to a background thread): the time until no
contact is marked dirty any more.

    .venv/bin/python scripts/bench/import.py [--rows 30000] [--memory-rows 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "import_contacts.py"
BIN = Path(sys.executable).parent
RATE_GOAL = 10_000
MEMORY_GOAL_MB = 200
# Runs the importer in this child and reports the child's own peak RSS on stderr.
MEASURED = (
    "import resource, runpy, sys\n"
    "sys.argv = sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
    "finally:\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    print(f'PEAK_RSS_KB={peak}', file=sys.stderr)\n"
)
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\n\n'
)
FIRST = ["Jane", "Ahmed", "Maria", "Wei", "Olu", "Sofia", "Lars", "Priya", "Tom", "Amélie"]
LAST = ["Doe", "Khan", "García", "Chen", "Adeyemi", "Rossi", "Berg", "Patel", "Smith", "Dubois"]
COMPANIES = ["Acme, Inc.", "Globex", "Initech", "Umbrella", "Stark", "Wayne Enterprises"]


def write_connections(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(PREAMBLE)
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            slug = f"{first}-{last}-{seed}-{i:06d}".lower().replace("é", "%C3%A9")
            email = f"{first}.{last}.{seed}.{i}@example.com".lower() if i % 4 == 0 else ""
            day = start + timedelta(days=rng.randrange(3900))
            when = day.strftime("%d %b %Y") if i % 2 else f"{day.day}-{day:%b-%y}"
            out.write(f'{first},{last},https://www.linkedin.com/in/{slug},{email},'
                      f'"{rng.choice(COMPANIES)}",Engineer,{when}\n')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(origin: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"thrice serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{origin}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("thrice serve did not answer /api/v1/health in time")


def wait_for_derived_work(database: Path, timeout: float = 600) -> float:
    """Seconds until no contact waits for scoring (read straight from the SQLite file)."""
    started = time.perf_counter()
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        while time.perf_counter() - started < timeout:
            pending = conn.execute(
                "SELECT count(*) FROM contacts WHERE dirty_at IS NOT NULL").fetchone()[0]
            if pending == 0:
                break
            time.sleep(0.1)
    return time.perf_counter() - started


def run_import(path: Path, origin: str, token: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in KB, summary) of one import run."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(SCRIPT), str(path), "--server", origin,
         "--token", token], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    peak = next(int(line.split("=", 1)[1]) for line in done.stderr.splitlines()
                if line.startswith("PEAK_RSS_KB="))
    return elapsed, peak, done.stdout.strip().splitlines()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thrice-bench-import-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "THRICE_INSTANCE_PATH": str(work / "instance")}
        for key in ("DATABASE_URL", "REDIS_URL"):
            env.pop(key, None)
        created = subprocess.run([str(BIN / "thrice"), "user", "create", "bench@example.com"],
                                 env=env, capture_output=True, text=True, check=True)
        token = created.stdout.strip().splitlines()[-1]
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        log = (work / "serve.log").open("wb")
        server = subprocess.Popen([str(BIN / "thrice"), "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(origin, server)
            rate_file = work / "Connections-rate.csv"
            write_connections(rate_file, args.rows, seed=1)
            seconds, _, summary = run_import(rate_file, origin, token)
            rate = args.rows / seconds
            print(f"import {args.rows:,} rows: {seconds:.2f} s end to end (process start "
                  f"included) = {rate:,.0f} rows/s; goal >= {RATE_GOAL:,} rows/s "
                  f"({rate / RATE_GOAL:.0%}) {'OK' if rate >= RATE_GOAL else 'BELOW GOAL'}")
            print(f"  {summary}")
            drained = wait_for_derived_work(work / "instance" / "thrice.sqlite3")
            print(f"  derived work (warmth, nudges) finished {drained:.1f} s after the import "
                  f"({args.rows / (seconds + drained):,.0f} rows/s including it)")
            memory_file = work / "Connections-memory.csv"
            write_connections(memory_file, args.memory_rows, seed=2)
            seconds, peak_kb, summary = run_import(memory_file, origin, token)
            peak_mb = peak_kb / 1024
            print(f"import {args.memory_rows:,} rows: peak memory of the importer "
                  f"{peak_mb:.0f} MB; goal < {MEMORY_GOAL_MB} MB "
                  f"{'OK' if peak_mb < MEMORY_GOAL_MB else 'ABOVE GOAL'} "
                  f"({seconds:.1f} s, {args.memory_rows / seconds:,.0f} rows/s)")
            print(f"  {summary}")
        except SystemExit:
            log.flush()
            print("server log (tail):", *(work / "serve.log").read_text().splitlines()[-30:],
                  sep="\n", file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
