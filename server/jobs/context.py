"""An app context for job code: the caller's in inline mode, a per-process app in a worker.

The processes that run jobs outside a request (`thrice worker`, the in-process schedule) build
their app once at start and hand it over with `set_worker_app`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

_worker_app: Flask | None = None
_worker_pid: int | None = None


def set_worker_app(app: Flask) -> None:
    """Build the app once in the worker's parent so forked job processes don't rebuild it."""
    global _worker_app, _worker_pid
    _worker_app, _worker_pid = app, os.getpid()


@contextmanager
def job_app_context() -> Iterator[Flask]:
    global _worker_pid
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if _worker_app is None:
        raise RuntimeError("no app for jobs: call set_worker_app(create_app()) first")
    if _worker_pid != os.getpid():
        # A forked work-horse must not share the parent's pooled connections.
        _worker_app.extensions["thrice_db"].engine.dispose(close=False)
        _worker_pid = os.getpid()
    with _worker_app.app_context():
        yield _worker_app
