"""Interaction and promise schemas (§2, §6)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from server.domain.interaction_types import INTERACTION_TYPES, NETWORKS, PROMISE_KINDS
from server.schemas.common import PageQuery
from server.schemas.fields import (
    MAX_ID,
    SaneDate,
    Str,
    UtcDateTimeOut,
    strict_bool,
    strict_int,
    utc_datetime,
    validate_timezone,
)


class PromiseIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(PROMISE_KINDS))
    at = utc_datetime()
    date = SaneDate()
    days = strict_int(validate=validate.Range(min=1, max=365))
    tz = fields.String(allow_none=True, validate=validate_timezone)

    @validates_schema
    def _needs_its_value(self, data: dict[str, Any], **_kwargs: Any) -> None:
        needed = {"call_at": "at", "by_date": "date", "wait_days": "days"}[data["kind"]]
        if data.get(needed) is None:
            raise ValidationError(
                f"A {data['kind']} promise needs '{needed}'.", field_name=needed
            )


class InteractionIn(Schema):
    type = fields.String(required=True, validate=validate.OneOf(INTERACTION_TYPES))
    occurred_at = utc_datetime()
    ends_at = utc_datetime(allow_none=True)
    opportunity_id = strict_int(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    notes = Str(10_000, allow_none=True)
    network = fields.String(allow_none=True, validate=validate.OneOf(NETWORKS))
    final = strict_bool()
    external_id = Str(500, min_length=1, allow_none=True)
    promise = fields.Nested(PromiseIn, allow_none=True)

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("occurred_at"), data.get("ends_at")
        if start is not None and end is not None and end < start:
            raise ValidationError("Must not be before occurred_at.", field_name="ends_at")


class InteractionPatch(InteractionIn):
    type = fields.String(validate=validate.OneOf(INTERACTION_TYPES))


class PromiseOut(Schema):
    kind = fields.String()
    at = UtcDateTimeOut(allow_none=True)
    date = fields.Date(allow_none=True)
    days = fields.Integer(allow_none=True)
    tz = fields.String(allow_none=True)


class InteractionOut(Schema):
    id = fields.Integer()
    contact_id = fields.Integer()
    opportunity_id = fields.Integer(allow_none=True)
    type = fields.String()
    occurred_at = UtcDateTimeOut()
    ends_at = UtcDateTimeOut(allow_none=True)
    notes = fields.String(allow_none=True)
    network = fields.String(allow_none=True)
    final = fields.Boolean()
    external_id = fields.String(allow_none=True)
    promise = fields.Nested(PromiseOut, allow_none=True)
    created_at = UtcDateTimeOut()
    updated_at = UtcDateTimeOut()


class OpportunityChoiceOut(Schema):
    id = fields.Integer()
    company = fields.String()
    title = fields.String()
    status = fields.String()


class LoggedOut(InteractionOut):
    opportunity_attached = fields.Boolean(metadata={
        "description": "Logged without opportunity_id, it was attached to the contact's only "
                       "active opportunity."})
    opportunity_choices = fields.List(fields.Nested(OpportunityChoiceOut), metadata={
        "description": "Logged without opportunity_id while the contact is on several active "
                       "opportunities: it stays unattached; PATCH it with the right one."})


class InteractionQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(INTERACTION_TYPES))
