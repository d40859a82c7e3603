"""Contact input, output and query schemas (§2, §6)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from server.domain.interaction_types import INTERACTION_TYPES, NETWORKS, ROLES, SOURCES
from server.schemas.common import PageQuery
from server.schemas.fields import (
    MAX_ID,
    EmailAddress,
    HttpUrl,
    Str,
    UtcDateTimeOut,
    strict_bool,
    utc_datetime,
    validate_timezone,
)

MAX_LIST = 20
BANDS = ("cold", "cool", "warm", "hot")
SORTS = ("warmth", "name", "updated", "last_touch", "created")


class ProfileIn(Schema):
    url = Str(2048, min_length=1, required=True)
    network = fields.String(validate=validate.OneOf(NETWORKS))


class ContactIn(Schema):
    name = Str(200, min_length=1, required=True)
    first_name = Str(100, allow_none=True)
    headline = Str(500, allow_none=True)
    company = Str(200, allow_none=True)
    title = Str(200, allow_none=True)
    location = Str(200, allow_none=True)
    timezone = fields.String(allow_none=True, validate=validate_timezone)
    emails = fields.List(EmailAddress(), validate=validate.Length(max=MAX_LIST))
    phones = fields.List(Str(40, min_length=1), validate=validate.Length(max=MAX_LIST))
    role = fields.String(validate=validate.OneOf(ROLES))
    notes = Str(10_000, allow_none=True)
    cadence_days = fields.Integer(allow_none=True, strict=True,
                                  validate=validate.Range(min=1, max=365),
                                  metadata={"description": "Keep in touch every N days (R9); "
                                                           "null: the tier's default."})
    avatar_url = HttpUrl(allow_none=True)
    tags = fields.List(Str(50, min_length=1), validate=validate.Length(max=50))
    starred = strict_bool()
    do_not_contact = strict_bool()
    source = fields.String(validate=validate.OneOf(SOURCES))
    archived = strict_bool()
    profiles = fields.List(fields.Nested(ProfileIn), validate=validate.Length(max=MAX_LIST))


class ContactPatch(ContactIn):
    name = Str(200, min_length=1)


class BulkInteractionIn(Schema):
    type = fields.String(required=True, validate=validate.OneOf(INTERACTION_TYPES))
    occurred_at = utc_datetime(required=True)
    network = fields.String(allow_none=True, validate=validate.OneOf(NETWORKS))
    notes = Str(10_000, allow_none=True)
    external_id = Str(500, min_length=1, required=True)


class BulkItemIn(ContactIn):
    import_key = Str(300, min_length=1, allow_none=True)
    # The importer guessed `role` from a title (SPEC §8): it sets a new contact's role, and an
    # existing one's only while that is still `other`, so a role the user chose is never lost.
    role_guessed = strict_bool()
    interactions = fields.List(fields.Nested(BulkInteractionIn), validate=validate.Length(max=5000))


class BulkIn(Schema):
    items = fields.List(
        fields.Dict(), required=True, validate=validate.Length(min=1, max=1000)
    )


class BulkQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    dry_run = fields.Boolean(load_default=False)


class BulkResultOut(Schema):
    index = fields.Integer()
    status = fields.String()
    id = fields.Integer(allow_none=True)
    errors = fields.Dict(allow_none=True)
    interactions_added = fields.Integer()


class BulkOut(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    dry_run = fields.Boolean()
    results = fields.List(fields.Nested(BulkResultOut))


class ProfileOut(Schema):
    network = fields.String()
    url = fields.String()
    handle = fields.String(allow_none=True)


class WarmthOut(Schema):
    score = fields.Integer()
    band = fields.String()
    reason = fields.String()
    computed_at = UtcDateTimeOut()


class WarmthDetailOut(WarmthOut):
    O = fields.Float()  # noqa: E741 - the spec's component names
    I = fields.Float()  # noqa: E741
    B = fields.Float()
    T = fields.Float()
    S = fields.Float()
    at = UtcDateTimeOut()


class ContactOut(Schema):
    id = fields.Integer()
    name = fields.String()
    first_name = fields.String(allow_none=True)
    headline = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True)
    emails = fields.List(fields.String())
    phones = fields.List(fields.String())
    role = fields.String()
    notes = fields.String(allow_none=True)
    cadence_days = fields.Integer(allow_none=True)
    avatar_url = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    starred = fields.Boolean()
    do_not_contact = fields.Boolean()
    source = fields.String()
    archived = fields.Boolean()
    merged_into_id = fields.Integer(allow_none=True)
    profiles = fields.List(fields.Nested(ProfileOut))
    warmth = fields.Nested(WarmthOut, allow_none=True)
    tier = fields.String(allow_none=True)
    last_touch_at = UtcDateTimeOut(allow_none=True)
    created_at = UtcDateTimeOut()
    updated_at = UtcDateTimeOut()


class ContactQuery(PageQuery):
    q = Str(200)
    role = fields.String(validate=validate.OneOf(ROLES))
    band = fields.String(validate=validate.OneOf(BANDS))
    tag = Str(50)
    starred = fields.Boolean()
    archived = fields.Boolean(load_default=False)
    sort = fields.String(load_default="updated", validate=validate.OneOf(SORTS))


class LookupQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    url = Str(2048, min_length=1, required=True)


class WarmthQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    at = utc_datetime()


class MergeIn(Schema):
    """The contacts to fold into the path's contact (which survives)."""

    other_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=50),
    )

    @pre_load
    def _accept_single(self, data: Any, **_kwargs: Any) -> Any:
        # Clients naturally send one id under one of these names; normalise to a list.
        if isinstance(data, dict) and "other_ids" not in data:
            for alias in ("other_id", "source_id", "duplicate_id", "merge_id", "contact_id"):
                if alias in data:
                    data = dict(data)
                    data["other_ids"] = [data.pop(alias)]
                    break
            else:
                if "contact_ids" in data:
                    data = dict(data)
                    data["other_ids"] = data.pop("contact_ids")
        return data


class MergeSuggestionOut(Schema):
    contact_ids = fields.List(fields.Integer())
    reasons = fields.List(fields.String())
    contacts = fields.List(fields.Nested(ContactOut))
