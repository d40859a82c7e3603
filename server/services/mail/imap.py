"""Talking IMAP (imap-tools): log in, find the sent folder, read new messages by UID.

Every failure a user can cause or meet (a wrong password, an unreachable host, a dropped
connection, a TLS problem) comes out as MailError with a sentence for `last_error`.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxLoginError

TIMEOUT = 30  # seconds per socket operation
CHUNK = 200  # messages per FETCH: bounded memory, few round trips
_UID = re.compile(rb"UID (\d+)")
# What a server or the network can throw at us.
ERRORS = (OSError, imaplib.IMAP4.error, ImapToolsError)


class MailError(Exception):
    """A problem with the mailbox, worded for the user."""


@dataclass(frozen=True)
class Credentials:
    host: str
    port: int
    security: str  # ssl | starttls | none
    username: str
    password: str


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int


def connect(creds: Credentials) -> BaseMailBox:
    try:
        box: BaseMailBox
        if creds.security == "ssl":
            box = MailBox(creds.host, creds.port, timeout=TIMEOUT,
                          ssl_context=ssl.create_default_context())
        elif creds.security == "starttls":
            box = MailBoxStartTls(creds.host, creds.port, timeout=TIMEOUT,
                                  ssl_context=ssl.create_default_context())
        else:
            box = MailBoxUnencrypted(creds.host, creds.port, timeout=TIMEOUT)
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {creds.host}:{creds.port} failed: {exc.reason or exc}.") \
            from exc
    except ERRORS as exc:
        raise MailError(f"Could not reach {creds.host}:{creds.port}: {exc}.") from exc
    try:
        box.login(creds.username, creds.password, initial_folder=None)
    except MailboxLoginError as exc:
        _close(box)
        raise MailError("The mail server refused this user name or password (Gmail and "
                        "Outlook need an app password).") from exc
    except ERRORS as exc:
        _close(box)
        raise MailError(f"The connection to {creds.host} failed during login: {exc}.") from exc
    return box


def _close(box: BaseMailBox) -> None:
    with contextlib.suppress(*ERRORS):
        box.client.shutdown()


def logout(box: BaseMailBox) -> None:
    try:
        box.logout()
    except ERRORS:
        _close(box)


def check_login(creds: Credentials) -> None:
    logout(connect(creds))


def sent_folder(box: BaseMailBox) -> str | None:
    """The folder flagged \\Sent (RFC 6154), whatever its name."""
    try:
        for folder in box.folder.list():
            if any(flag.lower() == "\\sent" for flag in folder.flags):
                return folder.name
    except ERRORS as exc:
        raise MailError(f"Listing the folders failed: {exc}.") from exc
    return None


def folder_state(box: BaseMailBox, name: str) -> FolderState:
    try:
        status = box.folder.status(name, ["UIDVALIDITY", "UIDNEXT"])
        box.folder.set(name, readonly=True)
    except ERRORS as exc:
        raise MailError(f"Opening the folder {name!r} failed: {exc}.") from exc
    return FolderState(int(status["UIDVALIDITY"]), int(status["UIDNEXT"]))


def new_uids(box: BaseMailBox, last_uid: int) -> list[int]:
    """UIDs above `last_uid` in the selected folder, ascending."""
    try:
        typ, data = box.client.uid("SEARCH", f"UID {last_uid + 1}:*")
    except ERRORS as exc:
        raise MailError(f"Searching the folder failed: {exc}.") from exc
    if typ != "OK":
        raise MailError("The server refused to search the folder.")
    # "n:*" always matches the highest UID, even when it is not above n.
    return sorted(u for u in (int(x) for x in b" ".join(data).split()) if u > last_uid)


def fetch(box: BaseMailBox, uids: list[int]) -> Iterator[list[tuple[int, bytes]]]:
    """(uid, raw message) in chunks of CHUNK, without marking anything as read."""
    for start in range(0, len(uids), CHUNK):
        part = uids[start:start + CHUNK]
        try:
            typ, data = box.client.uid("FETCH", ",".join(map(str, part)), "(UID BODY.PEEK[])")
        except ERRORS as exc:
            raise MailError(f"The connection dropped while reading messages: {exc}.") from exc
        if typ != "OK":
            raise MailError("The server refused to send the messages.")
        batch: list[tuple[int, bytes]] = []
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                found = _UID.search(item[0])
                if found:
                    batch.append((int(found.group(1)), item[1]))
        yield sorted(batch)
