"""What a detector found in one sentence of a message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

PROMISE = "promise"
NO = "no"
INTERVIEW = "interview"
_HEDGE = re.compile(r"^(?:if|in case|should|unless|whether)\b|\b(?:if we|in case)\b")


@dataclass(frozen=True)
class Found:
    kind: str  # promise | no | interview
    evidence: str
    confidence: float
    promise_kind: str | None = None  # call_at | by_date | wait_days
    at: datetime | None = None  # call_at; the interview's start
    on: date | None = None  # by_date
    days: int | None = None  # wait_days
    final: bool = False  # no
    extra: dict[str, object] = field(default_factory=dict)


def asks_or_hedges(sentence: str) -> bool:
    """A question or a condition commits nobody to anything."""
    lowered = sentence.lower().strip()
    return lowered.endswith("?") or bool(_HEDGE.search(lowered))
