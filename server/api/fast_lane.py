"""The extension's hottest requests, answered beneath Flask's dispatch.

SPEC §9 sets the popup's list at 60 % and saving a contact at 50 % of a bare Flask endpoint's
throughput. Flask's request context, hooks, flask-smorest's wrappers and flask-cors' after-request
cost about 100 µs per request in this app, as much as the popup's SQL and views together
(docs/performance.md), so the four requests the extension makes all the time are answered here,
by a WSGI middleware in front of the Flask app:

- `GET /api/v1/nudges` with at most `state=due` and `limit=N` (the popup's list);
- `GET /api/v1/nudges/summary` (the badge's poll);
- `GET /api/v1/contacts/lookup?url=U` (asked on every profile page shown);
- `POST /api/v1/contacts` for a brand-new person (the "Save contact" click).

Each route reads the request first without the database (`Route.prepare`), then runs the same
raw-SQL services the views used, with the same token check; flask-cors' own options decide the
CORS headers. Anything else, and anything unusual (no or an unknown token, an odd query, a body
that is not plain JSON, a manager, a database error, a known URL whose insert is rolled back)
is handed to Flask untouched with nothing written, so every error is worded in one place.
On SQLite the popup's list is kept between requests while nothing changes (read_cache).
`THRICE_FAST_LANE = False` in the app config turns the lane off (the tests compare both).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import orjson
from flask import Flask
from flask_cors.core import get_cors_headers, get_cors_options
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import EnvironHeaders

from server.api.auth import bearer_token, token_user
from server.api.errors import error_body, not_found
from server.json_provider import PrebuiltJson, dumps_bytes
from server.models import utcnow
from server.rawsql import RawConnection
from server.read_cache import AnswerCache, ChangeWatch, Kept
from server.services import nudges, quick_lookup, quick_save
from server.services.tokens import hash_token

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_BODY = 64 * 1024  # a contact is a few hundred bytes; bigger bodies go the general way
_STATUS = {code: f"{code} {HTTPStatus(code).phrase}" for code in (200, 201, 404)}


@dataclass(slots=True)
class Call:
    """What a route's `run` may use: the connection, the token's user and what `prepare`
    made of the request."""

    conn: RawConnection
    user_id: int
    prepared: Any
    kept: bool  # the answer will be kept (read_cache): say until when it holds


@dataclass(frozen=True, slots=True)
class Reply:
    """A route's answer; `until`: when time alone changes it (for a kept answer)."""

    status: int
    value: Any  # a JSON value, or PrebuiltJson
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """`prepare(query, body, phone_region)` reads the request without the database: what `run`
    needs, or None when Flask must answer. `keep`: answers may be kept while nothing changes
    (read_cache)."""

    prepare: Callable[[str, Any, str | None], Any]
    run: Callable[[Call], Reply | None]  # None: Flask answers
    keep: bool = False


def _popup_list(call: Call) -> Reply:
    now = utcnow()
    until = nudges.next_due_change(call.conn, call.user_id, now) if call.kept else None
    return Reply(200, nudges.due_page(call.conn, call.user_id, call.prepared, now), until)


def _summary(call: Call) -> Reply:
    return Reply(200, nudges.summary(call.conn, call.user_id))


def _lookup_url(query: str, _body: Any, _region: str | None) -> str | None:
    args = parse_qsl(query, keep_blank_values=True)
    return args[0][1] if len(args) == 1 and args[0][0] == "url" else None


def _lookup(call: Call) -> Reply | None:
    found = quick_lookup.find_view(call.conn, call.user_id, call.prepared)
    if found is quick_lookup.NOT_FOUND:
        missing = not_found("Contact")
        return Reply(missing.code, error_body(missing.code, missing.message))
    return None if found is None else Reply(200, found)


def _save(call: Call) -> Reply | None:
    created = quick_save.create(call.conn, call.user_id, call.prepared)
    return None if created is None else Reply(201, created)


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/nudges"): Route(lambda query, _b, _r: plain_due_limit(query),
                                     _popup_list, keep=True),
    ("GET", "/api/v1/nudges/summary"): Route(lambda _q, _b, _r: True, _summary),
    ("GET", "/api/v1/contacts/lookup"): Route(_lookup_url, _lookup),
    ("POST", "/api/v1/contacts"): Route(lambda _q, body, region: quick_save.prepare(body, region),
                                        _save),
}
_WITH_BODY = frozenset({"POST"})


def plain_due_limit(query: str) -> int | None:
    """The limit of a plain popup query (`state=due` and `limit=N`, each at most once, N in
    1..200; 50 by default), else None: a cursor, a filter, a repeated or unusual value goes
    through NudgeQuery, which also words any error."""
    limit = 50
    seen: set[str] = set()
    for part in query.split("&") if query else ():
        key, eq, value = part.partition("=")
        if not eq or key in seen:
            return None
        seen.add(key)
        if key == "state":
            if value != "due":
                return None
        elif key == "limit":
            if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 200:
                return None
            limit = int(value)
        else:
            return None
    return limit


class FastLane:
    """WSGI middleware: answers ROUTES' plain requests itself, passes the rest to Flask."""

    def __init__(self, app: Flask, cors_options: dict[str, Any]) -> None:
        self.app = app
        self.flask_wsgi: WSGIApp = app.wsgi_app
        self.cors = get_cors_options(app, cors_options)
        engine = app.extensions["thrice_db"].engine
        self.watch = ChangeWatch(engine) if engine.dialect.name == "sqlite" else None
        self._db_errors = engine.dialect.loaded_dbapi.Error
        self.cache = AnswerCache()
        # flask-cors answers a request without Origin too (always_send); that answer is
        # the same for every such request, so it is worked out once.
        self.cors_without_origin = self._flask_cors_headers({}, "GET")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        route = ROUTES.get((method, environ.get("PATH_INFO", "")))
        if route is not None and self.app.config.get("THRICE_FAST_LANE", True):
            answer = self._answer(route, method, environ)
            if answer is not None:
                status, body = answer
                headers = [("Content-Type", "application/json"),
                           ("Content-Length", str(len(body)))]
                headers.extend(self._cors_headers(environ, method))
                start_response(_STATUS[status], headers)
                return [body]
        return self.flask_wsgi(environ, start_response)

    def _cors_headers(self, environ: dict[str, Any], method: str) -> list[tuple[str, str]]:
        """The headers flask-cors would add to this request's answer."""
        if ("HTTP_ORIGIN" not in environ
                and "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK" not in environ):
            return self.cors_without_origin
        return self._flask_cors_headers(environ, method)

    def _flask_cors_headers(self, environ: dict[str, Any], method: str
                            ) -> list[tuple[str, str]]:
        found = get_cors_headers(self.cors, EnvironHeaders(environ), method)
        return [(key, str(value)) for key, value in found.items(multi=True)]

    def _answer(self, route: Route, method: str, environ: dict[str, Any]
                ) -> tuple[int, bytes] | None:
        """The status and body of the answer, or None: Flask answers."""
        token = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        if token is None:
            return None
        body: Any = None
        if method in _WITH_BODY:
            raw = _read_body(environ)
            if raw is None:
                return None
            body = _json_or_none(raw)
            if body is None:
                return None
        query = environ.get("QUERY_STRING", "")
        prepared = route.prepare(query, body, self.app.config["THRICE"].phone_region)
        if prepared is None:
            return None
        key: tuple[Any, ...] | None = None
        version = 0
        watch = self._watch() if route.keep else None
        if watch is not None:
            key = (hash_token(token), route.run, query)
            try:
                version = watch.version()
            except self._db_errors:
                key = None
            else:
                kept = self.cache.get(key, version, utcnow())
                if kept is not None:
                    return kept.status, kept.body
        try:
            conn = RawConnection(self.app.extensions["thrice_db"].engine)
        except SQLAlchemyError:
            return None  # Flask meets the same error and answers it (503)
        try:
            found = token_user(conn, token)
            if found is None:
                return None
            user_id, touch_due = found
            reply = route.run(Call(conn, user_id, prepared, kept=key is not None))
        except SQLAlchemyError:
            # Nothing was written (a write commits last, and closing rolls back whatever is
            # open); the general path retries it and words whatever it meets.
            log.debug("fast lane handed a request to Flask after a database error",
                      exc_info=True)
            return None
        finally:
            conn.close()
        if reply is None:
            return None
        value = reply.value
        # ending in a newline, as Flask's JSON responses do
        encoded = (value.body if isinstance(value, PrebuiltJson) else dumps_bytes(value)) + b"\n"
        if key is not None:
            until = touch_due if reply.until is None else min(reply.until, touch_due)
            self.cache.put(key, Kept(version, until, reply.status, encoded))
        return reply.status, encoded

    def _watch(self) -> ChangeWatch | None:
        """The SQLite change watch, when answers may be kept (THRICE_READ_CACHE, default on;
        the app config's key of that name overrides it, for tests)."""
        if not self.app.config.get("THRICE_READ_CACHE", self.app.config["THRICE"].read_cache):
            return None
        return self.watch


def _read_body(environ: dict[str, Any]) -> bytes | None:
    """The body of a plain JSON request of known, modest length, else None."""
    mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if mimetype != "application/json" or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    length = environ.get("CONTENT_LENGTH", "")
    if not (length.isascii() and length.isdigit()) or not 0 < int(length) <= MAX_BODY:
        return None
    raw = environ["wsgi.input"].read(int(length))
    environ["wsgi.input"] = io.BytesIO(raw)  # Flask can still read it
    return raw if len(raw) == int(length) else None


def _json_or_none(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
