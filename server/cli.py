"""The `thrice` command: serve, worker, cron, user create, db upgrade, rescore."""

from __future__ import annotations

import contextlib
import os
import sys
import termios
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask

from server import create_app
from server.config import Settings
from server.errors import ApiError
from server.extensions import db as database
from server.jobs.runner import run_cron, run_rescore, run_worker
from server.migrate import upgrade
from server.schemas.fields import validate_storable, validate_timezone
from server.serve import run
from server.services.mail.sync import sync_users
from server.services.notify.run import run_due
from server.services.passwords import check_password_rules, set_password
from server.services.tokens import issue_token
from server.services.users import create_user, find_user


def _app(**overrides: Any) -> Flask:
    return create_app(Settings.from_env(), **overrides)


@click.group(help="Thrice: a self-hosted follow-up CRM for job seekers.")
def main() -> None:
    pass


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Apply all Alembic migrations.")
def db_upgrade() -> None:
    app = _app()
    with app.app_context():
        upgrade(database.engine)
    click.echo(f"database at head: {app.config['DATABASE_URL'].split('@')[-1]}")


@main.command(help="Run the API on gunicorn (upgrades the schema first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers [THRICE_WORKERS]")
def serve(host: str, port: int, workers: int | None) -> None:
    run(host, port, workers)


@main.group(help="Users.")
def user() -> None:
    pass


ETC = Path("/etc")
# Names the machine may give UTC; the user sees (and the API returns) plain "UTC".
_UTC_ALIASES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT",
                          "Universal", "Zulu"})
DISPLAY_NAME_MAX = 200


def _zone_key(candidate: str) -> str | None:
    key = candidate.strip().lstrip(":")
    key = "UTC" if key in _UTC_ALIASES else key
    try:
        validate_timezone(key)
    except Exception:  # noqa: BLE001 - marshmallow's ValidationError: not a zone
        return None
    return key


def machine_timezone(environ: Mapping[str, str] | None = None,
                     etc: Path = ETC) -> tuple[str, str]:
    """(IANA zone of this machine, where it was read), without tzlocal.

    Tried in the order the C library itself follows: $TZ, the /etc/localtime symlink (its
    target names the zone), Debian's /etc/timezone, then the name Python's local time carries
    when it is a region key ("CET" or "EST" are fixed abbreviations: EST all year would put a
    New Yorker's nudges an hour off all summer). Falls back to UTC.
    """
    environ = os.environ if environ is None else environ
    if (tz := environ.get("TZ")) and (key := _zone_key(tz)):
        return key, "$TZ"
    localtime = etc / "localtime"
    try:
        target = os.readlink(localtime)
    except OSError:
        target = ""
    if "zoneinfo/" in target and (key := _zone_key(target.rsplit("zoneinfo/", 1)[1])):
        return key, str(localtime)
    try:
        lines = (etc / "timezone").read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        lines = []
    if lines and (key := _zone_key(lines[0])):
        return key, str(etc / "timezone")
    name = datetime.now().astimezone().tzname() or ""
    if ("/" in name or name == "UTC") and (key := _zone_key(name)):
        return key, "the system clock"
    return "UTC", "the default: this machine names no time zone"


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(text: str, **options: Any) -> Any:
    """click.prompt on stderr: stdout carries the token alone (older clicks echo part of the
    prompt to stdout even with err=True)."""
    with contextlib.redirect_stdout(sys.stderr):
        return click.prompt(text, err=True, **options)


def _checked_zone(value: str) -> str:
    key = _zone_key(value)
    if key is None:
        raise click.BadParameter(f"unknown time zone {value!r} (an IANA name such as "
                                 "Europe/Berlin, America/New_York or UTC)", param_hint="--timezone")
    return key


def _checked_display_name(value: str) -> str:
    name = " ".join(value.split())
    try:
        validate_storable(name)
    except Exception as exc:  # noqa: BLE001 - marshmallow's ValidationError
        raise click.BadParameter(str(exc), param_hint="--display-name") from exc
    if len(name) > DISPLAY_NAME_MAX:
        raise click.BadParameter(f"at most {DISPLAY_NAME_MAX} characters",
                                 param_hint="--display-name")
    return name


@user.command("create", help="Create a user and print a new API token on the last line. On a "
              "terminal it asks for the display name and the time zone.")
@click.argument("email")
@click.option("--timezone", "timezone", default=None,
              help="IANA time zone  [default: this machine's]")
@click.option("--display-name", "--name", "display_name", default=None,
              help="the name that signs your messages  [default: none]")
@click.option("--password-stdin", is_flag=True,
              help="read the web sign-in password from the first line of stdin")
def user_create(email: str, timezone: str | None, display_name: str | None,
                password_stdin: bool = False) -> None:


    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    zone = _checked_zone(timezone) if timezone is not None else None
    name = _checked_display_name(display_name) if display_name is not None else None
    app = _app()
    with app.app_context():
        upgrade(database.engine)
        session = database.session
        account = find_user(session, email)
        if account is not None:
            ignored = " (--display-name and --timezone are ignored: change them with PATCH " \
                "/api/v1/me)" if zone or name is not None else ""
            click.echo(f"user {email} exists (time zone {account.timezone}); issuing an "
                       f"additional token{ignored}", err=True)
        else:
            name, zone, origin = _settings(name, zone)
            password = _password(password_stdin)
            account = create_user(session, email, zone, name)
            if password is not None:
                set_password(account, password)
            click.echo(f"time zone: {zone} ({origin}; change it with PATCH /api/v1/me)",
                       err=True)
            click.echo(f"display name: {name!r}" if name else
                       "display name: none, so messages are signed without a name (set one "
                       "with PATCH /api/v1/me)", err=True)
        _, raw = issue_token(session, account, "cli")
        session.commit()
    click.echo(f"user {email}; API token (shown once):", err=True)
    click.echo(raw)


def _checked_password(value: str) -> str:
    try:
        check_password_rules(value)
    except ApiError as exc:
        raise click.BadParameter(exc.errors["json"]["password"][0]) from exc
    return value


def _secret(text: str) -> str:
    """A line read from stdin with the terminal's echo off (getpass would read /dev/tty,
    which need not be the terminal the answers come from)."""
    click.echo(f"{text}: ", err=True, nl=False)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    try:
        line = sys.stdin.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        click.echo("", err=True)
    return line.rstrip("\r\n")


def _ask_password(text: str, allow_empty: bool) -> str | None:
    while True:
        value = _secret(text)
        if not value and allow_empty:
            return None
        try:
            _checked_password(value)
        except click.BadParameter as exc:
            click.echo(f"Error: {exc.message}", err=True)
            continue
        if _secret("Repeat it") == value:
            return value
        click.echo("Error: the two entries differ.", err=True)


def _password(from_stdin: bool) -> str | None:
    """The web sign-in password: stdin's first line, or asked on a terminal (empty: none, so
    no web sign-in until `thrice user password`), else none."""
    if from_stdin:
        return _checked_password(sys.stdin.readline().rstrip("\r\n"))
    if not _interactive():
        return None
    return _ask_password("Password for the web app (empty for none)", allow_empty=True)


@user.command("password", help="Set the password a user signs in to the web app with.")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read it from the first line of stdin")
def user_password(email: str, password_stdin: bool) -> None:
    if password_stdin:
        password = _checked_password(sys.stdin.readline().rstrip("\r\n"))
    else:
        if not _interactive():
            raise click.UsageError("no terminal to ask on: use --password-stdin")
        password = _ask_password("New password", allow_empty=False) or ""
    app = _app()
    with app.app_context():
        upgrade(database.engine)
        account = find_user(database.session, email)
        if account is None:
            raise click.ClickException(f"no user {email}")
        set_password(account, password)
        database.session.commit()
    click.echo(f"password set for {email}", err=True)


def _settings(name: str | None, zone: str | None) -> tuple[str, str, str]:
    """(display name, time zone, where the zone came from) of a new user: the flags, else the
    answers on a terminal, else none and this machine's zone."""
    machine, source = machine_timezone()
    ask = _interactive()
    if name is None:
        name = _checked_display_name(_ask(
            "Display name (signs your messages; empty for none)", default="",
            show_default=False)) if ask else ""
    if zone is not None:
        return name, zone, "as given"
    if ask:
        zone = _ask("Time zone", default=machine, value_proc=_checked_zone)
        return name, zone, ("this machine's, from " + source if zone == machine
                            else "as answered")
    return name, machine, f"this machine's, from {source}"


@main.command(help="Run an RQ worker for the Thrice queues.")
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
def worker(burst: bool) -> None:
    sys.exit(run_worker(burst=burst))


@main.command(help="Run RQ's cron scheduler for the periodic jobs.")
def cron() -> None:
    sys.exit(run_cron())


@main.command(help="Recompute warmth (and nudges) for every contact, with a progress bar.")
@click.option("--user", "email", default=None, help="only this user's contacts")
def rescore(email: str | None) -> None:
    sys.exit(run_rescore(email))


@main.group(help="Reminders: the daily digest e-mail and push.")
def notify() -> None:
    pass


@notify.command("run", help="Send the digests, pushes and retries due now (or at --now), "
                "once each, then exit (non-zero if any failed: they are retried later).")
@click.option("--now", "at", default=None, metavar="ISO",
              help="an ISO-8601 instant with its offset, e.g. 2025-03-10T09:00:00Z")
def notify_run(at: str | None) -> None:
    try:
        now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from exc
    if now.tzinfo is None:
        raise click.BadParameter("give the offset too (Z or +HH:MM)", param_hint="--now")
    app = _app()
    with app.app_context():
        report = run_due(database.session, app.config["THRICE"], now.astimezone(UTC))
    for user_id, channel, error in report.failed:
        click.echo(f"user {user_id} {channel}: {error}", err=True)
    click.echo(report.summary())
    sys.exit(1 if report.failed else 0)


@main.group(help="Mail in: read connected mailboxes (IMAP).")
def mail() -> None:
    pass


@mail.command("sync", help="Read what is new in every connected mailbox (or one user's) now.")
@click.option("--user", "email", default=None, help="only this user's mailbox")
def mail_sync(email: str | None) -> None:
    app = _app()
    with app.app_context():
        upgrade(database.engine)
        ids = None
        if email is not None:
            found = find_user(database.session, email)
            if found is None:
                raise click.ClickException(f"no user {email}")
            ids = [found.id]
        results = sync_users(database.session, app.config["THRICE"].secret_key, ids)
    for uid, result in results.items():
        if isinstance(result, str):
            click.echo(f"user {uid}: {result}", err=True)
        else:
            click.echo(f"user {uid}: {result.messages_read} messages read, "
                       f"{result.interactions_added} interactions added, "
                       f"{result.suggestions_added} suggestions added")
    sys.exit(1 if any(isinstance(r, str) for r in results.values()) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
