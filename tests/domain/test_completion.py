"""The interaction that "Done" logs, for every kind of nudge the rules make."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.domain.nudges.completion import AskedInteraction, asked_interaction
from server.domain.nudges.model import NudgeCtx, nudge_key

NOW = datetime(2025, 3, 10, 15, tzinfo=UTC)


def _nudge(rule: str, step: str | None, channel: str, contact_id: int | None = 7,
           root: str = "i1") -> NudgeCtx:
    return NudgeCtx(id=1, key=nudge_key(rule, step, contact_id, root), rule=rule, step=step,
                    contact_id=contact_id, opportunity_id=None, priority="P3", state="due",
                    due_at=NOW, notify_at=NOW, channel=channel)


@pytest.mark.parametrize(("nudge", "expected"), [
    (_nudge("R7", "S1", "social", root="x"), AskedInteraction("social_follow", "x")),
    (_nudge("R7", "S1", "social", root="linkedin"), AskedInteraction("social_follow", "linkedin")),
    (_nudge("R7", "S2", "social", root="instagram:2"),
     AskedInteraction("social_like", "instagram")),
    (_nudge("R7", "S3", "message", root="x"), AskedInteraction("message_sent")),
    (_nudge("R8", "FU1", "email"), AskedInteraction("email_sent")),
    (_nudge("R8", "FU2", "message"), AskedInteraction("message_sent")),
    (_nudge("R1", None, "call"), AskedInteraction("call")),
    (_nudge("R4", "F1", "email"), AskedInteraction("email_sent")),
    (_nudge("R9", None, "call"), AskedInteraction("call")),
    (_nudge("R11", None, "email", contact_id=None, root="w2025-03-10"), None),
    (_nudge("R6", "find", "social", contact_id=None, root="o3"), None),
])
def test_done_logs_what_the_nudge_asked_for(nudge, expected):
    assert asked_interaction(nudge) == expected
