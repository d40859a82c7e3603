"""Load benchmark: Thrice's hot endpoints vs a bare Flask JSON endpoint, same gunicorn settings.

    .venv/bin/python scripts/bench/api.py [--seconds 10] [--connections 16] [--redis-url URL]

Starts `thrice serve --workers 2` on a fresh SQLite instance (and, with --redis-url, a second
run with jobs on Redis) and the bare app under the very same gunicorn options (`python -m
scripts.bench.bare_app`, server.serve.gunicorn_options), drives each with wrk on
loopback, and prints requests/s, p50 and p99 and the ratios against bare Flask:
saving a contact (POST /contacts, goal ≥ 0.5) and the popup's due nudges
(GET /nudges?state=due with 20 due nudges listed, goal ≥ 0.6). With Redis a `thrice worker`
runs beside the server, as in production. A last run turns the popup's read cache off
(THRICE_READ_CACHE=0), so every request reads its list from SQLite: the popup's worst case,
as when something is written between every two polls. Needs wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

try:
    from scripts.bench import loadkit
except ImportError:  # run as a file: its own folder is on sys.path
    import loadkit  # type: ignore[no-redef]

free_port, stop, wait_http, wrk = loadkit.free_port, loadkit.stop, loadkit.wait_http, loadkit.wrk

ROOT = Path(__file__).resolve().parents[2]
DUE = 20  # due nudges in the popup's list while it is measured
# Every request saves a new person: ids are unique per wrk thread (each thread runs its own
# Lua state with the same random seed, so a random id alone would repeat across threads).
POST_LUA = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
counter = 0
request = function()
  counter = counter + 1
  local id = string.format("%s-%d-%d", "{tag}", tid, counter)
  local body = '{{"name":"Bench ' .. id .. '","company":"Acme","profiles":'
    .. '[{{"url":"https://www.linkedin.com/in/' .. id .. '/"}}]}}'
  return wrk.format("POST", "{path}", {{["Content-Type"]="application/json",
    ["Authorization"]="Bearer {token}"}}, body)
end
"""
GET_LUA = """
request = function()
  return wrk.format("GET", "{path}", {{["Authorization"]="Bearer {token}"}})
end
"""


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return loadkit.start(args, env, ROOT)


def empty_queues(redis_url: str) -> None:
    """Jobs left in this Redis by an earlier run point at databases that are gone."""
    from redis import Redis
    from rq import Queue

    from server.jobs.queues import ALL

    connection = Redis.from_url(redis_url)
    for name in ALL:
        Queue(name, connection=connection).empty()


def thrice_run(label: str, env: dict[str, str], seconds: int, connections: int,
               workdir: Path) -> dict[str, dict[str, float]]:
    slug = re.sub("[^a-z]+", "-", label)
    created = subprocess.run(
        [sys.executable, "-m", "server.cli", "user", "create", f"bench-{slug}@example.com"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True)
    token = created.stdout.strip().splitlines()[-1]
    port = free_port()
    proc = start([sys.executable, "-m", "server.cli", "serve", "--port", str(port),
                  "--workers", "2"], env)
    # With Redis the nudges are made by a worker, as in production.
    worker = start([sys.executable, "-m", "server.cli", "worker"], env) \
        if env.get("REDIS_URL") else None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/api/v1/health")
        seed_due_nudges(base, token, DUE)
        save = wrk(base, POST_LUA.format(tag=slug, path="/api/v1/contacts", token=token),
                   seconds, connections, workdir)
        popup = wrk(base, GET_LUA.format(path="/api/v1/nudges?state=due&limit=50", token=token),
                    seconds, connections, workdir)
    finally:
        stop(proc)
        if worker is not None:
            stop(worker)
    return {"save": save, "popup": popup}


def seed_due_nudges(base: str, token: str, n: int) -> None:
    """n contacts each with a by-date promise that passed yesterday: n due R2 nudges."""
    from datetime import UTC, datetime, timedelta

    def call(method: str, path: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(f"{base}/api/v1{path}", method=method,
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    call("PATCH", "/me", {"weekend": []})
    now = datetime.now(UTC)
    for i in range(n):
        cid = call("POST", "/contacts", {"name": f"Due {i}", "emails": [f"d{i}@ex.com"]})["id"]
        call("POST", f"/contacts/{cid}/interactions", {
            "type": "promise_made", "occurred_at": (now - timedelta(days=3)).isoformat(),
            "promise": {"kind": "by_date", "date": (now - timedelta(days=2)).date().isoformat()}})
    deadline = time.monotonic() + 60
    while len(call("GET", "/nudges?state=due&limit=50")["items"]) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"the {n} due nudges did not appear (is a worker running?)")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--redis-url", default=None,
                        help="also measure with jobs on Redis (a database of its own: the "
                             "benchmark empties Thrice's queues there)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="thrice-api-bench-"))

    port = free_port()
    bare = start([sys.executable, "-m", "scripts.bench.bare_app", "--port", str(port),
                  "--workers", "2"], {})
    try:
        wait_http(f"http://127.0.0.1:{port}/json")
        bare_get = wrk(f"http://127.0.0.1:{port}", GET_LUA.format(path="/json", token="x"),
                       args.seconds, args.connections, workdir)
        bare_post = wrk(f"http://127.0.0.1:{port}",
                        POST_LUA.format(tag="bare", path="/json", token="x"),
                        args.seconds, args.connections, workdir)
    finally:
        stop(bare)

    runs = {"inline": {"THRICE_INSTANCE_PATH": str(workdir / "inline"),
                       "THRICE_LOG_LEVEL": "WARNING", "REDIS_URL": ""}}
    if args.redis_url:
        empty_queues(args.redis_url)
        runs["redis"] = {"THRICE_INSTANCE_PATH": str(workdir / "redis"),
                         "THRICE_LOG_LEVEL": "WARNING", "REDIS_URL": args.redis_url}
    runs["inline, no cache"] = {"THRICE_INSTANCE_PATH": str(workdir / "nocache"),
                                "THRICE_LOG_LEVEL": "WARNING", "REDIS_URL": "",
                                "THRICE_READ_CACHE": "0"}
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s, gunicorn -w 2 everywhere, "
          f"SQLite, {os.cpu_count()} cores")
    print(f"{'endpoint':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}")
    row = "{:44} {:8.0f} {:8.2f} {:8.2f} {:8.0f} {:>6}"
    print(row.format("bare Flask GET /json", bare_get["rps"], bare_get["p50"], bare_get["p99"],
                     bare_get["errors"], ""))
    print(row.format("bare Flask POST /json", bare_post["rps"], bare_post["p50"],
                     bare_post["p99"], bare_post["errors"], ""))
    for label, env in runs.items():
        result = thrice_run(label, env, args.seconds, args.connections, workdir)
        save, popup = result["save"], result["popup"]
        save_ratio = save["rps"] / bare_post["rps"]
        popup_ratio = popup["rps"] / bare_get["rps"]
        print(row.format(f"POST /contacts (jobs {label})", save["rps"], save["p50"], save["p99"],
                         save["errors"], f"{save_ratio:.2f}"))
        print(row.format(f"GET /nudges?state=due (jobs {label})", popup["rps"], popup["p50"],
                         popup["p99"], popup["errors"], f"{popup_ratio:.2f}"))
        print(f"  goals: save ≥ 0.50 → {'OK' if save_ratio >= 0.5 else 'MISS'}; "
              f"popup ≥ 0.60 → {'OK' if popup_ratio >= 0.6 else 'MISS'}")


if __name__ == "__main__":
    main()
