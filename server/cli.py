"""The `thrice` command: serve, worker, cron, user create, db upgrade, rescore."""

from __future__ import annotations

import sys
from typing import Any

import click

from server.config import Settings


def _app(**overrides: Any):  # noqa: ANN202 - a Flask app
    from server import create_app

    return create_app(Settings.from_env(), **overrides)


@click.group(help="Thrice: a self-hosted follow-up CRM for job seekers.")
def main() -> None:
    pass


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Apply all Alembic migrations.")
def db_upgrade() -> None:
    from server.extensions import db as database
    from server.migrate import upgrade

    app = _app()
    with app.app_context():
        upgrade(database.engine)
    click.echo(f"database at head: {app.config['DATABASE_URL'].split('@')[-1]}")


@main.command(help="Run the API on gunicorn (upgrades the schema first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers [THRICE_WORKERS]")
def serve(host: str, port: int, workers: int | None) -> None:
    from server.serve import run

    run(host, port, workers)


@main.group(help="Users.")
def user() -> None:
    pass


@user.command("create", help="Create a user and print a new API token on the last line.")
@click.argument("email")
@click.option("--timezone", "timezone", default="UTC", show_default=True)
@click.option("--name", "display_name", default=None, help="display name (signs messages)")
def user_create(email: str, timezone: str, display_name: str | None) -> None:
    from email_validator import EmailNotValidError, validate_email

    from server.extensions import db as database
    from server.migrate import upgrade
    from server.schemas.fields import validate_timezone
    from server.services.tokens import issue_token
    from server.services.users import create_user, find_user

    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    try:
        validate_timezone(timezone)
    except Exception as exc:  # noqa: BLE001 - marshmallow's ValidationError
        raise click.BadParameter(f"unknown time zone {timezone!r}", param_hint="--timezone") \
            from exc
    app = _app()
    with app.app_context():
        upgrade(database.engine)
        session = database.session
        existing = find_user(session, email)
        if existing is not None:
            click.echo(f"user {email} exists; issuing an additional token", err=True)
            account = existing
        else:
            account = create_user(session, email, timezone, display_name)
        _, raw = issue_token(session, account, "cli")
        session.commit()
    click.echo(f"user {email} (timezone {timezone}); API token (shown once):", err=True)
    click.echo(raw)


@main.command(help="Run an RQ worker for the Thrice queues.")
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
def worker(burst: bool) -> None:
    from server.jobs.runner import run_worker

    sys.exit(run_worker(burst=burst))


@main.command(help="Run RQ's cron scheduler for the periodic jobs.")
def cron() -> None:
    from server.jobs.runner import run_cron

    sys.exit(run_cron())


@main.command(help="Recompute warmth (and nudges) for every contact, with a progress bar.")
@click.option("--user", "email", default=None, help="only this user's contacts")
def rescore(email: str | None) -> None:
    from server.jobs.runner import run_rescore

    sys.exit(run_rescore(email))


if __name__ == "__main__":  # pragma: no cover
    main()
