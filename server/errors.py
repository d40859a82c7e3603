"""Errors a use case raises for its caller to answer: {code, status, message, errors?}.

Services raise `ApiError`; the API's and the web app's error handlers turn it into their own
response. It lives outside `server.api` so that services never import the HTTP layer.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


def error_body(code: int, message: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


class ApiError(Exception):
    """Raised by services; the handler turns it into the envelope."""

    def __init__(self, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(404, f"{what} not found.")


def field_error(field: str, message: str, code: int = 422) -> ApiError:
    return ApiError(code, "The request has invalid fields.", {"json": {field: [message]}})
