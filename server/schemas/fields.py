"""Reusable marshmallow fields and validators (validation only, no database access)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from marshmallow import ValidationError, fields, validate

MAX_ID = 2**31 - 1  # ids are 32-bit; a larger one would overflow the query, not just miss
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_TIMEZONES = frozenset(available_timezones()) | {"UTC"}


def validate_timezone(value: str) -> None:
    if value not in _TIMEZONES:
        raise ValidationError("Unknown IANA time zone, e.g. 'Europe/Berlin' or 'UTC'.")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Unknown IANA time zone.") from exc


def validate_hhmm(value: str) -> None:
    if not _HHMM.match(value):
        raise ValidationError("Use 24-hour HH:MM, e.g. '08:30'.")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def validate_storable(value: str) -> None:
    """NUL (PostgreSQL rejects it in text) and lone surrogates (not UTF-8) cannot be stored."""
    if _UNSTORABLE.search(value):
        raise ValidationError("Contains a NUL character or an unpaired surrogate.")


class Str(fields.String):
    """A string with a length limit that is always documented."""

    def __init__(self, max_length: int, *, min_length: int = 0, **kwargs: Any) -> None:
        validators = [validate.Length(min=min_length, max=max_length), validate_storable]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            validators.extend(extra if isinstance(extra, list) else [extra])
        super().__init__(validate=validators, **kwargs)


# The plain ASCII shape most addresses have: an RFC 5322 dot-atom before the @, hostname labels
# after it. Only a strict subset of what email-validator accepts; anything else goes to it.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z]"  # a label that ends with a letter
_PLAIN_EMAIL = re.compile(rf"({_ATEXT}(?:\.{_ATEXT})*)@((?:{_LABEL}\.)+{_TLD})")
_SPECIAL_USE = tuple(SPECIAL_USE_DOMAIN_NAMES)
_CASE_INSENSITIVE_MAILBOXES = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


def fast_email(text: str) -> str | None:
    """email-validator's normalised form of a plain ASCII address, or None to ask it.

    It never accepts what `validate_email(text, check_deliverability=False)` rejects and returns
    the same `.normalized` (tests/services/test_bulk_fast_paths.py proves both), at a fraction
    of the cost; bulk imports validate thousands of addresses per request.
    """
    match = _PLAIN_EMAIL.fullmatch(text)
    if match is None or len(text) > 254:
        return None
    local, domain = match.groups()
    domain = domain.lower()
    if (
        local.lower() in _CASE_INSENSITIVE_MAILBOXES  # normalised to lower case: let it do it
        or len(domain) > 253
        or "--" in domain  # R-LDH and Punycode labels need the IDNA checks
        or (domain.endswith(_SPECIAL_USE)
            and any(domain == d or domain.endswith("." + d) for d in _SPECIAL_USE))
    ):
        return None
    return f"{local}@{domain}"


class EmailAddress(fields.String):
    """An e-mail checked by email-validator (syntax only: no DNS look-ups per request)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 254:
            raise ValidationError("Longer than 254 characters.")
        stripped = text.strip()
        fast = fast_email(stripped)
        if fast is not None:
            return fast
        try:
            return validate_email(stripped, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError(f"Not a valid e-mail address: {exc}") from exc


class HttpUrl(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > 2048:
            raise ValidationError("Longer than 2048 characters.")
        if not re.match(r"^https?://[^\s/]+", text, re.IGNORECASE):
            raise ValidationError("Only http(s) URLs are accepted.")
        validate_storable(text)
        return text


# Every date and instant the API accepts lies in this range: a CRM of follow-ups has nothing
# before the Unix epoch or after 2100, and the ends of the calendar (year 1, 9999) overflow the
# date arithmetic of warmth and nudges (a due date is the promise date plus business days).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
RANGE_MESSAGE = "Must be between 1970-01-01 and 2100-12-31 (UTC)."


class UtcDateTime(fields.AwareDateTime):
    """An instant in [EARLIEST, LATEST], returned in UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            instant = parsed.astimezone(UTC)
        except OverflowError:
            instant = None
        if instant is None or not EARLIEST <= instant <= LATEST:
            raise ValidationError(RANGE_MESSAGE)
        return instant


class SaneDate(fields.Date):
    """A calendar date in [EARLIEST, LATEST] (a promise's `date`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST.date() <= parsed <= LATEST.date():
            raise ValidationError(RANGE_MESSAGE.replace(" (UTC)", ""))
        return parsed


def utc_datetime(**kwargs: Any) -> fields.AwareDateTime:
    """ISO-8601 instants; a time without an offset is read as UTC."""
    return UtcDateTime(format="iso", default_timezone=UTC, **kwargs)


def strict_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON true/false: accepting "yes" or 1 hides client bugs."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        # A set lookup can't tell 1 from True (equal and same hash), so check the type.
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def strict_bool(**kwargs: Any) -> fields.Boolean:
    return StrictBoolean(**kwargs)


class UtcDateTimeOut(fields.DateTime):
    """Dumps aware datetimes as ISO-8601 UTC with a 'Z'."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return iso_z(value)


def iso_z(value: Any) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
