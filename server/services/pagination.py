"""Opaque keyset cursors: base64url(JSON [sort value, id])."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from server.errors import ApiError

MAX_ID = 2**31 - 1


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(values, list) or len(values) != size:
        raise _bad_cursor()
    last_id = values[-1]
    # Ids are 32-bit; a larger number would overflow the database's parameter, not just miss.
    if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id <= MAX_ID:
        raise _bad_cursor()
    return values


def cursor_time(value: Any) -> datetime:
    """The aware UTC instant a cursor carries; ValueError/OverflowError when it has none."""
    if not isinstance(value, str):
        raise ValueError("not a timestamp")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive timestamp")
    return parsed.astimezone(UTC)  # may overflow at the ends of the calendar


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "The request has invalid fields.",
        {"query": {"cursor": ["Not a cursor from this API; start again without it."]}},
    )
