"""Mail in: mailbox settings, a sync's counts, uploaded messages, and suggestions."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from server.schemas.common import PageQuery
from server.schemas.fields import Str, UtcDateTimeOut, strict_int
from server.schemas.interaction import LoggedOut

SECURITY = ("ssl", "starttls", "none")
SUGGESTION_STATES = ("pending", "accepted", "rejected", "all")
MAX_UPLOAD = 500  # raw messages per POST /me/mail/messages


class MailIn(Schema):
    host = Str(255, min_length=1, required=True,
               validate=validate.Regexp(r"^[A-Za-z0-9.\-\[\]:]+$",
                                        error="A host name or an IP address."))
    port = strict_int(required=True, validate=validate.Range(min=1, max=65535))
    security = fields.String(required=True, validate=validate.OneOf(SECURITY))
    username = Str(255, min_length=1, required=True)
    password = Str(1000, min_length=1, required=True, load_only=True)


class MailOut(Schema):
    host = fields.String()
    port = fields.Integer()
    security = fields.String()
    username = fields.String()
    last_sync_at = UtcDateTimeOut(allow_none=True)
    last_error = fields.String(allow_none=True)


class SyncOut(Schema):
    messages_read = fields.Integer()
    interactions_added = fields.Integer()
    suggestions_added = fields.Integer()


class MessagesIn(Schema):
    """Raw RFC 5322 messages, base64-encoded, from an .mbox: the same reading as a sync."""

    messages = fields.List(Str(8_000_000, min_length=1), required=True,
                           validate=validate.Length(min=1, max=MAX_UPLOAD))
    me = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=20),
                     metadata={"description": "The user's own addresses besides their "
                                              "account e-mail (mail from them is email_sent)."})


class SuggestionQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    state = fields.String(load_default="pending", validate=validate.OneOf(SUGGESTION_STATES))


class SuggestionOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "promise | no | interview"})
    contact_id = fields.Integer()
    contact_name = fields.String()
    opportunity_id = fields.Integer(allow_none=True)
    source_interaction_id = fields.Integer()
    evidence = fields.String(metadata={"description": "The sentence it was read from."})
    value = fields.Dict(metadata={"description": "The interaction accepting it logs."})
    confidence = fields.Float()
    state = fields.String()
    created_at = UtcDateTimeOut()


class AcceptedOut(SuggestionOut):
    interaction = fields.Nested(LoggedOut, metadata={
        "description": "The interaction logged, as POST /contacts/{id}/interactions answers."})
