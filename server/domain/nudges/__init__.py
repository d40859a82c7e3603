"""Follow-up nudges (SPEC §5): pure rules, lifecycle and the reconcile engine.

Entry points: ``evaluate`` and ``reconcile`` (engine), the input/output dataclasses (model),
the lifecycle actions (lifecycle), the contact tier (``tier_of``), the Monday digest time
(``pipeline_week_start``/``digest_due_at``) and ``rules_can_fire_for_new_contact``. No Flask,
SQLAlchemy or RQ in this package.
"""

from server.domain.nudges.engine import Close, Create, Plan, Update, evaluate, reconcile
from server.domain.nudges.lifecycle import effective_state, is_live, state_at
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
from server.domain.nudges.new_contact import rules_can_fire_for_new_contact
from server.domain.nudges.pipeline import digest_due_at, first_digest_at, pipeline_week_start
from server.domain.nudges.tiers import TIER_DAYS, tier_of

__all__ = [
    "TIER_DAYS", "Close", "ContactCtx", "Create", "InteractionCtx", "NudgeCtx", "NudgeSpec",
    "OpportunityCtx", "Plan", "PromiseCtx", "Update", "UserCtx", "digest_due_at",
    "effective_state", "evaluate", "first_digest_at", "is_live", "nudge_key",
    "pipeline_week_start", "reconcile", "rules_can_fire_for_new_contact", "state_at",
    "tier_of",
]
