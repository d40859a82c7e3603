"""One JSON error envelope for every failure: {code, status, message, errors?}."""

from __future__ import annotations

import logging
import sqlite3
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from server.errors import ApiError, error_body
from server.extensions import db

log = logging.getLogger(__name__)


def envelope(code: int, message: str, errors: Any = None) -> tuple[Response, int]:
    return jsonify(error_body(code, message, errors)), code


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
        if code == 413:
            message = too_large_message()
        return envelope(code, message, errors)

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError) -> tuple[Response, int]:
        problem = storage_problem(exc)
        if problem is not None:
            return database_cannot_store(exc, problem)
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


def too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    size = f"the {limit / 2**20:g} MB limit" if limit else "the limit"
    return (f"The request body is larger than {size}; send fewer items per request "
            "(an import sends its rows in smaller batches).")


# Why the database cannot store anything: the answer of `storage_problem`, and what the
# response and GET /health say about it.
FULL, READONLY, IOERROR = "full", "readonly", "ioerror"
_SQLITE_PROBLEMS = {sqlite3.SQLITE_FULL: FULL, sqlite3.SQLITE_READONLY: READONLY,
                    sqlite3.SQLITE_IOERR: IOERROR}
# PostgreSQL SQLSTATEs: disk_full, read_only_sql_transaction (a standby or a read-only server).
_PG_PROBLEMS = {"53100": FULL, "25006": READONLY}
_STORAGE_ANSWERS = {
    FULL: (507, "The server's disk is full (or the database reached its size limit), so "
                "nothing was saved. Ask the operator to free disk space."),
    READONLY: (503, "The database cannot be written (its file, folder or server is "
                    "read-only), so nothing was saved. Ask the operator to check it."),
    IOERROR: (503, "The database file cannot be read or written (a disk I/O error), so "
                   "nothing was saved. Ask the operator to check the disk."),
}


def storage_problem(exc: BaseException) -> str | None:
    """FULL, READONLY or IOERROR when the database refuses to store anything (retrying in a few
    seconds will not help, unlike a busy lock or a restart), else None."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_PROBLEMS.get(code & 0xFF)  # extended codes keep the primary in the low byte
    sqlstate = getattr(orig, "sqlstate", None)
    return _PG_PROBLEMS.get(sqlstate) if isinstance(sqlstate, str) else None


def database_cannot_store(exc: Exception, problem: str) -> tuple[Response, int]:
    # An operator's problem, not the client's: an error in the log, whatever the status.
    log.error("database cannot store (%s): %s", problem, _first_line(exc))
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the transaction may be gone already
        log.debug("rollback after a storage error failed", exc_info=True)
    return envelope(*_STORAGE_ANSWERS[problem])


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def is_unavailable(exc: DBAPIError) -> bool:
    """A lost or refused connection, a restarting server, a busy SQLite file: not the request's
    fault, and the same request will work once the database is back (unlike an IntegrityError)."""
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable(exc: Exception) -> tuple[Response, int]:
    log.warning("database unavailable: %s", _first_line(exc))
    try:
        # The session's transaction is dead; the next request on this thread must start clean.
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; invalidating it is enough
        log.debug("rollback after a database outage failed", exc_info=True)
    response, code = envelope(503, "The database is unavailable right now; try again in a "
                                   "few seconds.")
    response.headers["Retry-After"] = "5"
    return response, code
