"""Real Redis and real RQ worker processes for the job tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from tests.conftest import _make_app, free_port

# A database number per test process: concurrent runs on one machine must not flush each
# other's queues.
REDIS_URL = os.environ.get("THRICE_TEST_REDIS_URL",
                           f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}")


@pytest.fixture
def redis_url() -> Iterator[str]:
    conn = Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("THRICE_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis required but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    conn.flushdb()
    yield REDIS_URL
    conn.flushdb()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    # A fresh schema per test keeps worker processes and the test on identical data.
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(request.getfixturevalue("pg_url"))
    name = f"{base.database}_j{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def _drop() -> None:
        eng = create_engine(base, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()

    request.addfinalizer(_drop)
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def redis_app(database_url: str, redis_url: str, tmp_path: Path) -> Any:
    return _make_app(database_url, tmp_path, redis_url=redis_url, inline_jobs=False)


class Processes:
    """Child processes (`thrice worker`, `thrice cron`, redis-server) stopped at teardown."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        out = log.open("wb")
        proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def thrice(self, command: str, app: Any, log: Path) -> subprocess.Popen[bytes]:
        settings = app.config["THRICE"]
        env = {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": settings.redis_url,
               "THRICE_INSTANCE_PATH": settings.instance_path, "THRICE_LOG_LEVEL": "INFO"}
        return self.start([sys.executable, "-m", "server.cli", command], env, log)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@pytest.fixture
def processes() -> Iterator[Processes]:
    procs = Processes()
    yield procs
    procs.stop_all()


@pytest.fixture
def private_redis(processes: Processes, tmp_path: Path) -> Any:
    """A redis-server of our own, so the test can stop and restart it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed")
    port = free_port()

    class Private:
        url = f"redis://127.0.0.1:{port}/0"
        proc: subprocess.Popen[bytes] | None = None

        def start(self) -> None:
            self.proc = processes.start(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], {}, tmp_path / f"redis-{port}.log")
            wait_for(lambda: _pings(self.url), 10, "private redis to start")

        def stop(self) -> None:
            assert self.proc is not None
            self.proc.terminate()
            self.proc.wait(timeout=10)

    server = Private()
    server.start()
    return server


def _pings(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.2).ping())
    except Exception:  # noqa: BLE001
        return False


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
