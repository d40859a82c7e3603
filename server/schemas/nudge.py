"""Nudge schemas (§5, §6)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.domain.nudges.lifecycle import DISMISS_REASONS, SNOOZE_PRESETS
from server.domain.nudges.model import STATES
from server.schemas.common import PageQuery
from server.schemas.fields import StrictBoolean, UtcDateTimeOut, utc_datetime
from server.schemas.interaction import InteractionIn

RULES = tuple(f"R{i}" for i in range(1, 12))


class NudgeContactOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String(allow_none=True)


class NudgeOut(Schema):
    id = fields.Integer()
    rule = fields.String()
    step = fields.String(allow_none=True)
    contact_id = fields.Integer(allow_none=True)
    opportunity_id = fields.Integer(allow_none=True)
    priority = fields.String()
    due_at = UtcDateTimeOut()
    notify_at = UtcDateTimeOut()
    state = fields.String()
    visible = fields.Boolean()
    message = fields.String()
    reason = fields.String()
    channel = fields.String()
    snooze_count = fields.Integer()
    snoozed_until = UtcDateTimeOut(allow_none=True)
    completed_by_interaction_id = fields.Integer(allow_none=True)
    contact = fields.Nested(NudgeContactOut, allow_none=True)
    created_at = UtcDateTimeOut()
    updated_at = UtcDateTimeOut()


class NudgeQuery(PageQuery):
    state = fields.String(load_default="due", validate=validate.OneOf((*STATES, "all")))
    contact_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    opportunity_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    rule = fields.String(validate=validate.OneOf(RULES))


class SummaryOut(Schema):
    due = fields.Integer()
    overdue = fields.Integer()
    next_due_at = UtcDateTimeOut(allow_none=True)


class CompleteIn(Schema):
    interaction = fields.Nested(InteractionIn, allow_none=True, metadata={
        "description": "Log this interaction instead of the one the nudge asked for."})
    log = StrictBoolean(load_default=True, metadata={
        "description": "Log the interaction the nudge asked for (an e-mail sent, a call, a "
                       "follow on its network...); false closes the nudge only."})


class SnoozeIn(Schema):
    until = utc_datetime()
    preset = fields.String(validate=validate.OneOf(SNOOZE_PRESETS))

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("until" in data) == ("preset" in data):
            raise ValidationError("Give either 'until' or 'preset' (3h, tomorrow, next_monday, "
                                  "7d).", field_name="_schema")


class DismissIn(Schema):
    reason = fields.String(load_default="not_relevant", validate=validate.OneOf(DISMISS_REASONS))


class FeedQuery(Schema):
    class Meta:
        unknown = "exclude"

    feed = fields.String(required=True, validate=validate.Length(min=1, max=200))
