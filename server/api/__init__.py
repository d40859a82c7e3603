"""HTTP API: one flask-smorest blueprint per resource (parse → call a service → return)."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter, ValidationError

from server.api import contacts, health, interactions, mail, me, nudges, opportunities, tokens

MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """Positive ids only; anything malformed or out of range is a 404, never a database error."""

    regex = r"\d{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: object) -> str:
        return str(value)


def register_blueprints(app: Flask, api: Api) -> None:
    app.url_map.converters["id"] = IdConverter
    api.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    for module in (health, tokens, me, mail, contacts, interactions, opportunities, nudges):
        api.register_blueprint(module.blp)
