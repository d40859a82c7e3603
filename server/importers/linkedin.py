"""LinkedIn: `Connections.csv`, and the export `.zip` with `messages.csv` and `Invitations.csv`.

Interactions logged (all on network linkedin, deduplicated by `external_id`):
- each connection: `social_follow` at `Connected On` (12:00 UTC), `li-conn:<url|email|key>`;
- each message: `message_sent` from the user, `message_received` to the user,
  `li-msg:<conversation id>:<digest of date, sender and content>` (exports carry no message id;
  a `MESSAGE ID` column is used when present);
- each invitation, "who reached out first": an invitation with a note is the message it is
  (`message_sent` OUTGOING / `message_received` INCOMING); a bare OUTGOING invitation is a
  `social_follow` by the user at `Sent At`; a bare INCOMING one is the other side's smallest
  social gesture, `social_like_received` (it lifts warmth off the one-sided cap honestly: they
  did reach out). `li-inv:<out|in>:<Sent At>`.
People met in messages or invitations who are not connections (pending invitations, InMail)
become contacts too, when their name and profile URL are known.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from server.importers.csvrows import Cells, Record, body, find_header, header_index, records
from server.importers.dates import at_noon, iso, parse_date, parse_timestamp
from server.importers.profiles import profile_url
from server.importers.records import (
    EXTERNAL_ID_MAX,
    ContactFields,
    ImportFileError,
    ImportRow,
    cap_interactions,
    clean,
    contact_key,
    normalise_key_part,
    quoted,
)
from server.importers.text import open_text

SOURCE: Final = "linkedin"
NOTES_MAX: Final = 280
_CONNECTION_COLUMNS: Final = {"first name", "last name", "connected on"}
_SOCIAL: Final = frozenset({"social_follow", "social_like_received"})


def is_connections_header(names: list[str]) -> bool:
    return set(names) >= _CONNECTION_COLUMNS


def _linkedin_url(raw: str) -> str | None:
    found = profile_url(raw) if raw else None
    return found[0] if found and found[1] == "linkedin" else None


def _snippet(text: str) -> str:
    text = clean(text)
    return text if len(text) <= NOTES_MAX else text[: NOTES_MAX - 1] + "…"


def _interaction(kind: str, occurred_at: str, external_id: str, notes: str) -> dict[str, Any]:
    found: dict[str, Any] = {"type": kind, "occurred_at": occurred_at,
                             "external_id": external_id[:EXTERNAL_ID_MAX]}
    if kind in _SOCIAL:
        found["network"] = "linkedin"
    if notes:
        found["notes"] = notes
    return found


@dataclass(slots=True)
class _Person:
    """History of one person met in messages or invitations, until a connection claims it."""

    name: str
    url: str | None
    line: int
    member: str
    events: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class History:
    """Interactions from messages.csv and Invitations.csv, keyed by canonical profile URL (or,
    for the older URL-less invitations, by normalised name). Held as tuples, not dicts: this is
    the only part of an import whose memory grows with the file."""

    by_url: dict[str, _Person] = field(default_factory=dict)
    by_name: dict[str, _Person] = field(default_factory=dict)

    def add(self, url: str | None, name: str, line: int, member: str,
            event: tuple[str, str, str, str]) -> None:
        if url:
            person = self.by_url.get(url)
            if person is None:
                person = self.by_url[url] = _Person(name, url, line, member)
        else:
            key = normalise_key_part(name)
            if not key:
                return
            person = self.by_name.get(key)
            if person is None:
                person = self.by_name[key] = _Person(name, None, line, member)
        if name and not person.name:
            person.name = name
        person.events.append(event)

    def take(self, url: str | None, name: str) -> list[dict[str, Any]]:
        """The interactions of a connection, removed so they are sent once."""
        events: list[tuple[str, str, str, str]] = []
        if url and (person := self.by_url.pop(url, None)):
            events += person.events
        if (key := normalise_key_part(name)) and (person := self.by_name.pop(key, None)):
            events += person.events
        return [_interaction(*e) for e in events]

    def leftovers(self) -> Iterator[ImportRow]:
        """Contacts for people who are not connections (their name and URL must be known)."""
        for person in self.by_url.values():
            if not person.name:
                continue
            fields = ContactFields(SOURCE, name=person.name, urls=[person.url or ""],
                                   interactions=[_interaction(*e) for e in person.events])
            yield fields.row(person.line, member=person.member)
        self.by_url.clear()
        self.by_name.clear()


def parse_connections(
    lines: Iterable[str], history: History | None = None, member: str | None = None,
) -> Iterator[ImportRow]:
    """Rows of a Connections.csv: any preamble, with or without the URL column."""
    rows = records(lines)
    _, names = find_header(rows, is_connections_header, "LinkedIn Connections")
    index = header_index(names)
    for record in body(rows, len(names)):
        if record.cells is None:
            yield ImportRow(record.line, None, record.error, member=member)
            continue
        yield _connection(record, Cells(index, record.cells), history, member)


def _connection(record: Record, cells: Cells, history: History | None,
                member: str | None) -> ImportRow:
    raw_url = cells.get("url") or cells.get("profile url")
    fields = ContactFields(
        SOURCE, first_name=cells.get("first name"), last_name=cells.get("last name"),
        urls=[raw_url] if raw_url else [], emails=[cells.get("email address")],
        company=cells.get("company"), title=cells.get("position"),
    )
    item, error, own = fields.build()
    warnings = (*record.warnings, *own)
    if item is None:
        return ImportRow(record.line, None, error, warnings, member)
    interactions: list[dict[str, Any]] = []
    connected = cells.get("connected on")
    day = parse_date(connected) if connected else None
    if day is not None:
        interactions.append(_interaction(
            "social_follow", iso(at_noon(day)), f"li-conn:{contact_key(item)}",
            "Connected on LinkedIn"))
    elif connected:
        warnings = (*warnings, f"unreadable Connected On {quoted(connected)}: no follow logged")
    if history is not None:
        url = item["profiles"][0]["url"] if item.get("profiles") else None
        interactions += history.take(url, item["name"])
    if interactions:
        capped: list[str] = []
        item["interactions"] = cap_interactions(interactions, capped)
        warnings = (*warnings, *capped)
    return ImportRow(record.line, item, None, warnings, member)


# --- the export .zip -------------------------------------------------------------------------


def _member(archive: zipfile.ZipFile, basename: str) -> str | None:
    for info in archive.infolist():
        if info.filename.rsplit("/", 1)[-1].lower() == basename and not info.is_dir():
            return info.filename
    return None


def _lines(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    return open_text(archive.open(name))


def _message_rows(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[Record, Cells]]:
    with _lines(archive, name) as text:
        rows = records(text)
        _, names = find_header(rows, lambda n: "conversation id" in n and "date" in n,
                               "LinkedIn messages")
        index = header_index(names)
        for record in rows:
            if record.cells is not None:
                yield record, Cells(index, record.cells)


def _recipients(cells: Cells) -> list[str]:
    urls = (_linkedin_url(u) for u in cells.get("recipient profile urls").split(","))
    return [u for u in urls if u]


def find_me(archive: zipfile.ZipFile, messages: str, connections: str | None) -> str:
    """The user's profile: the one URL present in every conversation, ties broken by
    Invitations.csv (OUTGOING inviter / INCOMING invitee) and by not being a connection."""
    participants: dict[str, set[str]] = {}
    for _, cells in _message_rows(archive, messages):
        urls = participants.setdefault(cells.get("conversation id"), set())
        urls.update(_recipients(cells))
        if sender := _linkedin_url(cells.get("sender profile url")):
            urls.add(sender)
    candidates: set[str] | None = None
    for urls in participants.values():
        if urls:
            candidates = set(urls) if candidates is None else candidates & urls
    candidates = candidates or set()
    if len(candidates) > 1 and (invitations := _member(archive, "invitations.csv")):
        mine = {me for _, _, _, me in _invitations(archive, invitations)} & candidates
        candidates = mine or candidates
    if len(candidates) > 1 and connections:
        with _lines(archive, connections) as text:
            for row in parse_connections(text):
                for profile in (row.item or {}).get("profiles", ()):
                    candidates.discard(profile["url"])
    if len(candidates) != 1:
        raise ImportFileError(
            "cannot tell which profile in messages.csv is yours: pass --me <your profile URL>")
    return candidates.pop()


def _message_id(cells: Cells, sender: str, when: str) -> str:
    if explicit := cells.get("message id"):
        return f"li-msg:{explicit}"
    digest = hashlib.sha1(
        f"{when}\x1f{sender}\x1f{cells.get('content')}".encode()).hexdigest()[:20]
    return f"li-msg:{cells.get('conversation id')}:{digest}"


def read_messages(archive: zipfile.ZipFile, name: str, me: str, history: History) -> None:
    """Messages between the user and others. Drafts, rows without profile URLs or dates, and
    conversations the user is not in are skipped: they can't be attributed."""
    for record, cells in _message_rows(archive, name):
        if cells.get("is message draft").lower() == "yes":
            continue
        sender = _linkedin_url(cells.get("sender profile url"))
        moment = parse_timestamp(cells.get("date"))
        if sender is None or moment is None:
            continue
        when = iso(moment)
        external_id = _message_id(cells, sender, when)
        subject = cells.get("subject")
        notes = _snippet(f"{subject}: {cells.get('content')}" if subject else cells.get("content"))
        recipients = [u for u in _recipients(cells) if u != me]
        if sender == me:
            only = cells.get("to") if len(recipients) == 1 else ""
            for url in recipients:
                history.add(url, only, record.line, name,
                            ("message_sent", when, external_id, notes))
        elif me in _recipients(cells):
            history.add(sender, cells.get("from"), record.line, name,
                        ("message_received", when, external_id, notes))


def _invitations(archive: zipfile.ZipFile, name: str
                 ) -> Iterator[tuple[Record, Cells, bool, str | None]]:
    """(record, cells, outgoing, the user's URL if the row names it) for each invitation."""
    with _lines(archive, name) as text:
        rows = records(text)
        _, names = find_header(rows, lambda n: "direction" in n and "sent at" in n,
                               "LinkedIn invitations")
        index = header_index(names)
        for record in rows:
            if record.cells is None:
                continue
            cells = Cells(index, record.cells)
            direction = cells.get("direction").upper()
            if direction not in ("OUTGOING", "INCOMING"):
                continue
            outgoing = direction == "OUTGOING"
            me = _linkedin_url(cells.get("inviterprofileurl" if outgoing else
                                         "inviteeprofileurl"))
            yield record, cells, outgoing, me


def read_invitations(archive: zipfile.ZipFile, name: str, history: History) -> None:
    for record, cells, outgoing, _ in _invitations(archive, name):
        moment = parse_timestamp(cells.get("sent at"))
        if moment is None:
            continue
        other_url = _linkedin_url(cells.get("inviteeprofileurl" if outgoing else
                                            "inviterprofileurl"))
        other_name = cells.get("to" if outgoing else "from")
        message = _snippet(cells.get("message"))
        if outgoing:
            kind = "message_sent" if message else "social_follow"
            notes = "LinkedIn invitation sent" + (f": {message}" if message else "")
        else:
            kind = "message_received" if message else "social_like_received"
            notes = "LinkedIn invitation received" + (f": {message}" if message else "")
        when = iso(moment)
        history.add(other_url, other_name, record.line, name,
                    (kind, when, f"li-inv:{'out' if outgoing else 'in'}:{when}", notes))


def parse_export(archive: zipfile.ZipFile, me: str | None = None) -> Iterator[ImportRow]:
    """Rows of a LinkedIn data export: connections with their message and invitation history,
    then the people known only from messages and invitations."""
    connections = _member(archive, "connections.csv")
    messages = _member(archive, "messages.csv")
    invitations = _member(archive, "invitations.csv")
    if not (connections or messages or invitations):
        raise ImportFileError(
            "no Connections.csv, messages.csv or Invitations.csv in this zip: is it the "
            "LinkedIn data export?")
    history = History()
    if messages:
        my_url = _linkedin_url(me) if me else find_me(archive, messages, connections)
        if my_url is None:
            raise ImportFileError(f"--me {me!r} is not a LinkedIn profile URL")
        read_messages(archive, messages, my_url, history)
    if invitations:
        read_invitations(archive, invitations, history)
    if connections:
        with _lines(archive, connections) as text:
            yield from parse_connections(text, history, connections)
    yield from history.leftovers()
