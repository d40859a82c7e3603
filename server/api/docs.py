"""OpenAPI: document the errors every operation of a kind can answer, in one place.

Authentication (401), the id converter (404), the JSON body parser (400) and the database
outage handler (503) apply to operations by their shape rather than by what each view does,
so they are added here for every operation of that shape instead of repeated on each view.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask_smorest.error_handler import ErrorSchema

# The envelope's documented schema (components/schemas/Error), for @blp.alt_response.
ERROR = ErrorSchema

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _ERROR}


class CommonErrorsPlugin(BasePlugin):
    def operation_helper(self, path: str | None = None,
                         operations: dict[str, Any] | None = None, **_kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security") != []:
                responses.setdefault("401", _error("Missing, unknown or revoked bearer token"))
            if path and "{" in path:
                responses.setdefault("404", _error("Unknown id, or another user's object"))
            if "requestBody" in operation:
                responses.setdefault("400", _error("The body is not valid JSON"))
            responses.setdefault("503", _error("The database is unavailable; try again"))
