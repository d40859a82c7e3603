"""Typed SQLAlchemy models, one module per aggregate."""

from server.models.base import Base, utcnow
from server.models.contact import Contact, ContactEmail, DismissedMergeSuggestion, Profile
from server.models.interaction import Interaction
from server.models.mail import MailAccount, Suggestion
from server.models.notification import Notification, SchedulerState
from server.models.nudge import Nudge
from server.models.opportunity import Opportunity, OpportunityContact
from server.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Base",
    "Contact",
    "ContactEmail",
    "DismissedMergeSuggestion",
    "Interaction",
    "MailAccount",
    "Notification",
    "Nudge",
    "Opportunity",
    "OpportunityContact",
    "Profile",
    "SchedulerState",
    "Suggestion",
    "User",
    "utcnow",
]
