"""Interactions: log and list per contact; patch and delete by id."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.api.docs import ERROR
from server.extensions import db
from server.schemas.common import page_of
from server.schemas.interaction import (
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    InteractionQuery,
    LoggedOut,
)
from server.services.contacts import get_contact
from server.services.interactions import (
    delete_interaction,
    get_interaction,
    list_interactions,
    log_interaction,
    update_interaction,
)
from server.services.serialize import interaction_view, logged_view

blp = Blueprint("interactions", __name__, url_prefix="/api/v1", description="Interactions")
InteractionPage = page_of(InteractionOut, "InteractionPage")
DUPLICATE = "An interaction with this external_id is already logged for the contact"


@blp.route("/contacts/<id:contact_id>/interactions")
class ContactInteractions(MethodView):
    @blp.arguments(InteractionQuery, location="query")
    @blp.response(200, InteractionPage)
    def get(self, args: dict[str, Any], contact_id: int) -> dict[str, Any]:
        contact = get_contact(db.session, current_user(), contact_id)
        rows, next_cursor = list_interactions(db.session, contact, args)
        return {"items": [interaction_view(i) for i in rows], "next": next_cursor}

    @blp.arguments(InteractionIn)
    @blp.response(201, LoggedOut)
    @blp.alt_response(409, schema=ERROR, description=DUPLICATE)
    def post(self, data: dict[str, Any], contact_id: int) -> dict[str, Any]:
        user = current_user()
        contact = get_contact(db.session, user, contact_id)
        return logged_view(log_interaction(db.session, user, contact, data))


@blp.route("/interactions/<id:interaction_id>")
class InteractionItem(MethodView):
    @blp.response(200, InteractionOut)
    def get(self, interaction_id: int) -> dict[str, Any]:
        return interaction_view(get_interaction(db.session, current_user(), interaction_id))

    @blp.arguments(InteractionPatch, required=False)  # no body changes nothing
    @blp.response(200, InteractionOut)
    @blp.alt_response(409, schema=ERROR, description=DUPLICATE)
    def patch(self, data: dict[str, Any], interaction_id: int) -> dict[str, Any]:
        user = current_user()
        found = get_interaction(db.session, user, interaction_id)
        return interaction_view(update_interaction(db.session, user, found, data))

    @blp.response(204)
    def delete(self, interaction_id: int) -> None:
        user = current_user()
        delete_interaction(db.session, user, get_interaction(db.session, user, interaction_id))
