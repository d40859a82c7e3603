"""Pipeline (a board of opportunities by status) and the opportunity page with its actions."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from server.domain.interaction_types import OPPORTUNITY_STATUSES, ROLES
from server.errors import ApiError
from server.extensions import db
from server.models import Opportunity
from server.schemas.interaction import InteractionIn
from server.schemas.opportunity import LinkIn, OpportunityIn, OpportunityPatch
from server.services import opportunities as opp_svc
from server.services.contacts import get_contact
from server.services.interactions import log_interaction
from server.services.nudges import list_nudges
from server.services.serialize import interaction_view
from server.services.web_queries import all_opportunities, contact_names, opportunity_timeline
from server.web.blueprint import add_errors, bp, load, local_to_utc, me
from server.web.today import ActionForm

STATUS_LABELS = {"targeting": "Targeting", "applied": "Applied", "interviewing": "Interviewing",
                 "offer": "Offer", "closed_won": "Won", "closed_lost": "Lost",
                 "on_hold": "On hold"}
ROLE_LABELS = {r: r.replace("_", " ").capitalize() for r in ROLES}
STATUS_CHOICES = [(s, STATUS_LABELS[s]) for s in OPPORTUNITY_STATUSES]
FOLLOW_UP_TYPES = [("email_sent", "E-mail"), ("message_sent", "Message"),
                   ("call_attempt", "Call attempt")]
LIVE = frozenset({"scheduled", "due", "snoozed"})
ACTIONS = frozenset({"contacts", "interview", "promise", "no", "followup"})


class NewOpportunityForm(FlaskForm):
    company = StringField("Company", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    url = URLField("Job URL", validators=[Optional(), Length(max=2000)])
    status = SelectField("Status", choices=STATUS_CHOICES, default="targeting")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES)


class AddContactForm(FlaskForm):
    contact = StringField("Contact", validators=[DataRequired(), Length(max=200)],
                          render_kw={"list": "contact-names", "autocomplete": "off"})
    role = SelectField("Role", choices=[("", "—"), *ROLE_LABELS.items()], default="")


class InterviewForm(FlaskForm):
    when = DateTimeLocalField("When", validators=[DataRequired()])
    ends = DateTimeLocalField("Ends", validators=[Optional()])
    with_ = SelectField("With", coerce=int)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])


class PromiseForm(FlaskForm):
    from_ = SelectField("From", coerce=int)
    promise = SelectField("Promise", choices=[("call_at", "Call at"), ("by_date", "By date"),
                                              ("wait_days", "Wait days")])
    call_at = DateTimeLocalField("Call at", validators=[Optional()])
    by_date = DateField("By date", validators=[Optional()])
    wait_days = IntegerField("Wait days", validators=[Optional(), NumberRange(1, 365)])


class NoForm(FlaskForm):
    from_ = SelectField("From", coerce=int)
    final = BooleanField("Final")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])


class FollowUpForm(FlaskForm):
    to = SelectField("To", coerce=int)
    how = SelectField("How", choices=FOLLOW_UP_TYPES)


def _opportunity(opportunity_id: int) -> Opportunity:
    return opp_svc.get_opportunity(db.session, me(), opportunity_id)


@bp.route("/pipeline", methods=["GET", "POST"])
def pipeline() -> Response | tuple[str, int] | str:
    form = NewOpportunityForm()
    status = 200
    if form.validate_on_submit():
        data = {"company": form.company.data, "title": form.title.data,
                "status": form.status.data, "url": form.url.data or None}
        try:
            opp, _ = opp_svc.save_opportunity(db.session, me(), load(OpportunityIn(), data))
            return redirect(url_for("web.opportunity", opportunity_id=opp.id))
        except ApiError as exc:
            add_errors(form, exc.errors or exc.message)
    if form.errors or form.form_errors:
        status = 422
    opps = all_opportunities(db.session, me())
    columns = [(s, STATUS_LABELS[s], [o for o in opps if o.status == s])
               for s in OPPORTUNITY_STATUSES]
    return render_template("web/pipeline.html", columns=columns, form=form,
                           status_form=StatusForm(), open_form=status != 200), status


@bp.route("/opportunities/<int:opportunity_id>/status", methods=["POST"])
def opportunity_status(opportunity_id: int) -> Response | tuple[str, int]:
    opp = _opportunity(opportunity_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return "Invalid status", 400
    opp_svc.update_opportunity(db.session, me(), opp,
                               load(OpportunityPatch(), {"status": form.status.data}))
    if request.headers.get("X-Requested-With") == "fetch":  # the board's drag and drop
        return "", 204
    return redirect(url_for("web.opportunity", opportunity_id=opp.id))


def _people(opp: Opportunity) -> list[tuple[int, str]]:
    names = opp_svc.names_for(db.session, [opp])
    return [(link.contact_id, names.get(link.contact_id, "")) for link in opp.links]


def _forms(opp: Opportunity) -> dict[str, Any]:
    people = _people(opp)
    forms: dict[str, Any] = {
        "add": AddContactForm(prefix="add"), "interview": InterviewForm(prefix="iv"),
        "promise": PromiseForm(prefix="pr"), "no": NoForm(prefix="no"),
        "followup": FollowUpForm(prefix="fu"), "status": StatusForm(status=opp.status),
    }
    for form, name in ((forms["interview"], "with_"), (forms["promise"], "from_"),
                       (forms["no"], "from_"), (forms["followup"], "to")):
        getattr(form, name).choices = people
    return forms


def _page(opp: Opportunity, forms: dict[str, Any], opened: str | None = None,
          status: int = 200) -> tuple[str, int]:
    nudges, _ = list_nudges(db.session, me().id, {"state": "all", "opportunity_id": opp.id,
                                                  "limit": 200})
    roles = {link.contact_id: link.role for link in opp.links}
    return render_template(
        "web/opportunity.html", opp=opp, forms=forms, opened=opened,
        people=[(cid, name, ROLE_LABELS.get(roles[cid] or "", "")) for cid, name in _people(opp)],
        nudges=[n for n in nudges if n["state"] in LIVE], action_form=ActionForm(),
        timeline=[interaction_view(i) for i in opportunity_timeline(db.session, opp)],
        names=dict(_people(opp)), contact_choices=contact_names(db.session, me()),
        status_label=STATUS_LABELS[opp.status]), status


@bp.route("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id: int) -> tuple[str, int]:
    opp = _opportunity(opportunity_id)
    return _page(opp, _forms(opp))


def _resolve_contact(form: AddContactForm) -> int | None:
    wanted = " ".join((form.contact.data or "").split()).casefold()
    matches = [cid for cid, name in contact_names(db.session, me())
               if name.casefold() == wanted]
    if len(matches) != 1:
        form.contact.errors = [*form.contact.errors, "No contact has this name." if not matches
                               else "Several contacts have this name; open the contact to "
                               "link it."]
        return None
    return matches[0]


def _log(form: FlaskForm, contact_id: int, data: dict[str, Any]) -> bool:
    try:
        contact = get_contact(db.session, me(), contact_id)
        log_interaction(db.session, me(), contact, load(InteractionIn(), data))
    except ApiError as exc:
        db.session.rollback()
        add_errors(form, exc.errors or exc.message,
                   {"occurred_at": "when", "ends_at": "ends", "at": "call_at",
                    "date": "by_date", "days": "wait_days"})
        return False
    return True


@bp.route("/opportunities/<int:opportunity_id>/<action>", methods=["POST"])
def opportunity_action(opportunity_id: int, action: str) -> Response | tuple[str, int]:
    if action not in ACTIONS:
        abort(404)
    opp = _opportunity(opportunity_id)
    forms = _forms(opp)
    user, done = me(), False
    zone = user.timezone
    if action == "contacts" and (form := forms["add"]).validate_on_submit():
        contact_id = _resolve_contact(form)
        if contact_id is not None:
            try:
                opp_svc.add_contact(db.session, user, opp, load(LinkIn(), {
                    "contact_id": contact_id, "role": form.role.data or None}))
                done = True
            except ApiError as exc:
                add_errors(form, exc.errors or exc.message, {"contact_id": "contact"})
    elif action == "interview" and (form := forms["interview"]).validate_on_submit():
        done = _log(form, form.with_.data, {
            "type": "interview", "opportunity_id": opp.id,
            "occurred_at": local_to_utc(form.when.data, zone),
            "ends_at": local_to_utc(form.ends.data, zone), "notes": form.notes.data or None})
    elif action == "promise" and (form := forms["promise"]).validate_on_submit():
        kind = form.promise.data
        promise: dict[str, Any] = {"kind": kind}
        if kind == "call_at":
            promise["at"] = local_to_utc(form.call_at.data, zone)
        elif kind == "by_date" and form.by_date.data:
            promise["date"] = form.by_date.data.isoformat()
        elif kind == "wait_days":
            promise["days"] = form.wait_days.data
        done = _log(form, form.from_.data, {"type": "promise_made", "opportunity_id": opp.id,
                                            "promise": promise})
    elif action == "no" and (form := forms["no"]).validate_on_submit():
        done = _log(form, form.from_.data, {"type": "no_received", "opportunity_id": opp.id,
                                            "final": bool(form.final.data),
                                            "notes": form.notes.data or None})
    elif action == "followup" and (form := forms["followup"]).validate_on_submit():
        done = _log(form, form.to.data, {"type": form.how.data, "opportunity_id": opp.id})
    if done:
        return redirect(url_for("web.opportunity", opportunity_id=opp.id))
    return _page(opp, forms, opened=action, status=422)
