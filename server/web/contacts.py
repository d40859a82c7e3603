"""Contacts (search, sort, band filter) and the contact page: warmth, timeline, nudges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from server.domain.interaction_types import INTERACTION_TYPES, ROLES
from server.errors import ApiError
from server.extensions import db
from server.models import Contact, utcnow
from server.schemas.contact import ContactIn, ContactPatch, ContactQuery, MergeIn
from server.schemas.interaction import InteractionIn, InteractionPatch
from server.services.contact_queries import list_contacts
from server.services.contacts import get_contact, patch_contact, save_contact
from server.services.interactions import (
    delete_interaction,
    get_interaction,
    list_interactions,
    log_interaction,
    update_interaction,
)
from server.services.merges import merge_contacts, suggestions
from server.services.nudges import list_nudges
from server.services.serialize import one_contact_view
from server.services.warmth import warmth_at
from server.services.web_queries import all_opportunities
from server.web.blueprint import add_errors, bp, load, local_to_utc, me
from server.web.today import ActionForm

SORTS = [("warmth", "Warmth"), ("name", "Name"), ("last_touch", "Last touch")]
BANDS = [("", "Any warmth"), ("hot", "Hot"), ("warm", "Warm"), ("cool", "Cool"),
         ("cold", "Cold")]
ROLE_CHOICES = [(r, r.replace("_", " ").capitalize()) for r in ROLES]
TYPE_CHOICES = [(t, t.replace("_", " ").capitalize()) for t in INTERACTION_TYPES]
LIVE = frozenset({"scheduled", "due", "snoozed"})
SPARK_DAYS, SPARK_POINTS = 180, 31


class InteractionForm(FlaskForm):
    type = SelectField("Type", choices=TYPE_CHOICES, default="email_sent")
    when = DateTimeLocalField("When", validators=[DataRequired()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])
    opportunity = SelectField("Opportunity", coerce=int, default=0)


class DetailsForm(FlaskForm):
    emails = TextAreaField("E-mails", validators=[Optional(), Length(max=5000)])
    phones = TextAreaField("Phones", validators=[Optional(), Length(max=2000)])
    tags = TextAreaField("Tags", validators=[Optional(), Length(max=2000)])
    starred = BooleanField("Starred")
    do_not_contact = BooleanField("Do not contact")


class DeleteForm(FlaskForm):
    pass


class NewContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the person's name."),
                                           Length(max=200)])
    company = StringField("Company", validators=[Optional(), Length(max=200)])
    title = StringField("Position", validators=[Optional(), Length(max=200)])
    email = StringField("E-mail", validators=[Optional(), Length(max=254)])
    profile = StringField("Profile URL", validators=[Optional(), Length(max=2048)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="other")


@bp.route("/contacts/new", methods=["POST"])
def new_contact() -> Response | tuple[str, int]:
    """Someone met away from the networks the extension reads: saved with the API's own
    rules (save_contact), so a known profile URL updates that person instead."""
    form = NewContactForm()
    if form.validate_on_submit():
        data: dict[str, Any] = {"name": form.name.data, "role": form.role.data}
        for key in ("company", "title"):
            if value := (getattr(form, key).data or "").strip():
                data[key] = value
        if email := (form.email.data or "").strip():
            data["emails"] = [email]
        if url := (form.profile.data or "").strip():
            data["profiles"] = [{"url": url}]
        try:
            contact, _created = save_contact(db.session, me(), load(ContactIn(), data))
            return redirect(url_for("web.contact", contact_id=contact.id))
        except ApiError as exc:
            db.session.rollback()
            add_errors(form, exc.errors or exc.message,
                       {"emails": "email", "profiles": "profile"})
    return _list_page(form), 422


@bp.route("/contacts")
def contacts() -> str:
    return _list_page(NewContactForm(formdata=None))


def _list_page(new_form: NewContactForm) -> str:
    args: dict[str, Any] = {"sort": request.args.get("sort") or "warmth", "limit": 200}
    if q := request.args.get("q", "").strip()[:200]:
        args["q"] = q
    if band := request.args.get("band"):
        args["band"] = band
    try:
        rows, _ = list_contacts(db.session, me(), load(ContactQuery(), args))
    except ApiError:
        rows = []
    template = "web/contact_rows.html" if request.headers.get("HX-Request") else \
        "web/contacts.html"
    return render_template(template, rows=rows, q=q, sort=args["sort"], band=band or "",
                           sorts=SORTS, bands=BANDS, new_form=new_form)


def _lines(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(",", "\n").splitlines()
            if part.strip()]


def sparkline(contact: Contact, width: int = 180, height: int = 40) -> str:
    """The points of a polyline: warmth over the last 180 days, drawn on the server."""
    now = utcnow()
    step = timedelta(days=SPARK_DAYS / (SPARK_POINTS - 1))
    scores = [warmth_at(db.session, me(), contact, now - step * (SPARK_POINTS - 1 - i))["score"]
              for i in range(SPARK_POINTS)]
    return " ".join(f"{i * width / (SPARK_POINTS - 1):.1f},{height - s * height / 100:.1f}"
                    for i, s in enumerate(scores))


def _interaction_form(prefix: str = "log") -> InteractionForm:
    form = InteractionForm(prefix=prefix)
    form.opportunity.choices = [(0, "None"), *((o.id, f"{o.title} at {o.company}")
                                               for o in all_opportunities(db.session, me()))]
    return form


def _page(contact: Contact, log_form: InteractionForm | None = None,
          details: DetailsForm | None = None, status: int = 200) -> tuple[str, int]:
    user = me()
    view = one_contact_view(db.session, contact)
    timeline, _ = list_interactions(db.session, contact, {"limit": 200})
    nudges, _ = list_nudges(db.session, user.id, {"state": "all", "contact_id": contact.id,
                                                  "limit": 200})
    merges = [s for s in suggestions(db.session, user) if contact.id in s["contact_ids"]]
    details = details or DetailsForm(
        emails="\n".join(view["emails"]), phones="\n".join(view["phones"]),
        tags="\n".join(view["tags"]), starred=view["starred"],
        do_not_contact=view["do_not_contact"])
    return render_template(
        "web/contact.html", c=view, warmth=warmth_at(db.session, user, contact, None),
        spark=sparkline(contact), timeline=timeline, zone=ZoneInfo(user.timezone),
        nudges=[n for n in nudges if n["state"] in LIVE], action_form=ActionForm(),
        log_form=log_form or _interaction_form(), details=details, delete_form=DeleteForm(),
        merges=merges), status


@bp.route("/contacts/<int:contact_id>")
def contact(contact_id: int) -> tuple[str, int]:
    return _page(get_contact(db.session, me(), contact_id))


@bp.route("/contacts/<int:contact_id>/interactions", methods=["POST"])
def log_on_contact(contact_id: int) -> Response | tuple[str, int]:
    user = me()
    row = get_contact(db.session, user, contact_id)
    form = _interaction_form()
    if form.validate_on_submit():
        data = {"type": form.type.data, "notes": form.notes.data or None,
                "occurred_at": local_to_utc(form.when.data, user.timezone)}
        if form.opportunity.data:
            data["opportunity_id"] = form.opportunity.data
        try:
            log_interaction(db.session, user, row, load(InteractionIn(), data))
            return redirect(url_for("web.contact", contact_id=row.id))
        except ApiError as exc:
            db.session.rollback()
            add_errors(form, exc.errors or exc.message,
                       {"occurred_at": "when", "opportunity_id": "opportunity"})
    return _page(row, log_form=form, status=422)


@bp.route("/contacts/<int:contact_id>/details", methods=["POST"])
def contact_details(contact_id: int) -> Response | tuple[str, int]:
    user = me()
    row = get_contact(db.session, user, contact_id)
    form = DetailsForm()
    if form.validate_on_submit():
        data = {"emails": _lines(form.emails.data), "phones": _lines(form.phones.data),
                "tags": _lines(form.tags.data), "starred": bool(form.starred.data),
                "do_not_contact": bool(form.do_not_contact.data)}
        try:
            patch_contact(db.session, user, row, load(ContactPatch(), data))
            return redirect(url_for("web.contact", contact_id=row.id))
        except ApiError as exc:
            db.session.rollback()
            add_errors(form, exc.errors or exc.message)
    return _page(row, details=form, status=422)


@bp.route("/interactions/<int:interaction_id>", methods=["GET", "POST"])
def edit_interaction(interaction_id: int) -> Response | tuple[str, int]:
    user = me()
    item = get_interaction(db.session, user, interaction_id)
    form = _interaction_form("edit")
    if request.method == "GET":
        form.type.data = item.type
        form.notes.data = item.notes
        form.when.data = item.occurred_at.astimezone(ZoneInfo(user.timezone)).replace(
            tzinfo=None)
        form.opportunity.data = item.opportunity_id or 0
    elif form.validate_on_submit():
        data = {"type": form.type.data, "notes": form.notes.data or None,
                "occurred_at": local_to_utc(form.when.data, user.timezone),
                "opportunity_id": form.opportunity.data or None}
        try:
            update_interaction(db.session, user, item, load(InteractionPatch(), data))
            return redirect(url_for("web.contact", contact_id=item.contact_id))
        except ApiError as exc:
            db.session.rollback()
            add_errors(form, exc.errors or exc.message,
                       {"occurred_at": "when", "opportunity_id": "opportunity"})
    return render_template("web/interaction.html", item=item, form=form), \
        200 if request.method == "GET" else 422


@bp.route("/interactions/<int:interaction_id>/delete", methods=["POST"])
def remove_interaction(interaction_id: int) -> Response:
    user = me()
    item = get_interaction(db.session, user, interaction_id)
    contact_id = item.contact_id
    if DeleteForm().validate_on_submit():
        delete_interaction(db.session, user, item)
    return redirect(url_for("web.contact", contact_id=contact_id))


@bp.route("/contacts/<int:contact_id>/merge/<int:other_id>", methods=["POST"])
def merge(contact_id: int, other_id: int) -> Response:
    """Fold the other contact into this one (profiles, interactions; this one survives)."""
    user = me()
    target = get_contact(db.session, user, contact_id)
    if DeleteForm().validate_on_submit():
        merge_contacts(db.session, user, target,
                       load(MergeIn(), {"other_ids": [other_id]})["other_ids"])
    return redirect(url_for("web.contact", contact_id=target.id))
