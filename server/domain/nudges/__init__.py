"""Follow-up nudges (SPEC §5): pure rules, lifecycle and the reconcile engine.

Entry points: ``evaluate`` and ``reconcile`` (engine), the input/output dataclasses (model) and
the lifecycle actions (lifecycle). No Flask, SQLAlchemy or RQ in this package.
"""

from server.domain.nudges.engine import Close, Create, Plan, Update, apply_plan, evaluate, reconcile
from server.domain.nudges.model import (
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    NudgeSpec,
    OpportunityCtx,
    PromiseCtx,
    UserCtx,
    nudge_key,
)

__all__ = [
    "Close", "ContactCtx", "Create", "InteractionCtx", "NudgeCtx", "NudgeSpec",
    "OpportunityCtx", "Plan", "PromiseCtx", "Update", "UserCtx", "apply_plan", "evaluate",
    "nudge_key", "reconcile",
]
