"""Where a logged interaction belongs when the user did not say.

A "no", a promise or an interview is about a job: the rules of the premature no, of "thrice"
after an interview and of the day-eight check only fire on an opportunity. Logged without one,
for someone on exactly one active opportunity, it can only be about that one; with several, the
client must ask which.
"""

from __future__ import annotations

from collections.abc import Sequence

ABOUT_A_JOB = frozenset({"no_received", "promise_made", "interview"})


def opportunity_for_log(interaction_type: str, active_ids: Sequence[int]) -> int | None:
    """The opportunity to attach an interaction logged without one to, or None."""
    if interaction_type in ABOUT_A_JOB and len(active_ids) == 1:
        return active_ids[0]
    return None


def needs_a_choice(interaction_type: str, active_ids: Sequence[int]) -> bool:
    """Several active opportunities could be meant: the answer lists them."""
    return interaction_type in ABOUT_A_JOB and len(active_ids) > 1
