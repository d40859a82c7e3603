"""User settings and API token schemas (§2, §6)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from server.schemas.fields import (
    Str,
    UtcDateTimeOut,
    strict_bool,
    validate_hhmm,
    validate_timezone,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ALIASES = {"weds": "wed"}
MAX_PUSH_URLS = 10
MAX_PUSH_URL = 2048


class WakeWindow(Schema):
    start = fields.String(required=True, validate=validate_hhmm)
    end = fields.String(required=True, validate=validate_hhmm)

    @pre_load
    def _accept_range_string(self, data: Any, **_kwargs: Any) -> Any:
        # "08:00-21:00" (or with an en dash) is the natural way to write a window.
        if isinstance(data, str):
            parts = data.replace("–", "-").split("-")
            if len(parts) != 2:
                raise ValidationError("Use {start, end} or 'HH:MM-HH:MM'.")
            return {"start": parts[0].strip(), "end": parts[1].strip()}
        return data

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["start"] >= data["end"]:
            raise ValidationError("start must be before end.", field_name="end")


class Weekday(fields.Field):
    """A weekday as 'sat' / 'saturday' / ISO number 6; stored as the ISO number."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            text = _WEEKDAY_ALIASES.get(text, text)
            for number, name in enumerate(WEEKDAY_NAMES, start=1):
                # "sat", "satur", "saturday"; not "satisfied".
                if len(text) >= 3 and name.startswith(text):
                    return number
        raise ValidationError("A weekday: 'mon'…'sun', its full name or ISO number 1–7.")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else WEEKDAYS[int(value) - 1]


class MePatch(Schema):
    display_name = Str(200)
    timezone = fields.String(validate=validate_timezone)
    wake_window = fields.Nested(WakeWindow)
    preferred_time = fields.String(validate=validate_hhmm)
    weekend = fields.List(Weekday(), validate=validate.Length(max=6))
    nudges_paused = strict_bool()
    daily_digest = strict_bool(metadata={
        "description": "Send the daily digest e-mail at preferred_time (needs the server's "
                       "SMTP settings)."})
    push_urls = fields.List(
        Str(MAX_PUSH_URL, min_length=1), validate=validate.Length(max=MAX_PUSH_URLS),
        metadata={"description": "Apprise URLs (ntfy://…, tgram://…, mailto://…) that get a "
                                 "push for each P1 and P2 follow-up at its notify_at."})


class MeOut(Schema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    wake_window = fields.Dict()
    preferred_time = fields.String()
    weekend = fields.List(Weekday())
    nudges_paused = fields.Boolean()
    daily_digest = fields.Boolean()
    push_urls = fields.List(fields.String())
    calendar_url = fields.String()
    created_at = UtcDateTimeOut()


class NotificationErrorOut(Schema):
    channel = fields.String(validate=validate.OneOf(("email", "push")))
    at = UtcDateTimeOut()
    error = fields.String()
    retry_at = UtcDateTimeOut(allow_none=True, metadata={
        "description": "When it is tried again; null once it was given up."})


class SentNotificationOut(Schema):
    channel = fields.String(validate=validate.OneOf(("email", "push")))
    at = UtcDateTimeOut()
    nudge_ids = fields.List(fields.Integer())


class NotificationsOut(Schema):
    last_sent_at = UtcDateTimeOut(allow_none=True)
    last_error = fields.Nested(NotificationErrorOut, allow_none=True)
    sent = fields.List(fields.Nested(SentNotificationOut),
                       metadata={"description": "The last 50 sends, newest first."})


class CalendarOut(Schema):
    calendar_url = fields.String(required=True)


class TokenIn(Schema):
    name = Str(100, min_length=1, required=True)


class TokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    created_at = UtcDateTimeOut()
    last_used_at = UtcDateTimeOut(allow_none=True)


class NewTokenOut(TokenOut):
    token = fields.String()
