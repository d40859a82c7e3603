"""One IMAP sync of a user's INBOX and sent folder, incremental by UID under UIDVALIDITY.

Progress is committed per fetched chunk together with the folder's last UID, so a dropped
connection loses nothing and re-reads nothing; a changed UIDVALIDITY re-reads the folder, and
the Message-ID as external_id keeps that from logging anything twice.
"""

from __future__ import annotations

import logging

from imap_tools import BaseMailBox
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import MailAccount, User, utcnow
from server.services.mail.account import get_account
from server.services.mail.imap import (
    Credentials,
    MailError,
    connect,
    fetch,
    folder_state,
    logout,
    new_uids,
    sent_folder,
)
from server.services.mail.ingest import Counts, Ingest
from server.services.mail.secret import SecretMissing, decrypt

log = logging.getLogger(__name__)
INBOX = "INBOX"
NO_SENT = ("This mailbox has no folder flagged as Sent, so only INBOX was read: mail you "
           "sent is not logged.")


def sync_user(session: Session, user: User, secret: str | None) -> Counts:
    """Read what is new; problems end up in the account's `last_error`, never raised."""
    account = get_account(session, user)
    account_id = account.id
    counts = Counts()
    try:
        creds = Credentials(account.host, account.port, account.security, account.username,
                            decrypt(secret, account.password_encrypted))
        box = connect(creds)
        try:
            warning = _read(session, user, account, box, counts)
        finally:
            logout(box)
    except (MailError, SecretMissing) as exc:
        session.rollback()
        failed = session.get(MailAccount, account_id)
        if failed is not None:
            failed.last_error = str(exc)
            session.commit()
        return counts
    account.last_sync_at = utcnow()
    account.last_error = warning
    session.commit()
    return counts


def _read(session: Session, user: User, account: MailAccount, box: BaseMailBox,
          counts: Counts) -> str | None:
    sent = sent_folder(box)
    ingest = Ingest(session, user, {user.email, account.username})
    for folder in (INBOX, sent):
        if folder is None:
            continue
        state = folder_state(box, folder)
        kept = dict(account.folders or {}).get(folder) or {}
        last = kept.get("last_uid", 0) if kept.get("uidvalidity") == state.uidvalidity else 0
        uids = new_uids(box, last)
        if not uids and kept.get("uidvalidity") != state.uidvalidity:
            _remember(account, folder, state.uidvalidity, 0)
            session.commit()
        for batch in fetch(box, uids):
            for _uid, raw in batch:
                ingest.add_raw(raw)
            if batch:
                _remember(account, folder, state.uidvalidity, batch[-1][0])
            session.commit()
    counts.add(ingest.counts)
    return None if sent is not None else NO_SENT


def _remember(account: MailAccount, folder: str, uidvalidity: int, last_uid: int) -> None:
    folders = dict(account.folders or {})  # a new dict: JSON columns track assignment only
    folders[folder] = {"uidvalidity": uidvalidity, "last_uid": last_uid}
    account.folders = folders


def users_with_mail(session: Session) -> list[int]:
    return list(session.scalars(select(MailAccount.user_id).order_by(MailAccount.user_id)))


def sync_users(session: Session, secret: str | None,
               user_ids: list[int] | None = None) -> dict[int, Counts | str]:
    """Sync each user's mailbox in isolation: one user's failure (even a bug) never stops the
    others'. Per user: the counts, or the error's text."""
    results: dict[int, Counts | str] = {}
    for uid in users_with_mail(session) if user_ids is None else user_ids:
        try:
            user = session.get(User, uid)
            if user is None:
                continue
            results[uid] = sync_user(session, user, secret)
            account = get_account(session, user)
            if account.last_error:
                results[uid] = account.last_error
        except Exception as exc:  # noqa: BLE001 - isolate users; the log keeps the trace
            session.rollback()
            log.exception("mail sync of user %d failed", uid)
            results[uid] = f"{type(exc).__name__}: {exc}"
    return results
