"""Promises the sender makes in a sentence: call_at, by_date, wait_days (SPEC §2)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.domain.mail.found import PROMISE, Found, asks_or_hedges
from server.domain.mail.when import (
    DAY,
    NUMBER,
    TIME,
    business_days_after,
    end_of_week,
    local_day,
    number,
    resolve_day,
    resolve_time,
)

_WILL = (r"\b(?:i|we)(?:'ll|’ll| will| shall| should| expect to| aim to| hope to| plan to"
         r"| intend to|'re going to| are going to|'m going to| am going to)\s+"
         r"(?:be\s+able\s+to\s+|definitely\s+|certainly\s+|try\s+to\s+)?")
_REPLY = (r"(?:get back to you|come back to you|be (?:back )?in touch|let you know|update you"
          r"|follow up|respond|reply|revert|reach out|circle back|send (?:you )?(?:an? |the |our )?"
          r"(?:answer|update|decision|feedback|offer|response)|have (?:an? |the |some )?"
          r"(?:answer|decision|feedback|news|update)|make (?:a|our|the|a final) decision"
          r"|decide|confirm)")
_HEAR = (r"\byou(?:'ll|’ll| will| should| can expect to| may expect to)\s+"
         r"(?:hear (?:back )?(?:from (?:us|me))?|receive (?:an? |our )?(?:answer|update|decision"
         r"|response|feedback)|get (?:an? |our )?(?:answer|update|decision|response|feedback))")
_EXPECT = (r"\b(?:expect (?:to hear (?:back )?from (?:us|me)|an? (?:answer|decision|update)"
           r"|our (?:answer|decision))|(?:a|our|the) (?:final )?decision "
           r"(?:will be made|is expected|should be made))")
_CALL = r"(?:call you|give you a (?:call|ring)|ring you|phone you|call you back)"
_NEG = re.compile(r"\b(?:not|n't|n’t|unable|cannot|never)\b|n't|n’t")

COMMIT = re.compile(rf"{_WILL}{_REPLY}|{_HEAR}|{_EXPECT}", re.IGNORECASE)
CALL = re.compile(rf"{_WILL}{_CALL}", re.IGNORECASE)
GIVE = re.compile(rf"\b(?:give|allow) (?:us|me) (?P<n>{NUMBER})\s+(?P<unit>(?:business |working )?"
                  r"(?:days?|weeks?))", re.IGNORECASE)
BY_END = re.compile(r"\bby (?:the )?end of (?:(?P<this>the|this) week|(?P<next>next) week"
                    r"|(?:the )?(?P<today>day|today))", re.IGNORECASE)
WITHIN = re.compile(rf"\b(?:within|in) (?:the next )?(?P<n>{NUMBER})\s+(?P<unit>(?:business "
                    r"|working )?(?:days?|weeks?))", re.IGNORECASE)
ON_DAY = re.compile(rf"\b(?:by|on|before|no later than|until|next)?\s*(?P<day>{DAY})\b",
                    re.IGNORECASE)
AT_TIME = re.compile(rf"\bat (?P<time>{TIME})", re.IGNORECASE)


def _span(unit: str, n: int, sent: datetime, zone: ZoneInfo,
          weekend: Iterable[int]) -> tuple[str, object]:
    unit = unit.lower()
    if unit.startswith(("business", "working")):
        return "by_date", business_days_after(sent, zone, n, weekend)
    return "wait_days", n * 7 if unit.startswith("week") else n


def _when(tail: str, sent: datetime, zone: ZoneInfo,
          weekend: Iterable[int]) -> tuple[str, object] | None:
    """The deadline in the words after a commitment."""
    end = BY_END.search(tail)
    if end:
        if end.group("today"):
            return "by_date", local_day(sent, zone)
        return "by_date", end_of_week(sent, zone, 1 if end.group("next") else 0, weekend)
    within = WITHIN.search(tail)
    if within:
        return _span(within.group("unit"), number(within.group("n")), sent, zone, weekend)
    day = ON_DAY.search(tail)
    if day:
        phrase = day.group(0).strip()
        if phrase.lower().startswith(("by ", "on ", "before ", "no later than ", "until ")):
            phrase = phrase.split(" ", 1)[1] if not phrase.lower().startswith("no later") \
                else phrase[len("no later than "):]
        resolved = resolve_day(phrase, sent, zone)
        if resolved is not None:
            return "by_date", resolved
    return None


def _call_at(tail: str, sent: datetime, zone: ZoneInfo) -> datetime | None:
    at = AT_TIME.search(tail)
    if at is None:
        return None
    hm = resolve_time(at.group("time"))
    if hm is None:
        return None
    day_match = ON_DAY.search(tail)
    if day_match:
        phrase = day_match.group("day")
        if day_match.group(0).lower().lstrip().startswith("next"):
            phrase = "next " + phrase
        day = resolve_day(phrase, sent, zone)
        if day is None:
            return None
    else:
        day = local_day(sent, zone)
        if datetime.combine(day, hm, zone) <= sent:
            day += timedelta(days=1)
    return datetime.combine(day, hm, zone)


def find_promise(sentence: str, sent: datetime, zone: ZoneInfo,
                 weekend: Iterable[int]) -> Found | None:
    if asks_or_hedges(sentence):
        return None
    give = GIVE.search(sentence)
    if give:
        kind, value = _span(give.group("unit"), number(give.group("n")), sent, zone, weekend)
        return _found(sentence, kind, value, 0.85)
    call = CALL.search(sentence)
    if call and not _NEG.search(sentence[:call.end()]):
        at = _call_at(sentence[call.end():], sent, zone)
        if at is not None:
            return Found(PROMISE, sentence, 0.9, promise_kind="call_at", at=at)
    commit = call or COMMIT.search(sentence)
    if commit is None or _NEG.search(sentence[:commit.end()]):
        return None
    when = _when(sentence[commit.end():], sent, zone, weekend)
    if when is None:
        return None
    return _found(sentence, when[0], when[1], 0.85)


def _found(sentence: str, kind: str, value: object, confidence: float) -> Found:
    if isinstance(value, int):
        return Found(PROMISE, sentence, confidence, promise_kind=kind, days=value)
    assert isinstance(value, date)
    return Found(PROMISE, sentence, confidence, promise_kind=kind, on=value)
