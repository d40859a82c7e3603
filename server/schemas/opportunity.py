"""Opportunity schemas (§2, §6)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from server.domain.interaction_types import OPPORTUNITY_STATUSES, ROLES
from server.schemas.common import PageQuery
from server.schemas.fields import MAX_ID, HttpUrl, Str, UtcDateTimeOut, strict_int


class LinkIn(Schema):
    contact_id = strict_int(required=True, validate=validate.Range(min=1, max=MAX_ID))
    role = fields.String(allow_none=True, validate=validate.OneOf(ROLES))


class OpportunityIn(Schema):
    company = Str(200, min_length=1, required=True)
    title = Str(200, min_length=1, required=True)
    url = HttpUrl(allow_none=True, metadata={
        "description": "The job posting; stored canonical (https, no tracking parameters, no "
                       "trailing slash; LinkedIn as /jobs/view/<id>) and unique per user."})
    status = fields.String(validate=validate.OneOf(OPPORTUNITY_STATUSES))
    notes = Str(10_000, allow_none=True)
    contacts = fields.List(fields.Nested(LinkIn), validate=validate.Length(max=100))


class OpportunityPatch(OpportunityIn):
    company = Str(200, min_length=1)
    title = Str(200, min_length=1)


class LinkOut(Schema):
    contact_id = fields.Integer()
    role = fields.String(allow_none=True)
    name = fields.String()


class OpportunityOut(Schema):
    id = fields.Integer()
    company = fields.String()
    title = fields.String()
    url = fields.String(allow_none=True)
    status = fields.String()
    notes = fields.String(allow_none=True)
    contacts = fields.List(fields.Nested(LinkOut))
    status_changed_at = UtcDateTimeOut()
    created_at = UtcDateTimeOut()
    updated_at = UtcDateTimeOut()


class OpportunityQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(OPPORTUNITY_STATUSES))


class OpportunityLookupQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    url = Str(2048, min_length=1, required=True, metadata={
        "description": "Any form of the job's address (tracking parameters, the LinkedIn "
                       "search view with currentJobId=...): matched by its canonical form."})
