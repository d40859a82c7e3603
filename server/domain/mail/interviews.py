"""An interview invitation or confirmation with a time."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.mail.found import INTERVIEW, Found, asks_or_hedges
from server.domain.mail.when import DAY, TIME, resolve_day, resolve_time

_ABOUT = re.compile(r"\binterview", re.IGNORECASE)
_SETS = re.compile(
    r"invit|(?:like|love|want) to (?:schedule|book|arrange|set up|meet|speak|invite)"
    r"|(?:is|are|has been|have been|'s|’s) (?:now )?(?:confirmed|scheduled|booked|set)"
    r"|\bconfirm|looking forward to (?:speaking|meeting|seeing)|see you|will (?:take place|be held)"
    r"|(?:we|i)(?:'ve|’ve| have) (?:scheduled|booked|set up)|\bscheduled for|\bbooked for",
    re.IGNORECASE)
_DAY_TIME = re.compile(
    rf"(?:on\s+|next\s+|this\s+)?(?P<day>{DAY})\s*(?:,\s*)?(?:at|from|@)\s*(?P<time>{TIME})"
    rf"|(?:at|from)\s+(?P<time2>{TIME})\s+(?:on\s+)?(?P<next2>next\s+)?(?P<day2>{DAY})",
    re.IGNORECASE)


def find_interview(sentence: str, sent: datetime, zone: ZoneInfo) -> Found | None:
    if asks_or_hedges(sentence) or not (_ABOUT.search(sentence) and _SETS.search(sentence)):
        return None
    match = _DAY_TIME.search(sentence)
    if match is None:
        return None
    day_text = match.group("day") or match.group("day2")
    prefix = match.group(0).lower().lstrip()
    if prefix.startswith("next") or match.group("next2"):
        day_text = "next " + day_text.split(" ", 1)[-1] if day_text.lower().startswith(
            ("on ", "this ")) else "next " + day_text
    day = resolve_day(day_text, sent, zone)
    hm = resolve_time(match.group("time") or match.group("time2"))
    if day is None or hm is None:
        return None
    return Found(INTERVIEW, sentence, 0.8, at=datetime.combine(day, hm, zone))
