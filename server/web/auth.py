"""Sign in (e-mail and password, failed attempts rate-limited) and sign out."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from limits import parse
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from server.extensions import db
from server.services.passwords import authenticate
from server.web.blueprint import SignedIn, bp, safe_next

# 5 failed sign-ins a minute, counted per e-mail and per address (§10).
FAILURES = parse("5/minute")


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class SignOutForm(FlaskForm):
    pass


def _keys(email: str) -> list[tuple[str, str]]:
    return [("signin-email", email.strip().lower()), ("signin-addr", request.remote_addr or "")]


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("web.today")))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("web/sign_in.html", form=form), 400 if form.errors else 200
    strategy = current_app.extensions["web_limiter"].limiter
    keys = _keys(form.email.data or "")
    if not all(strategy.test(FAILURES, *key) for key in keys):
        form.form_errors.append("Too many failed sign-ins. Wait a minute and try again.")
        return render_template("web/sign_in.html", form=form), 429
    user = authenticate(db.session, form.email.data or "", form.password.data or "")
    if user is None:
        for key in keys:
            strategy.hit(FAILURES, *key)
        form.form_errors.append("The e-mail or the password is wrong.")
        return render_template("web/sign_in.html", form=form), 401
    login_user(SignedIn(user))
    return redirect(safe_next(url_for("web.today")))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if SignOutForm().validate_on_submit():
        logout_user()
    return redirect(url_for("web.sign_in"))
