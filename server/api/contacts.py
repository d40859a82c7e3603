"""Contacts: save (201/200 by canonical URL), list, read, patch, delete, lookup, warmth, merge."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint, prebuilt
from server.api.docs import ERROR
from server.domain.urls import InvalidProfileUrl, canonicalize
from server.errors import ApiError, not_found
from server.extensions import db
from server.jobs.dispatch import note_bulk_started
from server.schemas.common import page_of
from server.schemas.contact import (
    BulkIn,
    BulkOut,
    BulkQuery,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    LookupQuery,
    MergeIn,
    MergeSuggestionOut,
    WarmthDetailOut,
    WarmthQuery,
)
from server.services import bulk, merges
from server.services.contact_queries import list_contacts
from server.services.contacts import (
    delete_contact,
    find_by_urls,
    get_contact,
    patch_contact,
    save_contact,
)
from server.services.serialize import contact_view, contact_views, one_contact_view, tier_of
from server.services.warmth import warmth_at

blp = Blueprint("contacts", __name__, url_prefix="/api/v1", description="Contacts")
ContactPage = page_of(ContactOut, "ContactPage")
SuggestionPage = page_of(MergeSuggestionOut, "MergeSuggestionPage")


@blp.route("/contacts")
class Contacts(MethodView):
    @blp.arguments(ContactQuery, location="query")
    @blp.response(200, ContactPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        rows, next_cursor = list_contacts(db.session, current_user(), args)
        return {"items": contact_views(db.session, rows), "next": next_cursor}

    @blp.arguments(ContactIn)
    @blp.response(201, ContactOut, description="Created")
    @blp.alt_response(200, schema=ContactOut, description="Updated: the canonical URL was known")
    @blp.alt_response(409, schema=ERROR, description="Concurrent saves kept colliding; retry")
    def post(self, data: dict[str, Any]) -> Response:
        contact, created = save_contact(db.session, current_user(), data)
        if created:  # a new contact is on no opportunity yet: no need to ask for its tier
            return prebuilt(contact_view(contact, tier_of(contact, False)), 201)
        return prebuilt(one_contact_view(db.session, contact), 200)


@blp.route("/contacts/lookup")
class Lookup(MethodView):
    @blp.arguments(LookupQuery, location="query")
    @blp.response(200, ContactOut)
    @blp.alt_response(404, schema=ERROR, description="No contact has this URL")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            url = canonicalize(args["url"]).url
        except InvalidProfileUrl as exc:
            raise ApiError(422, "The request has invalid fields.",
                           {"query": {"url": [str(exc)]}}) from exc
        contact = find_by_urls(db.session, current_user().id, [url])
        if contact is None:
            raise not_found("Contact")
        return one_contact_view(db.session, contact)


@blp.route("/contacts/bulk")
class Bulk(MethodView):
    @blp.arguments(BulkQuery, location="query")
    @blp.arguments(BulkIn)
    @blp.response(200, BulkOut)
    def post(self, query: dict[str, Any], body: dict[str, Any]) -> Response:
        note_bulk_started()
        return prebuilt(bulk.bulk_upsert(db.session, current_user(), body["items"],
                                         dry_run=query["dry_run"]))


@blp.route("/contacts/<id:contact_id>")
class ContactItem(MethodView):
    @blp.response(200, ContactOut)
    def get(self, contact_id: int) -> dict[str, Any]:
        return one_contact_view(db.session, get_contact(db.session, current_user(), contact_id))

    @blp.arguments(ContactPatch, required=False)  # no body changes nothing
    @blp.response(200, ContactOut)
    @blp.alt_response(409, schema=ERROR, description="A profile URL belongs to another contact")
    def patch(self, data: dict[str, Any], contact_id: int) -> dict[str, Any]:
        user = current_user()
        contact = patch_contact(db.session, user, get_contact(db.session, user, contact_id), data)
        return one_contact_view(db.session, contact)

    @blp.response(204)
    def delete(self, contact_id: int) -> None:
        delete_contact(db.session, get_contact(db.session, current_user(), contact_id))


@blp.route("/contacts/<id:contact_id>/warmth")
class ContactWarmth(MethodView):
    @blp.arguments(WarmthQuery, location="query")
    @blp.response(200, WarmthDetailOut)
    def get(self, args: dict[str, Any], contact_id: int) -> dict[str, Any]:
        user = current_user()
        contact = get_contact(db.session, user, contact_id)
        return warmth_at(db.session, user, contact, args.get("at"))


@blp.route("/merge-suggestions")
class MergeSuggestions(MethodView):
    @blp.response(200, SuggestionPage)
    def get(self) -> dict[str, Any]:
        return {"items": merges.suggestions(db.session, current_user()), "next": None}


@blp.route("/contacts/<id:contact_id>/merge")
class Merge(MethodView):
    @blp.arguments(MergeIn)
    @blp.response(200, ContactOut)
    @blp.alt_response(409, schema=ERROR, description="The contact was merged into another")
    def post(self, data: dict[str, Any], contact_id: int) -> dict[str, Any]:
        user = current_user()
        target = get_contact(db.session, user, contact_id)
        merged = merges.merge_contacts(db.session, user, target, data["other_ids"])
        return one_contact_view(db.session, merged)
