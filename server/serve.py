"""`thrice serve`: the API on gunicorn, schema upgraded first."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from server.config import Settings

log = logging.getLogger(__name__)


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
        from server import create_app

        return create_app()


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """What `thrice serve` runs gunicorn with (scripts/bench/api.py reuses it for bare Flask)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 10,
    }


def run(host: str, port: int, workers: int | None) -> None:
    from server import create_app
    from server.extensions import db
    from server.migrate import upgrade

    settings = Settings.from_env()
    app = create_app(settings)
    with app.app_context():
        upgrade(db.engine)
        db.engine.dispose()
    inline = app.extensions["thrice_queue"].mode == "inline"
    log.info("Thrice on http://%s:%s (database %s, jobs %s)", host, port,
             app.config["DATABASE_URL"].split("@")[-1], "in-process" if inline else "on Redis")
    options = gunicorn_options(host, port, workers or settings.workers)
    if inline:
        from server.jobs.inline_schedule import gunicorn_hooks

        options.update(gunicorn_hooks())
    Gunicorn(options).run()
