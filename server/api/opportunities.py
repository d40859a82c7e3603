"""Opportunities: CRUD and linking contacts with their role on it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.api.docs import ERROR
from server.extensions import db
from server.schemas.common import page_of
from server.schemas.opportunity import (
    LinkIn,
    OpportunityIn,
    OpportunityLookupQuery,
    OpportunityOut,
    OpportunityPatch,
    OpportunityQuery,
)
from server.services import opportunities as svc
from server.services.serialize import opportunity_view

blp = Blueprint("opportunities", __name__, url_prefix="/api/v1/opportunities",
                description="Opportunities")
OpportunityPage = page_of(OpportunityOut, "OpportunityPage")


def _view(opp: Any) -> dict[str, Any]:
    return opportunity_view(opp, svc.names_for(db.session, [opp]))


@blp.route("")
class Opportunities(MethodView):
    @blp.arguments(OpportunityQuery, location="query")
    @blp.response(200, OpportunityPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        rows, next_cursor = svc.list_opportunities(db.session, current_user(), args)
        names = svc.names_for(db.session, rows)
        return {"items": [opportunity_view(o, names) for o in rows], "next": next_cursor}

    @blp.arguments(OpportunityIn)
    @blp.response(201, OpportunityOut, description="Created")
    @blp.alt_response(200, schema=OpportunityOut,
                      description="Updated: an opportunity of yours already has this URL")
    def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
        opp, created = svc.save_opportunity(db.session, current_user(), data)
        return _view(opp), 201 if created else 200


@blp.route("/lookup")
class Lookup(MethodView):
    @blp.arguments(OpportunityLookupQuery, location="query")
    @blp.response(200, OpportunityOut)
    @blp.alt_response(404, schema=ERROR, description="No opportunity has this job URL")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        return _view(svc.lookup_opportunity(db.session, current_user(), args["url"]))


@blp.route("/<id:opportunity_id>")
class OpportunityItem(MethodView):
    @blp.response(200, OpportunityOut)
    def get(self, opportunity_id: int) -> dict[str, Any]:
        return _view(svc.get_opportunity(db.session, current_user(), opportunity_id))

    @blp.arguments(OpportunityPatch, required=False)  # no body changes nothing
    @blp.response(200, OpportunityOut)
    @blp.alt_response(409, schema=ERROR, description="Another opportunity has this URL")
    def patch(self, data: dict[str, Any], opportunity_id: int) -> dict[str, Any]:
        user = current_user()
        opp = svc.get_opportunity(db.session, user, opportunity_id)
        return _view(svc.update_opportunity(db.session, user, opp, data))

    @blp.response(204)
    def delete(self, opportunity_id: int) -> None:
        user = current_user()
        svc.delete_opportunity(db.session, user,
                               svc.get_opportunity(db.session, user, opportunity_id))


@blp.route("/<id:opportunity_id>/contacts")
class OpportunityContacts(MethodView):
    @blp.arguments(LinkIn)
    @blp.response(201, OpportunityOut)
    def post(self, data: dict[str, Any], opportunity_id: int) -> dict[str, Any]:
        user = current_user()
        opp = svc.get_opportunity(db.session, user, opportunity_id)
        return _view(svc.add_contact(db.session, user, opp, data))
