"""POST /contacts/bulk: up to 1000 contacts in one transaction, set-based, per-item results.

Matching order per item: a canonical profile URL, then an e-mail, then the import key (which
is source-prefixed, so it never matches across sources). Interactions carry an external_id and
are only added when (contact, external_id) is new, so re-running an import adds nothing.

Set-based so that imports run at thousands of rows a second (SPEC §9): items are validated by
`BulkItemIn` outside any transaction; the batch is matched with a few IN queries; the §3
upsert (non-empty values win, nothing is erased) runs on plain in-memory records; and the
result is written with one executemany per table, new contacts with RETURNING ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain.urls import ProfileRef
from server.errors import ApiError
from server.models import Contact, ContactEmail, Interaction, Profile, User, utcnow
from server.schemas.contact import BulkItemIn
from server.services import changes
from server.services.contact_fields import (
    FLAG_FIELDS,
    LIST_FIELDS,
    SCALAR_FIELDS,
    canonical_profiles,
)
from server.services.contacts import _clean, merge_fields, new_contact_values

_ITEM_SCHEMA = BulkItemIn()
ATTEMPTS = 3
BULK_LOCK = 0x7468  # advisory-lock namespace for bulk imports ("th")
CHUNK = 500  # ids per IN (...) list

_CONTACTS = Contact.__table__
_PROFILES = Profile.__table__
_EMAILS = ContactEmail.__table__
_INTERACTIONS = Interaction.__table__
# What an import may change on an existing contact; written back whole for every changed row,
# so one executemany serves them all.
_WRITTEN = (*SCALAR_FIELDS, *FLAG_FIELDS, *LIST_FIELDS, "import_key", "last_touch_at",
            "updated_at", "dirty_at")
_LOADED = ("id", "merged_into_id", *_WRITTEN)
_UPDATE = (
    update(_CONTACTS).where(_CONTACTS.c.id == bindparam("_id"))
    .values({name: bindparam(name, type_=_CONTACTS.c[name].type) for name in _WRITTEN})
)


@dataclass(slots=True)
class _Item:
    """One request item, validated (data and refs) or not (errors)."""

    index: int
    data: dict[str, Any] | None = None
    refs: list[ProfileRef] = field(default_factory=list)
    errors: Any = None


class _Rec:
    """A contact row in memory: loaded from the database, or new (no id until inserted).

    Plain attributes, so `merge_fields` applies the same upsert rules as a single save.
    """

    def __init__(self, values: dict[str, Any], *, new: bool) -> None:
        self.__dict__.update(values)
        self.new = new
        self.changed = new  # fields or profiles changed: updated_at moves
        self.touched = new  # derived work (warmth, nudges) must run: dirty_at
        self.write = new  # anything to store at all
        self.profiles: list[ProfileRef] = []  # to attach
        self.new_interactions: list[dict[str, Any]] = []  # to insert

    def folded_emails(self) -> set[str]:
        return {e.casefold() for e in getattr(self, "emails", None) or []}


@dataclass(slots=True)
class _Outcome:
    item: _Item
    rec: _Rec
    status: str
    added: int = 0


class _Index:
    """Who owns which URL / e-mail / import key (ids, or placeholders < 0 for new contacts)."""

    def __init__(self) -> None:
        self.by_url: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_key: dict[str, int] = {}

    def match(self, urls: list[str], emails: Iterable[str], key: str | None) -> int | None:
        for url in urls:
            if url in self.by_url:
                return self.by_url[url]
        for email in emails:
            if email in self.by_email:
                return self.by_email[email]
        if key and key in self.by_key:
            return self.by_key[key]
        return None


def _chunks(values: list[Any], size: int = CHUNK) -> list[list[Any]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _prepare(raw_items: list[dict[str, Any]]) -> list[_Item]:
    prepared: list[_Item] = []
    for i, raw in enumerate(raw_items):
        item = _Item(index=i)
        try:
            data = _clean(_ITEM_SCHEMA.load(raw))
            item.refs = canonical_profiles(data.get("profiles") or [])
            item.data = data
        except ValidationError as exc:
            item.errors = exc.messages
        except ApiError as exc:
            item.errors = (exc.errors or {}).get("json", {"_": [exc.message]})
        prepared.append(item)
    return prepared


def bulk_upsert(
    session: Session, user: User, raw_items: list[dict[str, Any]], *, dry_run: bool = False
) -> dict[str, Any]:
    # Validation needs no database: end the request's transaction first (on SQLite it has held
    # the write lock since authentication), so that the server validates the importer's next
    # batch while this one writes.
    session.commit()
    prepared = _prepare(raw_items)
    for attempt in range(ATTEMPTS):
        try:
            return _apply(session, user, prepared, dry_run)
        except IntegrityError:
            # A concurrent writer took a URL/key between our read and our write: re-read.
            session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _apply(session: Session, user: User, prepared: list[_Item], dry_run: bool) -> dict[str, Any]:
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # One import at a time per user: overlapping batches would otherwise keep colliding on
        # the same URLs. (SQLite already serialises writers with BEGIN IMMEDIATE.)
        session.execute(text("SELECT pg_advisory_xact_lock(:k1, :k2)"),
                        {"k1": BULK_LOCK, "k2": user.id})
    valid = [p for p in prepared if p.errors is None]
    index, recs = _load_index(session, user.id, valid, lock=postgres)
    now = utcnow()
    outcomes = _match_all(user.id, valid, index, recs, now)
    _plan_interactions(session, outcomes, recs, now)

    touched = [rec for rec in _unique(o.rec for o in outcomes) if rec.touched]
    if dry_run:
        session.rollback()
    else:
        _write(session, user.id, [o.rec for o in outcomes], now)
        changes.touched(session, user, [rec.id for rec in touched], bulk=True)
        session.commit()

    by_index = {o.item.index: o for o in outcomes}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    results: list[dict[str, Any]] = []
    for item in prepared:
        outcome = by_index.get(item.index)
        if outcome is None:
            counts["failed"] += 1
            results.append({"index": item.index, "status": "failed", "id": None,
                            "errors": item.errors, "interactions_added": 0})
            continue
        counts[outcome.status] += 1
        results.append({"index": item.index, "status": outcome.status,
                        "id": None if dry_run and outcome.rec.new else outcome.rec.id,
                        "errors": None, "interactions_added": outcome.added})
    return {**counts, "dry_run": dry_run, "results": results}


def _unique(recs: Iterable[_Rec]) -> list[_Rec]:
    return list({id(rec): rec for rec in recs}.values())


def _load_index(
    session: Session, user_id: int, valid: list[_Item], *, lock: bool
) -> tuple[_Index, dict[int, _Rec]]:
    index = _Index()
    urls = sorted({r.url for p in valid for r in p.refs})
    emails = sorted({e.casefold() for p in valid for e in p.data.get("emails") or []})  # type: ignore[union-attr]
    keys = sorted({p.data["import_key"] for p in valid if p.data.get("import_key")})  # type: ignore[index, union-attr]
    for chunk in _chunks(urls):
        index.by_url.update((url, cid) for url, cid in session.execute(
            select(Profile.url, Profile.contact_id).where(
                Profile.user_id == user_id, Profile.url.in_(chunk))))
    for chunk in _chunks(emails):
        for email, cid in session.execute(
            select(ContactEmail.email, ContactEmail.contact_id)
            .where(ContactEmail.user_id == user_id, ContactEmail.email.in_(chunk))
            .order_by(ContactEmail.contact_id)
        ):
            index.by_email.setdefault(email, cid)
    for chunk in _chunks(keys):
        for key, cid in session.execute(
            select(Contact.import_key, Contact.id).where(
                Contact.user_id == user_id, Contact.import_key.in_(chunk)).order_by(Contact.id)
        ):
            index.by_key.setdefault(key, cid)

    recs: dict[int, _Rec] = {}
    wanted = set(index.by_url.values()) | set(index.by_email.values()) | set(index.by_key.values())
    # Follow merges so imports land on the surviving contact.
    for _ in range(20):
        missing = sorted(wanted - recs.keys())
        if not missing:
            break
        recs.update(_load_recs(session, missing, lock))
        wanted = {rec.merged_into_id for rec in recs.values() if rec.merged_into_id is not None}
    for mapping in (index.by_url, index.by_email, index.by_key):
        for k, cid in list(mapping.items()):
            rec = recs.get(cid)
            hops = 0
            while rec is not None and rec.merged_into_id is not None and hops < 20:
                rec, hops = recs.get(rec.merged_into_id), hops + 1
            if rec is None:
                del mapping[k]
            else:
                mapping[k] = rec.id
    return index, recs


def _load_recs(session: Session, ids: list[int], lock: bool) -> dict[int, _Rec]:
    """Current values of these contacts; on PostgreSQL row-locked, so a concurrent single save
    can't slip an update in between our read and our write (it waits for this commit)."""
    columns = [_CONTACTS.c[name] for name in _LOADED]
    out: dict[int, _Rec] = {}
    for chunk in _chunks(ids):
        stmt = select(*columns).where(_CONTACTS.c.id.in_(chunk)).order_by(_CONTACTS.c.id)
        if lock:
            stmt = stmt.with_for_update()
        for row in session.execute(stmt).mappings():
            out[row["id"]] = _Rec(dict(row), new=False)
    return out


def _new_values(user_id: int, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The row `contacts.save_contact` would create from this item, as plain values."""
    return {**new_contact_values(user_id, data, "import", now), "id": None}


def _without_guessed_role(rec: _Rec, data: dict[str, Any]) -> dict[str, Any]:
    """The item as it may update `rec`: a guessed role (SPEC §8) only replaces `other`, the
    role every contact starts with; one the user chose is never overwritten by a guess."""
    if data.get("role_guessed") and "role" in data and rec.role not in (None, "other"):
        return {k: v for k, v in data.items() if k != "role"}
    return data


def _match_all(
    user_id: int, valid: list[_Item], index: _Index, recs: dict[int, _Rec], now: datetime
) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    for item in valid:
        data, refs = item.data, item.refs
        assert data is not None
        urls = [r.url for r in refs]
        emails = [e.casefold() for e in data.get("emails") or []]
        key = index.match(urls, emails, data.get("import_key"))
        rec = recs.get(key) if key is not None else None
        if rec is None:
            rec = _Rec(_new_values(user_id, data, now), new=True)
            key = -(len(recs) + 1)  # a placeholder until the insert assigns the id
            recs[key] = rec
            status, changed = "created", True
        else:
            changed = merge_fields(rec, _without_guessed_role(rec, data))
            if data.get("import_key") and not rec.import_key:
                rec.import_key = data["import_key"]
                rec.write = True
            status = "updated" if changed else "unchanged"
        for ref in refs:
            if ref.url not in index.by_url:
                rec.profiles.append(ref)
                index.by_url[ref.url] = key
                changed = True
                if status == "unchanged":
                    status = "updated"
        for email in rec.folded_emails():
            index.by_email.setdefault(email, key)
        if data.get("import_key"):
            index.by_key.setdefault(data["import_key"], key)
        if changed:
            rec.changed = rec.touched = rec.write = True
            rec.updated_at = rec.dirty_at = now
        outcomes.append(_Outcome(item, rec, status))
    return outcomes


def _plan_interactions(
    session: Session, outcomes: list[_Outcome], recs: dict[int, _Rec], now: datetime
) -> None:
    """Keep the items' interactions whose (contact, external_id) is new; count them."""
    wanted = [o for o in outcomes if o.item.data and o.item.data.get("interactions")]
    if not wanted:
        return
    stored_ids = sorted({o.rec.id for o in wanted if not o.rec.new})
    seen: set[tuple[int, str]] = set()
    for chunk in _chunks(stored_ids):
        seen.update(
            (id(recs[cid]), ext) for cid, ext in session.execute(
                select(Interaction.contact_id, Interaction.external_id).where(
                    Interaction.contact_id.in_(chunk), Interaction.external_id.is_not(None))
            )
        )
    for outcome in wanted:
        rec = outcome.rec
        for ix in outcome.item.data["interactions"]:  # type: ignore[index]
            key = (id(rec), ix["external_id"])
            if key in seen:
                continue
            seen.add(key)
            rec.new_interactions.append(ix)
            outcome.added += 1
            if ix["type"] != "note" and ix["occurred_at"] <= now and (
                rec.last_touch_at is None or ix["occurred_at"] > rec.last_touch_at
            ):
                rec.last_touch_at = ix["occurred_at"]
        if outcome.added:
            rec.touched = rec.write = True
            rec.dirty_at = now
            if outcome.status == "unchanged":
                outcome.status = "updated"


def _write(session: Session, user_id: int, recs: list[_Rec], now: datetime) -> None:
    unique = _unique(recs)
    new = [rec for rec in unique if rec.new]
    changed = [rec for rec in unique if not rec.new and rec.write]
    _insert_contacts(session, user_id, new)
    if changed:
        session.execute(_UPDATE, [
            {"_id": rec.id, **{name: getattr(rec, name) for name in _WRITTEN}} for rec in changed
        ])
    profiles = [
        {"user_id": user_id, "contact_id": rec.id, "network": ref.network, "url": ref.url,
         "handle": ref.handle}
        for rec in unique for ref in rec.profiles
    ]
    _insert_rows(session, _PROFILES, profiles)
    emails = _new_index_emails(session, new, changed)
    _insert_rows(session, _EMAILS, [
        {"contact_id": rec.id, "email": email, "user_id": user_id} for rec, email in emails])
    interactions = [
        {"user_id": user_id, "contact_id": rec.id, "type": ix["type"],
         "occurred_at": ix["occurred_at"], "network": ix.get("network"), "notes": ix.get("notes"),
         "external_id": ix["external_id"], "final": False, "created_at": now, "updated_at": now}
        for rec in unique for ix in rec.new_interactions
    ]
    _insert_rows(session, _INTERACTIONS, interactions)


def _insert_contacts(session: Session, user_id: int, new: list[_Rec]) -> None:
    if not new:
        return
    names = ("user_id", "name", *SCALAR_FIELDS[1:], *FLAG_FIELDS, *LIST_FIELDS, "source",
             "import_key", "last_touch_at", "created_at", "updated_at", "dirty_at")
    rows = [{name: getattr(rec, name) for name in names} for rec in new]
    for row in rows:
        row["user_id"] = user_id
    dialect = session.get_bind().dialect
    ids: Sequence[int]
    if dialect.name == "sqlite":
        # SQLite gives a new row max(id) + 1 (no AUTOINCREMENT on this table), and this
        # transaction holds the write lock since its BEGIN IMMEDIATE: assigning those same ids
        # here lets one plain executemany do the insert (its RETURNING would go row by row,
        # having no sentinel to order the returned ids by).
        start = (session.scalar(select(func.max(_CONTACTS.c.id))) or 0) + 1
        ids = range(start, start + len(rows))
        for row, cid in zip(rows, ids, strict=True):
            row["id"] = cid
        _insert_rows(session, _CONTACTS, rows)
    elif dialect.insert_executemany_returning_sort_by_parameter_order:
        ids = session.execute(
            insert(_CONTACTS).returning(_CONTACTS.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
    else:  # no multi-row RETURNING: one insert per contact
        ids = [session.execute(insert(_CONTACTS), row).inserted_primary_key[0] for row in rows]
    for rec, cid in zip(new, ids, strict=True):
        rec.id = cid


def _new_index_emails(
    session: Session, new: list[_Rec], changed: list[_Rec]
) -> list[tuple[_Rec, str]]:
    """(contact, folded e-mail) pairs missing from the e-mail index."""
    out = [(rec, email) for rec in new for email in sorted(rec.folded_emails())]
    grown = [rec for rec in changed if rec.folded_emails()]
    if not grown:
        return out
    indexed: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(rec.id for rec in grown)):
        indexed.update(session.execute(
            select(ContactEmail.contact_id, ContactEmail.email)
            .where(ContactEmail.contact_id.in_(chunk))))
    for rec in grown:
        out.extend((rec, email) for email in sorted(rec.folded_emails())
                   if (rec.id, email) not in indexed)
    return out


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT these rows (all with the same keys) with one executemany.

    On SQLite the values go through the columns' own bind processors and straight to the
    driver's executemany: SQLAlchemy's per-row parameter handling costs several times the
    insert itself.
    """
    if not rows:
        return
    names = list(rows[0])
    dialect = session.get_bind().dialect
    omitted_defaults = any(
        c.default is not None and not (c.default.is_scalar and c.default.arg is None)
        for c in table.columns if c.name not in rows[0])
    if dialect.name != "sqlite" or omitted_defaults:
        session.execute(insert(table), rows)
        return
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    columns = [_bound_column(table.c[name].type.dialect_impl(dialect).bind_processor(dialect),
                             [row[name] for row in rows]) for name in names]
    session.connection().exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _bound_column(process: Any, values: list[Any]) -> list[Any]:
    """One column's values through its bind processor, column by column (a batch repeats
    the same datetimes, flags and empty lists, so each distinct value is converted once)."""
    if process is None:
        return values
    memo: dict[Any, Any] = {}
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        key = (type(value), tuple(value) if type(value) is list else value)
        try:
            out.append(memo[key])
        except KeyError:
            out.append(memo.setdefault(key, process(value)))
        except TypeError:  # unhashable (a list of dicts): no memo
            out.append(process(value))
    return out
