"""Envelope and pagination schemas shared by every resource."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class ErrorSchema(Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String()
    errors = fields.Dict()


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking params in a query string are harmless

    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next": fields.String(allow_none=True, required=True),
        },
        name=name,
    )
