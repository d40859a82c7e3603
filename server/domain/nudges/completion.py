"""What pressing "Done" on a nudge means happened: the interaction the nudge asked for.

Logging it (rather than only closing the nudge) lets warmth and the later steps see it: "Done"
on "Follow Priya on X" is a follow on X, so R7's engagement steps start from it; "Done" on a
follow-up e-mail is an e-mail sent, so R8's clock starts again.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.nudges.model import NudgeCtx

# Channel → the interaction a nudge on it asks for.
_BY_CHANNEL = {"email": "email_sent", "message": "message_sent", "call": "call"}
# R7's steps on a social network: S1 follows, S2 engages (a like is the lightest engagement).
_SOCIAL_STEPS = {"S1": "social_follow", "S2": "social_like"}


@dataclass(frozen=True)
class AskedInteraction:
    type: str
    network: str | None = None


def asked_interaction(nudge: NudgeCtx) -> AskedInteraction | None:
    """The interaction completing this nudge logs, or None when it asks for none (a digest,
    "find the hiring manager": nothing was said to anybody)."""
    if nudge.contact_id is None:
        return None
    if nudge.rule == "R7" and nudge.step in _SOCIAL_STEPS:
        return AskedInteraction(_SOCIAL_STEPS[nudge.step], _network_of(nudge.key))
    found = _BY_CHANNEL.get(nudge.channel)
    return AskedInteraction(found) if found is not None else None


def _network_of(key: str) -> str | None:
    """R7's keys end with the network (`R7:S1:c12:x`, `R7:S2:c12:x:1`)."""
    root = key.split(":", 3)[3] if key.count(":") >= 3 else ""
    network = root.split(":", 1)[0]
    return network or None
