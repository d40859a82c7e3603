"""A contact's role guessed from a job title or headline (SPEC §8), so §5's rules fire for
imported people.

Checked in order, first match wins: the more specific function beats the seniority word
("Recruiting Coordinator" is an assistant, not a recruiter; "Director of Talent Acquisition"
is a recruiter and "Head of HR" is hr, not department managers; "Recruiter for hiring managers"
is a recruiter), because the nudge rules care about who guards the door (recruiter, hr,
assistant) more than about rank. Words match on word
boundaries of a normalised title (case-folded, punctuation as spaces), so "Christmas" is not
HR, "VPN Engineer" is no VP and "HR-Manager" or "HRBP" are hr. English titles only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_PUNCTUATION = re.compile(r"[\W_]+")

# (role, pattern) in the order they are tried; patterns see single-spaced lower-case words.
_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (role, re.compile(pattern)) for role, pattern in (
        ("assistant",
         r"\b(?:(?:recruit(?:ing|ment|er)?|talent(?: acquisition)?|ta|interview|scheduling)"
         r" (?:coordinator|assistant)"
         r"|(?:executive|administrative|admin|personal) assistant|assistant to (?:the )?\w+"
         r"|(?:ea|pa) to (?:the )?\w+)\b"),
        ("recruiter",
         r"\b(?:recruit(?:er|ers|ing|ment)|talent acquisition|sourcers?|headhunters?"
         r"|executive search|talent (?:partner|scout|sourcing|lead|manager)"
         r"|(?:head|director|vp|chief) (?:of )?talent)\b"),
        ("hr",
         r"\b(?:hr(?:bp|d|m)?|human resources?|people (?:partner|business partner|operations"
         r"|ops|and culture|culture|team|director|lead)|(?:head|vp|director|chief) (?:of )?people"
         r"|personnel)\b"),
        ("hiring_manager", r"\bhiring managers?\b"),
        ("department_manager",
         r"\b(?:(?:engineering|development|software development|software engineering) managers?"
         r"|manager of engineering|head of|director|directors|vp|svp|evp|avp"
         r"|vice president|chief \w+(?: \w+)? officer|c[etfoi]o|ciso|president"
         r"|(?:co )?founder)\b"),
    )
)
OTHER: Final = "other"


def normalise_title(position: str) -> str:
    """'Sr. HR-Business Partner (EMEA)' -> 'sr hr business partner emea'."""
    return _PUNCTUATION.sub(" ", position.casefold()).strip()


@lru_cache(maxsize=4096)  # an export repeats its titles ("Software Engineer") many times
def guess_role(position: str | None) -> str:
    """One of recruiter, hr, assistant, hiring_manager, department_manager or other."""
    if not position:
        return OTHER
    text = normalise_title(position)
    for role, pattern in _RULES:
        if pattern.search(text):
            return role
    return OTHER
