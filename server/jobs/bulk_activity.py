"""Whether a bulk import is running in this instance (in-process mode only).

Scoring a bulk import's contacts waits until imports pause (`dispatch`'s background thread),
and the catch-up sweep leaves them alone meanwhile, so neither competes with the import for
SQLite's write lock. The server's worker processes share the time of the last bulk write
through a marker file's modification time in the instance folder.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from flask import current_app

# The catch-up sweep leaves marked contacts to the background thread while a bulk import is
# running (and for this long after its last batch): doing them twice would slow the import.
BULK_GRACE = 30.0


def marker() -> str | None:
    """The file shared by this server's worker processes (gunicorn runs several), or None
    when jobs run on Redis."""
    if current_app.extensions["thrice_queue"].mode != "inline":
        return None
    return os.path.join(current_app.instance_path, "bulk-activity")


def touch(path: str | None) -> None:
    if path is None:
        return
    try:
        os.utime(path)
    except FileNotFoundError:
        with contextlib.suppress(OSError):
            Path(path).touch()
    except OSError:
        pass


def last_activity(path: str | None) -> float:
    if path is None:
        return 0.0
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def bulk_import_active() -> bool:
    """A bulk import wrote in this instance within BULK_GRACE seconds (inline mode only)."""
    return time.time() - last_activity(marker()) < BULK_GRACE
