"""Mail in: the user's mailbox settings, a sync on demand, .mbox uploads, and suggestions."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import current_app
from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.api.docs import ERROR
from server.errors import ApiError
from server.extensions import db
from server.models import MailAccount, Suggestion
from server.schemas.common import page_of
from server.schemas.mail import (
    AcceptedOut,
    MailIn,
    MailOut,
    MessagesIn,
    SuggestionOut,
    SuggestionQuery,
    SyncOut,
)
from server.services.mail.account import delete_account, get_account, save_account
from server.services.mail.ingest import import_messages
from server.services.mail.suggestions import (
    accept_suggestion,
    contact_names,
    get_suggestion,
    list_suggestions,
    reject_suggestion,
)
from server.services.mail.sync import sync_user
from server.services.serialize import logged_view

blp = Blueprint("mail", __name__, url_prefix="/api/v1", description="Mail in and suggestions")
SuggestionPage = page_of(SuggestionOut, "SuggestionPage")
NO_KEY = "THRICE_SECRET_KEY is not set on the server"
NO_MAILBOX = "No mailbox is connected"


def _secret() -> str | None:
    return current_app.config["THRICE"].secret_key


def _account_view(a: MailAccount) -> dict[str, Any]:
    return {"host": a.host, "port": a.port, "security": a.security, "username": a.username,
            "last_sync_at": a.last_sync_at, "last_error": a.last_error}


def _suggestion_view(s: Suggestion, names: dict[int, str]) -> dict[str, Any]:
    return {"id": s.id, "kind": s.kind, "contact_id": s.contact_id,
            "contact_name": names.get(s.contact_id, ""), "opportunity_id": s.opportunity_id,
            "source_interaction_id": s.source_interaction_id, "evidence": s.evidence,
            "value": s.value, "confidence": s.confidence, "state": s.state,
            "created_at": s.created_at}


@blp.route("/me/mail")
class Mail(MethodView):
    @blp.response(200, MailOut)
    @blp.alt_response(404, schema=ERROR, description=NO_MAILBOX)
    def get(self) -> dict[str, Any]:
        return _account_view(get_account(db.session, current_user()))

    @blp.arguments(MailIn)
    @blp.response(200, MailOut)
    @blp.alt_response(409, schema=ERROR, description=NO_KEY)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        return _account_view(save_account(db.session, current_user(), data, _secret()))

    @blp.response(204)
    @blp.alt_response(404, schema=ERROR, description=NO_MAILBOX)
    def delete(self) -> None:
        delete_account(db.session, current_user())


@blp.route("/me/mail/sync")
class MailSync(MethodView):
    @blp.response(200, SyncOut)
    @blp.alt_response(404, schema=ERROR, description=NO_MAILBOX)
    def post(self) -> dict[str, Any]:
        return sync_user(db.session, current_user(), _secret()).as_dict()


@blp.route("/me/mail/messages")
class MailMessages(MethodView):
    @blp.arguments(MessagesIn)
    @blp.response(200, SyncOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            raws = [base64.b64decode(m, validate=True) for m in data["messages"]]
        except (binascii.Error, ValueError) as exc:
            raise ApiError(422, "The request has invalid fields.",
                           {"json": {"messages": ["Each message must be base64."]}}) from exc
        return import_messages(db.session, current_user(), raws, data["me"]).as_dict()


@blp.route("/suggestions")
class Suggestions(MethodView):
    @blp.arguments(SuggestionQuery, location="query")
    @blp.response(200, SuggestionPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        rows, next_cursor = list_suggestions(db.session, current_user(), args)
        names = contact_names(db.session, rows)
        return {"items": [_suggestion_view(s, names) for s in rows], "next": next_cursor}


@blp.route("/suggestions/<id:suggestion_id>/accept")
class SuggestionAccept(MethodView):
    @blp.response(200, AcceptedOut)
    @blp.alt_response(409, schema=ERROR, description="Already accepted or rejected")
    @blp.alt_response(422, schema=ERROR, description="What it says can no longer be logged")
    def post(self, suggestion_id: int) -> dict[str, Any]:
        user = current_user()
        found = get_suggestion(db.session, user, suggestion_id)
        logged = accept_suggestion(db.session, user, found)
        view = _suggestion_view(found, contact_names(db.session, [found]))
        return {**view, "interaction": logged_view(logged)}


@blp.route("/suggestions/<id:suggestion_id>/reject")
class SuggestionReject(MethodView):
    @blp.response(200, SuggestionOut)
    @blp.alt_response(409, schema=ERROR, description="Already accepted or rejected")
    def post(self, suggestion_id: int) -> dict[str, Any]:
        found = reject_suggestion(db.session, get_suggestion(db.session, current_user(),
                                                             suggestion_id))
        return _suggestion_view(found, contact_names(db.session, [found]))
