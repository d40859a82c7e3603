"""SQLAlchemy Core statements run straight on the DBAPI connection, for the hottest requests.

A Session or Connection costs 100-250 µs of Python around each statement (transaction objects,
events, result wrapping); the statement itself on SQLite costs about 10 µs. The token check on
every request, the popup's list and saving a contact are worth more than that (SPEC §9 load
goals), so they run here. The SQL is still written with SQLAlchemy Core against the models, so it
is the same on SQLite and PostgreSQL and the schema keeps one source; each statement is compiled
once per dialect, and values go through the columns' own type processors both ways, so what is
stored and read is exactly what the ORM would store and read.

Errors are re-raised as SQLAlchemy's `DBAPIError` family (with `connection_invalidated` set on a
lost connection), so the API's error handlers answer them as they answer the ORM's.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import orjson
from flask import g
from sqlalchemy import JSON, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from server.models.base import UTCDateTime
from server.schemas.fields import iso_z
from server.sqlite_lock import begin_immediate

_REQUIRED = object()


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: bool  # ? placeholders (a tuple of values), else named (a dict)
    # Per parameter, in placeholder order: (name, bind processor or None, the value bound in
    # the statement itself or _REQUIRED).
    plan: tuple[tuple[str, Any, Any], ...]
    convert: Any  # a fetched row to a tuple of values, or None when no column needs it


class Statement:
    """A Core statement, compiled on first use for each dialect.

    `iso_datetimes`: the rows are only turned into JSON, so datetime columns come back as the
    API writes them (ISO-8601 UTC with 'Z', `iso_z`), straight from SQLite's stored text, and
    JSON columns are decoded with orjson.
    """

    def __init__(self, stmt: ClauseElement, *, iso_datetimes: bool = False) -> None:
        self.stmt = stmt
        self.iso_datetimes = iso_datetimes
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.stmt.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding IN (...) lists are not supported here: spell the "
                             "values out (or_ of ==) or bind them one by one")
        if dialect.positional:
            names: tuple[str, ...] = tuple(compiled.positiontup or ())
        else:
            names = tuple(compiled.binds)
        plan = tuple(
            (name, bind.type.dialect_impl(dialect).bind_processor(dialect),
             bind.effective_value if bind.value is not None or not bind.required else _REQUIRED)
            for name, bind in ((name, compiled.binds[name]) for name in names))
        columns = getattr(self.stmt, "selected_columns", None)
        if columns is None:
            columns = getattr(self.stmt, "_returning", ()) or ()
        results = tuple(
            (i, self._result_processor(column.type, dialect)) for i, column in enumerate(columns))
        return _Compiled(compiled.string, bool(dialect.positional), plan,
                         _row_converter(len(columns), [(i, p) for i, p in results if p]))

    def _result_processor(self, type_: Any, dialect: Dialect) -> Any:
        process = type_.dialect_impl(dialect).result_processor(dialect, None)
        if not self.iso_datetimes:
            return process
        if isinstance(type_, JSON) and process is not None:
            def decode(value: Any) -> Any:
                return orjson.loads(value) if type(value) is str else process(value)

            return decode
        if not isinstance(type_, UTCDateTime):
            return process
        full = process or (lambda value: value)

        def iso(value: Any) -> str:
            # SQLite's text for a DateTime is "YYYY-MM-DD HH:MM:SS.ffffff" (naive UTC).
            if type(value) is str and len(value) == 26 and value[10] == " " and value[19] == ".":
                micro = value[20:]
                return (f"{value[:10]}T{value[11:19]}Z" if micro == "000000"
                        else f"{value[:10]}T{value[11:]}Z")
            return iso_z(full(value))

        return iso


def _row_converter(width: int, processors: list[tuple[int, Any]]) -> Any:
    """A function turning a fetched row into its values, the processors' columns converted
    (None stays None), or None when no column has a processor.

    Generated once per statement, as `collections.namedtuple` generates its class: a loop over
    the processors per row cost a third of the popup list's time."""
    if not processors:
        return None
    by_column = dict(processors)
    parts = [f"(p{i}(r[{i}]) if r[{i}] is not None else None)" if i in by_column else f"r[{i}]"
             for i in range(width)]
    namespace = {f"p{i}": process for i, process in processors}
    exec(f"def convert(r):\n    return ({', '.join(parts)},)\n", namespace)  # noqa: S102
    return namespace["convert"]


@dataclass(frozen=True, slots=True)
class Bound:
    sql: str
    params: Any


class RawConnection:
    """One DBAPI connection from the engine's pool; on SQLite in autocommit mode (each statement
    is its own transaction) unless `begin_write` opened one."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect
        self._error = self.dialect.loaded_dbapi.Error
        try:
            self._fairy = engine.raw_connection()
        except self._error as exc:
            raise DBAPIError.instance("connect", {}, exc, self._error,
                                      dialect=self.dialect) from exc
        self._in_write = False

    def _params(self, compiled: _Compiled, values: Mapping[str, Any]) -> Any:
        out = []
        for name, process, bound in compiled.plan:
            value = values.get(name, bound)
            if value is _REQUIRED:
                raise KeyError(f"no value for the parameter {name!r}")
            out.append(process(value) if process is not None and value is not None else value)
        if compiled.positional:
            return tuple(out)
        return {name: value for (name, _, _), value in zip(compiled.plan, out, strict=True)}

    def _translate(self, exc: Exception, sql: str, params: Any, cursor: Any = None) -> DBAPIError:
        """SQLAlchemy's exception for a driver error; a lost connection is invalidated, so the
        pool replaces it (`connection_invalidated` makes the API answer 503)."""
        invalidated = self.dialect.is_disconnect(exc, self._fairy, cursor)
        if invalidated and self._fairy.dbapi_connection is not None:
            self._fairy.invalidate(exc)
        return DBAPIError.instance(sql, params, exc, self._error,
                                   connection_invalidated=invalidated, dialect=self.dialect)

    def _lost(self, sql: str, params: Any) -> DBAPIError:
        """The error for a statement on a connection invalidated earlier in this request."""
        return DBAPIError.instance(sql, params, ConnectionError("connection lost"), Exception,
                                   connection_invalidated=True, dialect=self.dialect)

    def _run(self, sql: str, params: Any, fetch: str | None = None) -> Any:
        """Execute; with `fetch`, return what it names instead of the cursor: "all" the rows,
        "id" the new row's id (RETURNING, or SQLite's lastrowid). A connection can also drop
        while fetching."""
        if self._fairy.dbapi_connection is None:
            raise self._lost(sql, params)
        cursor = self._fairy.cursor()
        try:
            cursor.execute(sql, params)
            if fetch is None:
                return cursor
            if fetch == "all":
                found = cursor.fetchall()
            else:
                found = cursor.fetchone()[0] if cursor.description else cursor.lastrowid
            cursor.close()
            return found
        except self._error as exc:
            raise self._translate(exc, sql, params, cursor) from exc

    def rows(self, statement: Statement, **values: Any) -> list[tuple[Any, ...]]:
        compiled = statement.compiled(self.dialect)
        fetched = self._run(compiled.sql, self._params(compiled, values), "all")
        convert = compiled.convert
        return fetched if convert is None else [convert(row) for row in fetched]

    def first(self, statement: Statement, **values: Any) -> tuple[Any, ...] | None:
        found = self.rows(statement, **values)
        return found[0] if found else None

    def execute(self, statement: Statement, **values: Any) -> None:
        compiled = statement.compiled(self.dialect)
        self._run(compiled.sql, self._params(compiled, values)).close()

    def insert(self, statement: Statement | Bound, **values: Any) -> int:
        """Run an INSERT and return the new row's id (the statement must RETURN it on
        PostgreSQL; SQLite reports it itself)."""
        bound = statement if isinstance(statement, Bound) else self.bind(statement, **values)
        return int(self._run(bound.sql, bound.params, "id"))

    def bind(self, statement: Statement, **values: Any) -> Bound:
        """The statement with its values converted, ready to run: a writer converts before
        taking the write lock, so the lock is held only while SQLite works."""
        compiled = statement.compiled(self.dialect)
        return Bound(compiled.sql, self._params(compiled, values))

    def begin_write(self) -> None:
        """Open a write transaction; on SQLite take the write lock now (BEGIN IMMEDIATE) so a
        busy writer is waited for (see extensions._configure_sqlite)."""
        if self.dialect.name == "sqlite":
            if self._fairy.dbapi_connection is None:
                raise self._lost("BEGIN IMMEDIATE", ())
            try:
                begin_immediate(self._fairy.dbapi_connection)
            except self._error as exc:
                raise self._translate(exc, "BEGIN IMMEDIATE", ()) from exc
        self._in_write = True

    def commit(self) -> None:
        self._in_write = False
        if self._fairy.dbapi_connection is None:
            raise self._lost("COMMIT", {})
        try:
            self._fairy.commit()
        except self._error as exc:
            raise self._translate(exc, "COMMIT", {}) from exc

    def rollback(self) -> None:
        if self._fairy.dbapi_connection is not None:
            with suppress(self._error):  # a lost connection has nothing to roll back
                self._fairy.rollback()
        self._in_write = False

    def close(self) -> None:
        """Back to the pool, which rolls back whatever is still open (and drops an invalidated
        connection); never raises, as it runs in the request's teardown."""
        if self._in_write:
            self.rollback()
        with suppress(self._error):
            self._fairy.close()


def request_connection(engine: Engine) -> RawConnection:
    """This request's raw connection (one pool checkout per request, for the token check and
    a hot endpoint's own statements); `release_request_connection` returns it."""
    conn = g.get("thrice_raw")
    if conn is None:
        conn = g.thrice_raw = RawConnection(engine)
    return conn


def release_request_connection() -> None:
    conn = g.pop("thrice_raw", None)
    if conn is not None:
        conn.close()
