"""JSON responses: datetimes as ISO-8601 UTC with 'Z', dates as ISO dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask.json.provider import DefaultJSONProvider

from server.schemas.fields import iso_z


class ThriceJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return iso_z(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
