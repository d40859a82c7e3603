"""All suggestions in the new text of one inbound message: at most one of each kind."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.mail.found import NO, Found
from server.domain.mail.interviews import find_interview
from server.domain.mail.messages import MailMessage
from server.domain.mail.promises import find_promise
from server.domain.mail.rejections import find_no, says_final
from server.domain.mail.text import sentences

# An out-of-office reply talks about the sender's absence, never about the job.
_AWAY = re.compile(r"out of (?:the )?office|automatic reply|auto-?reply|on (?:annual |parental )?"
                   r"leave|away from (?:the office|my desk|email)|limited access to (?:e-?mail)",
                   re.IGNORECASE)


def detect(text: str, sent: datetime, zone: ZoneInfo, weekend: Iterable[int]) -> list[Found]:
    if not text or _AWAY.search(text):
        return []
    days = frozenset(weekend)
    found: dict[str, Found] = {}
    final = False
    for sentence in sentences(text):
        final = final or says_final(sentence)
        for hit in (find_no(sentence), find_promise(sentence, sent, zone, days),
                    find_interview(sentence, sent, zone)):
            if hit is not None and hit.kind not in found:
                found[hit.kind] = hit
    no = found.get(NO)
    if no is not None and final and not no.final:  # "… not consider you for future roles."
        found[NO] = Found(NO, no.evidence, no.confidence, final=True)
    if no is not None:  # a no cancels whatever else the letter seems to promise
        return [found[NO]]
    return list(found.values())


def suggest(message: MailMessage, zone: ZoneInfo, weekend: Iterable[int]) -> list[Found]:
    """What an inbound message suggests: nothing from automated mail (acknowledgements,
    auto-replies, lists) or from a message without a Date to resolve against."""
    if message.automated or message.date is None:
        return []
    return detect(message.text, message.date, zone, weekend)
