"""One JSON error envelope for every failure: {code, status, message, errors?}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def error_body(code: int, message: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def envelope(code: int, message: str, errors: Any = None) -> tuple[Response, int]:
    return jsonify(error_body(code, message, errors)), code


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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> tuple[Response, int]:
        return envelope(exc.code, exc.message, exc.errors)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> tuple[Response, int]:
        return envelope(422, "The request has invalid fields.", {"json": exc.messages})

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        code = exc.code or 500
        data = getattr(exc, "data", None) or {}
        errors = data.get("messages")
        message = data.get("message") or exc.description or HTTPStatus(code).phrase
        if code == 422 and not data.get("message"):
            message = "The request has invalid fields."
        if code == 400 and errors and "json" in errors:
            message = "The body is not valid JSON."
        return envelope(code, message, errors)

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError) -> tuple[Response, int]:
        if not is_unavailable(exc):
            return _unexpected(exc)
        return database_unavailable(exc)

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(exc: PoolTimeout) -> tuple[Response, int]:
        return database_unavailable(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")
        return envelope(500, "Internal error; the server log has the details.")


def is_unavailable(exc: DBAPIError) -> bool:
    """A lost or refused connection, a restarting server, a busy SQLite file: not the request's
    fault, and the same request will work once the database is back (unlike an IntegrityError)."""
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable(exc: Exception) -> tuple[Response, int]:
    from server.extensions import db

    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    try:
        # The session's transaction is dead; the next request on this thread must start clean.
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; invalidating it is enough
        log.debug("rollback after a database outage failed", exc_info=True)
    response, code = envelope(503, "The database is unavailable right now; try again in a "
                                   "few seconds.")
    response.headers["Retry-After"] = "5"
    return response, code
