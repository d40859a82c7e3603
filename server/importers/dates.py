"""The date and time shapes found in exports, to aware UTC datetimes (exports carry UTC)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Final

_MONTHS: Final[dict[str, int]] = {
    m: i for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1)
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4}|\d{2})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_ISO_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(?:UTC|Z|GMT|\+00:?00)?$",
    re.IGNORECASE)
_US_TIME = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?"
    r"\s*(?:UTC)?$", re.IGNORECASE)


def _year(text: str) -> int:
    # Two-digit years come from Excel re-saving exports of LinkedIn (founded 2003): 20yy.
    return 2000 + int(text) if len(text) == 2 else int(text)


def parse_date(text: str) -> date | None:
    """`08 Feb 2026`, Excel's `8-Feb-26`, `Feb 8, 2026`, `2026-02-08` or US `2/8/2026`."""
    t = text.strip()
    try:
        if m := _DAY_MONTH_YEAR.match(t):
            month = _MONTHS.get(m[2][:3].lower())
            return date(_year(m[3]), month, int(m[1])) if month else None
        if m := _MONTH_DAY_YEAR.match(t):
            month = _MONTHS.get(m[1][:3].lower())
            return date(int(m[3]), month, int(m[2])) if month else None
        if m := _ISO_DATE.match(t):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _SLASHED.match(t):
            return date(_year(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def parse_timestamp(text: str) -> datetime | None:
    """`2026-08-01 02:00:00 UTC`, ISO, or LinkedIn's US style `9/25/26, 8:52 AM` (UTC)."""
    t = text.strip()
    try:
        if m := _ISO_TIME.match(t):
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]),
                            int(m[6] or 0), tzinfo=UTC)
        if m := _US_TIME.match(t):
            hour = int(m[4])
            if m[7]:
                hour = hour % 12 + (12 if m[7].upper() == "PM" else 0)
            return datetime(_year(m[3]), int(m[1]), int(m[2]), hour, int(m[5]), int(m[6] or 0),
                            tzinfo=UTC)
    except ValueError:
        return None
    day = parse_date(t)
    return at_noon(day) if day else None


def at_noon(day: date) -> datetime:
    """A date-only event at 12:00 UTC: the same calendar day from UTC-11 to UTC+11."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
