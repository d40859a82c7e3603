"""Day and time expressions in mail, resolved against the message's own Date in a zone.

dateparser reads calendar dates ("March 14", "3/14", "the 14th") with a future preference;
weekdays, "tomorrow", "end of next week" and business days are counted here, because
dateparser neither knows working days nor reads "next Friday" the way we define it: a bare
weekday is the first one strictly after the message's day; "next <weekday>" is that weekday in
the following calendar week (weeks start on Monday).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from server.domain.business_time import add_working_days, is_working_day

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WD = "|".join(WEEKDAYS)
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
# A day: relative words, a weekday (optionally "this"/"next", optionally with a calendar date
# after it), or a calendar date alone.
DAY = (rf"(?:today|tonight|tomorrow|(?:this\s+|next\s+|on\s+)?(?:{_WD})"
       rf"(?:,?\s+(?:(?:{MONTHS})\.?\s+{_ORD}|{_ORD}\s+(?:{MONTHS})|\d{{1,2}}/\d{{1,2}}))?"
       rf"|(?:{MONTHS})\.?\s+{_ORD}|{_ORD}\s+(?:of\s+)?(?:{MONTHS})|the\s+{_ORD}"
       rf"|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)")
TIME = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon)"
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "couple of": 2,
           "fourteen": 14}
NUMBER = r"(?:\d{1,2}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + ")"


def number(word: str) -> int:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBERS[word]


def local_day(sent: datetime, zone: ZoneInfo) -> date:
    return sent.astimezone(zone).date()


def resolve_day(text: str, sent: datetime, zone: ZoneInfo) -> date | None:
    """The local date a DAY expression names, seen from the message's Date."""
    today = local_day(sent, zone)
    words = " ".join(text.lower().replace(",", " ").split())
    if words in ("today", "tonight"):
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(WEEKDAYS):
        if words.startswith((name, "on " + name, "this " + name, "next " + name)):
            rest = words.split(name, 1)[1].strip()
            if rest:  # "Friday, March 14": the calendar date decides
                return _calendar(rest, sent, zone)
            if words.startswith("next "):
                monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
                return monday + timedelta(days=index)
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    nth = re.fullmatch(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)", words)
    if nth:  # dateparser reads "the 2nd" as February: a bare day of the month is ours
        return _day_of_month(today, int(nth.group(1)))
    return _calendar(words, sent, zone)


def _day_of_month(today: date, day: int) -> date | None:
    """The next such day of a month, after today."""
    year, month = today.year, today.month
    for _ in range(3):
        if day > today.day or (year, month) != (today.year, today.month):
            try:
                return date(year, month, day)
            except ValueError:  # the 31st of a short month: the next month that has one
                pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _calendar(text: str, sent: datetime, zone: ZoneInfo) -> date | None:
    base = sent.astimezone(zone).replace(tzinfo=None)
    found = dateparser.parse(text, languages=["en"], settings={
        "PREFER_DATES_FROM": "future", "RELATIVE_BASE": base,
        "REQUIRE_PARTS": ["day"]})
    return found.date() if found is not None else None


def resolve_time(text: str) -> time | None:
    words = text.lower().replace(".", "").replace(" ", "")
    if words == "noon":
        return time(12, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", words)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    elif match.group(3) == "am" and hour == 12:
        hour = 0
    elif match.group(3) is None and 1 <= hour <= 7:  # "at 3:30" in office mail means p.m.
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def end_of_week(sent: datetime, zone: ZoneInfo, weeks_ahead: int,
                weekend: Iterable[int]) -> date:
    """The last working day of this week (0) or of a later one."""
    today = local_day(sent, zone)
    sunday = today + timedelta(days=6 - today.weekday() + 7 * weeks_ahead)
    day = sunday
    while not is_working_day(day, weekend):
        day -= timedelta(days=1)
    return day


def business_days_after(sent: datetime, zone: ZoneInfo, days: int,
                        weekend: Iterable[int]) -> date:
    return add_working_days(local_day(sent, zone), days, frozenset(weekend))
