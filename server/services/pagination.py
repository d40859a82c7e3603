"""Opaque keyset cursors: base64url(JSON [sort value, id])."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from server.api.errors import ApiError


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
    if not isinstance(values[-1], int) or isinstance(values[-1], bool):
        raise _bad_cursor()
    return values


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "The request has invalid fields.",
        {"query": {"cursor": ["Not a cursor from this API; start again without it."]}},
    )
