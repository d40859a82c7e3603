"""A user's mailbox settings: saved only after a successful login, password encrypted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import field_error, not_found
from server.models import MailAccount, User
from server.services.mail.imap import Credentials, MailError, check_login
from server.services.mail.secret import encrypt, fernet


def find_account(session: Session, user: User) -> MailAccount | None:
    return session.scalar(select(MailAccount).where(MailAccount.user_id == user.id))


def get_account(session: Session, user: User) -> MailAccount:
    account = find_account(session, user)
    if account is None:
        raise not_found("Mail settings")
    return account


def save_account(session: Session, user: User, data: dict[str, Any],
                 secret: str | None) -> MailAccount:
    fernet(secret)  # no key, no saving: say so before trying the server
    creds = Credentials(host=data["host"], port=data["port"], security=data["security"],
                        username=data["username"], password=data["password"])
    try:
        check_login(creds)
    except MailError as exc:
        raise field_error("password" if "password" in str(exc) else "host", str(exc)) from exc
    account = find_account(session, user)
    if account is None:
        account = MailAccount(user_id=user.id, folders={})
        session.add(account)
    changed_box = (account.host, account.username) != (creds.host, creds.username)
    account.host, account.port = creds.host, creds.port
    account.security, account.username = creds.security, creds.username
    account.password_encrypted = encrypt(secret, creds.password)
    if changed_box:  # another mailbox: its UIDs mean nothing against the old positions
        account.folders = {}
        account.last_sync_at = None
    account.last_error = None
    session.commit()
    return account


def delete_account(session: Session, user: User) -> None:
    session.delete(get_account(session, user))
    session.commit()
