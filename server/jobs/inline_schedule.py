"""Periodic jobs without Redis: a thread in the gunicorn master runs the same schedule."""

from __future__ import annotations

from typing import Any


def gunicorn_hooks() -> dict[str, Any]:
    return {}
