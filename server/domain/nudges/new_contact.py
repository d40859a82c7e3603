"""Whether any rule can fire for a contact just created, with no history and no opportunity.

Every rule but R7 needs an interaction, an opportunity or a touch (R1–R6, R8–R11); R7 warms up
a hiring or department manager who has a profile on x, instagram, facebook or linkedin. A
suppressed contact (do_not_contact, archived, merged) gets nothing at all. Saving someone new
who is not such a manager therefore has no nudge to compute, and the save skips that work
(tests/domain check this against the engine itself, for every role, every set of networks and
each suppression flag).
"""

from __future__ import annotations

from server.domain.nudges.context import MANAGER_ROLES
from server.domain.nudges.model import ContactCtx
from server.domain.nudges.social import WARM_UP_NETWORKS


def rules_can_fire_for_new_contact(contact: ContactCtx) -> bool:
    if contact.do_not_contact or contact.archived or contact.merged:
        return False
    return contact.role in MANAGER_ROLES and any(n in contact.networks for n in WARM_UP_NETWORKS)
