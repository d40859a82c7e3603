"""JSON in and out: orjson where it can, the standard library where only it can.

Datetimes are ISO-8601 UTC with 'Z' and dates ISO dates, exactly as `iso_z` writes them
(orjson hands them to `default`, so there is one formatting rule). orjson is several times
faster than `json` on the hot endpoints; anything it refuses (integers beyond 64 bits, lone
surrogates, indentation other than two spaces) goes through `json` with the same settings,
so output never depends on which encoder ran.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import orjson
from flask import current_app
from flask.json.provider import DefaultJSONProvider

from server.schemas.fields import iso_z

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _default(o: Any) -> Any:
    if isinstance(o, datetime):
        return iso_z(o)
    if isinstance(o, date):
        return o.isoformat()
    return DefaultJSONProvider.default(o)


def dumps_bytes(obj: Any) -> bytes:
    """Compact UTF-8 JSON of obj."""
    try:
        return orjson.dumps(obj, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(obj, default=_default, ensure_ascii=False,
                          separators=(",", ":")).encode()


def loads(data: str | bytes) -> Any:
    """json.loads, faster: orjson first; on its refusal the standard library decides and words
    the error."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data)
    except RecursionError as exc:
        # json.loads recurses per nesting level; "[[[[…" 100k deep is bad JSON, not a bug.
        raise json.JSONDecodeError("Nested too deeply.", doc="(nested too deeply)",
                                   pos=0) from exc


class ThriceJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False
    default = staticmethod(_default)  # type: ignore[assignment]

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs or kwargs == {"separators": (",", ":")}:
            return dumps_bytes(obj).decode()
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s) if not kwargs else super().loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Any:
        if self.compact is False or (self.compact is None and current_app.debug) or (
                args and kwargs):
            return super().response(*args, **kwargs)  # indented, or Flask's own error
        obj = (args[0] if len(args) == 1 else list(args)) if args else (kwargs or None)
        return current_app.response_class(dumps_bytes(obj) + b"\n", mimetype=self.mimetype)
