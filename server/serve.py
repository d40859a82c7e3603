"""`thrice serve`: the API on gunicorn, schema upgraded first."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any
from urllib.parse import unquote_plus

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from server import create_app
from server.config import Settings
from server.extensions import db
from server.jobs.inline_schedule import gunicorn_hooks
from server.migrate import upgrade

log = logging.getLogger(__name__)

# How long an idle kept-alive connection stays open; long enough for the popup's bursts.
KEEPALIVE_SECONDS = 5


class Gunicorn(BaseApplication):
    """gunicorn in-process, serving `create_app()` or, for the load benchmark's yardstick,
    another WSGI app under the same options."""

    def __init__(self, options: dict[str, Any], app: Any = None) -> None:
        self.options = options
        self.app = app
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        if self.app is not None:
            return self.app
        return create_app()


# A query parameter (after ?, & or ; or at the start of a bare query string) and its value.
_PARAM = re.compile(r"(^|[?&;])([^=&;?#\s\"]+)=([^&;#\s\"]*)")
SECRET_PARAMS = frozenset({"feed"})
REDACTED = "[redacted]"


def redact_secrets(text: str) -> str:
    """`text` with the value of every `feed=` query parameter (the calendar feed token, a
    capability like a password) replaced, however its name is percent-encoded."""
    if "=" not in text:
        return text

    def _one(match: re.Match[str]) -> str:
        if unquote_plus(match[2]).lower() in SECRET_PARAMS:
            return f"{match[1]}{match[2]}={REDACTED}"
        return match[0]

    return _PARAM.sub(_one, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RedactingLogger(Logger):
    """gunicorn's logger, with the feed token cut out of the access log (the request line,
    query string and referer) and of the error log (which names a failed request's URI)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in logger.filters):
                logger.addFilter(RedactSecrets())


def gunicorn_options(host: str, port: int, workers: int, threads: int = 8) -> dict[str, Any]:
    """What `thrice serve` runs gunicorn with (scripts/bench/api.py reuses it for bare Flask).

    Threaded workers: a client that trickles its request in holds one thread of a worker
    rather than the whole worker, and a connection that sends nothing waits in the worker's
    poller, holding no thread at all (docs/operations.md, "Slow clients").
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-",
        "logger_class": RedactingLogger,
        "timeout": 60,
        "graceful_timeout": 10,
        "post_fork": _short_gil_slices,
    }


# CPython hands the GIL to another thread every 5 ms by default: a thread whose SQL statement
# returned waited up to that long for the thread computing, on every statement, and a
# threaded worker served fewer requests than a single-threaded one (docs/performance.md).
GIL_SWITCH_INTERVAL = 0.0002


def _short_gil_slices(_server: Any, _worker: Any) -> None:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)


def run(host: str, port: int, workers: int | None) -> None:
    settings = Settings.from_env()
    app = create_app(settings)
    with app.app_context():
        upgrade(db.engine)
        db.engine.dispose()
    inline = app.extensions["thrice_queue"].mode == "inline"
    log.info("Thrice on http://%s:%s (database %s, jobs %s)", host, port,
             app.config["DATABASE_URL"].split("@")[-1], "in-process" if inline else "on Redis")
    options = gunicorn_options(host, port, workers or settings.workers, settings.threads)
    if inline:
        options.update(gunicorn_hooks())
    Gunicorn(options).run()
