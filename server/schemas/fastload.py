"""A lean loader compiled from a marshmallow schema, for hot paths that load thousands of items.

`LeanLoader(schema).load(raw)` returns exactly what `schema.load(raw)` returns, or None when the
caller must ask the schema itself: on any error (so error messages come from the schema alone)
and on anything the loader does not model. The common fields (strings, strict booleans, e-mails,
lists, nested schemas) are checked directly with the fields' own validators; every other field
goes through its own `Field.deserialize`. It skips the schema machinery (error stores, hook
dispatch, per-field getters), which is most of the cost of loading a small item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from server.schemas.fields import (
    _UNSTORABLE,
    EmailAddress,
    Str,
    StrictBoolean,
    fast_email,
    validate_storable,
)

Deserializer = Callable[[Any], Any]


class _Slow(Exception):  # noqa: N818 - a signal, not an error: "let the schema decide"
    """This value needs the full schema (it is invalid, or unusual)."""


def _string(value: Any) -> str:
    if type(value) is not str:
        raise _Slow
    return value


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise _Slow
    return value


def _email(field: fields.Field, name: str) -> Deserializer:
    slow = _generic(field, name)

    def run(value: Any) -> str:
        if type(value) is not str or len(value) > 254:
            raise _Slow
        normalised = fast_email(value.strip())
        return slow(value) if normalised is None else normalised

    return run


def _generic(field: fields.Field, name: str) -> Deserializer:
    def run(value: Any) -> Any:
        try:
            return field.deserialize(value, name, None)
        except ValidationError as exc:
            raise _Slow from exc

    return run


def _list(field: fields.List, name: str) -> Deserializer | None:
    inner = _compile(field.inner, name)
    if inner is None:
        return None

    def run(value: Any) -> list[Any]:
        if type(value) is not list:
            raise _Slow
        return [inner(each) for each in value]

    return run


def _nested(field: fields.Nested) -> Deserializer | None:
    if field.many or field.unknown is not None or not isinstance(field.schema, Schema):
        return None
    loader = LeanLoader(field.schema)
    if not loader.enabled:
        return None
    return loader.load_or_slow


def _base(field: fields.Field, name: str) -> Deserializer | None:
    kind = type(field)
    if kind in (fields.String, Str):
        return _string
    if kind is StrictBoolean:
        return _boolean
    if kind is EmailAddress:
        return _email(field, name)
    if kind is fields.List:
        return _list(field, name)  # type: ignore[arg-type]
    if kind is fields.Nested:
        return _nested(field)  # type: ignore[arg-type]
    return None


def _compile(field: fields.Field, name: str) -> Deserializer | None:
    """The field's deserializer, or None when only the schema can load this field."""
    if field.pre_load or field.post_load:
        return _generic(field, name)
    base = _base(field, name)
    if base is None:
        return _generic(field, name)
    allow_none = field.allow_none
    low, high, choices, storable, others = _split_validators(field.validators)

    def run(value: Any) -> Any:
        if value is None:
            if allow_none:
                return None
            raise _Slow
        out = base(value)
        size = len(out) if low or high is not None else 0
        if (size < low or (high is not None and size > high)
                or (choices is not None and out not in choices)
                or (storable and _UNSTORABLE.search(out))):
            raise _Slow
        try:
            for validator in others:
                if validator(out) is False:
                    raise _Slow
        except ValidationError as exc:
            raise _Slow from exc
        return out

    return run


def _split_validators(
    validators: list[Any],
) -> tuple[int, int | None, frozenset[Any] | None, bool, tuple[Any, ...]]:
    """(min length, max length, choices, storable check, the rest) of a field's validators.

    The first Length, OneOf and validate_storable are inlined (same conditions as theirs); any
    other validator is called as the field would call it.
    """
    low, high, choices, storable = 0, None, None, False
    others: list[Any] = []
    seen: set[type] = set()
    for validator in validators:
        kind = type(validator)
        if kind is validate.Length and validator.equal is None and kind not in seen:
            low, high = validator.min or 0, validator.max
        elif (kind is validate.OneOf and kind not in seen
              and all(isinstance(c, str) for c in validator.choices)):
            choices = frozenset(validator.choices)
        elif validator is validate_storable:
            storable = True
            continue
        else:
            others.append(validator)
            continue
        seen.add(kind)
    return low, high, choices, storable, tuple(others)


class LeanLoader:
    """`schema.load(raw)` for valid, ordinary input, without the schema machinery."""

    def __init__(self, schema: Schema) -> None:
        self._fields: dict[str, tuple[str, Deserializer]] = {}
        self._required: frozenset[str] = frozenset()
        self._defaults: list[tuple[str, Any]] = []
        # Schema-level hooks, partial loads or a lenient `unknown` are the schema's business.
        self.enabled = (
            not any(schema._hooks.values())
            and schema.unknown == RAISE
            and not schema.partial
            and not schema.many
        )
        if not self.enabled:
            return
        for name, field in schema.load_fields.items():
            run = _compile(field, name)
            if run is None:
                self.enabled = False
                return
            self._fields[field.data_key or name] = (name, run)
            if field.load_default is not missing:
                self._defaults.append((name, field.load_default))
        self._required = frozenset(
            field.data_key or name for name, field in schema.load_fields.items() if field.required)

    def load(self, raw: Any) -> dict[str, Any] | None:
        """The loaded item, or None: then `schema.load(raw)` gives the result or the errors."""
        try:
            return self.load_or_slow(raw)
        except _Slow:
            return None

    def load_or_slow(self, raw: Any) -> dict[str, Any]:
        if not self.enabled or type(raw) is not dict or not self._required <= raw.keys():
            raise _Slow
        out: dict[str, Any] = {}
        specs = self._fields
        for key, value in raw.items():
            spec = specs.get(key)
            if spec is None:  # unknown field: the schema raises
                raise _Slow
            out[spec[0]] = spec[1](value)
        for name, default in self._defaults:
            if name not in out:
                out[name] = default() if callable(default) else default
        return out
